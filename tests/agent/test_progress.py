"""Progress on standard error: plain lines when piped, a Rich display on a terminal.

Time is a fake clock where lines depend on it; the ticker thread (lines for work that reports
nothing) is waited for, never slept on blindly.
"""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest

from resolution_agent.agent.progress import note, progress
from resolution_agent.agent.understanding.classifier.embedding import Matrix
from resolution_agent.agent.warmup import SLICE, ReportingEncoder


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class CountingEncoder:
    """Rows of ``[index, length]``; records each call's size."""

    identity = "counting-encoder"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts: list[str]) -> Matrix:
        self.calls.append(len(texts))
        return np.array([[float(t), float(len(t))] for t in texts], dtype=np.float32)


def test_piped_sized_work_writes_its_count_every_interval_and_a_last_line() -> None:
    out, clock = io.StringIO(), Clock()

    with progress("indexing", unit="passages", stream=out, interval_s=10, clock=clock) as task:
        task.update(10, 100)
        clock.now = 12.0
        task.update(40, 100)
        clock.now = 15.0
        task.update(60, 100)  # under 10 s since the last line: nothing
        clock.now = 31.0
        task.update(100, 100)

    assert out.getvalue().splitlines() == [
        "resolve: indexing: 40/100 passages (12 s)",
        "resolve: indexing: 100/100 passages (31 s)",
        "resolve: indexing: 100/100 passages in 31 s",
    ]


def test_quick_unsized_work_writes_nothing() -> None:
    out = io.StringIO()

    with progress("opening the agent", stream=out, interval_s=10):
        pass

    assert out.getvalue() == ""


def test_unsized_work_that_reports_nothing_is_still_seen_to_be_alive() -> None:
    out = io.StringIO()
    seen = threading.Event()

    class Watched(io.StringIO):
        def write(self, text: str) -> int:
            seen.set()
            return out.write(text)

    with progress("loading the agent", stream=Watched(), interval_s=0.05):
        assert seen.wait(10)  # the ticker wrote while the block was silent

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("resolve: loading the agent: still working (")
    assert lines[-1].startswith("resolve: loading the agent: done in ")


def test_work_that_fails_writes_no_done_line() -> None:
    out = io.StringIO()

    with pytest.raises(RuntimeError), progress("indexing", total=3, stream=out):
        raise RuntimeError("boom")

    assert out.getvalue() == ""


def test_a_next_phase_drops_the_count_of_the_one_before() -> None:
    out, clock = io.StringIO(), Clock()

    with progress("training", unit="utterances", stream=out, clock=clock) as task:
        task.update(5, 5)
        clock.now = 11.0
        task.describe("training: fitting the classifier")

    assert out.getvalue().splitlines() == [
        "resolve: training: fitting the classifier: still working (11 s)",
        "resolve: training: 5/5 utterances in 11 s",  # the count of the work, not the phase
    ]


def test_on_a_terminal_sized_work_leaves_one_summary_line() -> None:
    out = Terminal()

    with progress("indexing the help centre", total=3, unit="passages", stream=out) as task:
        task.update(3, 3)

    assert "✓ indexing the help centre: 3/3 passages in 0 s" in out.getvalue()
    assert "resolve:" not in out.getvalue()


def test_progress_and_notes_go_to_stderr_never_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    note("first use: building the index")
    with progress("indexing", total=1) as task:
        task.update(1, 1)

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "resolve: first use: building the index",
        "resolve: indexing: 1/1 in 0 s",
    ]


def test_the_reporting_encoder_embeds_in_slices_and_reports_each() -> None:
    inner = CountingEncoder()
    reports: list[tuple[int, int]] = []
    texts = [str(i) for i in range(SLICE * 2 + 5)]

    vectors = ReportingEncoder(inner, lambda done, total: reports.append((done, total))).encode(
        texts
    )

    np.testing.assert_array_equal(vectors, inner.encode(texts))
    assert inner.calls[:3] == [SLICE, SLICE, 5]
    assert reports == [(SLICE, len(texts)), (2 * SLICE, len(texts)), (len(texts), len(texts))]
    assert ReportingEncoder(inner, lambda d, t: None).identity == inner.identity  # same cache
