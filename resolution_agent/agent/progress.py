"""Progress of long work, on standard error only: a Rich bar on a terminal, log lines otherwise.

Why: a first start builds the help-centre index and trains the intent model (minutes on two
cores), and a suite runs for minutes; a silent terminal looks hung. Standard output stays the
command's result (a table, JSON), so piping it is never polluted by progress.

On a terminal a task is a live line (spinner, bar when the amount of work is known, elapsed
time) that disappears when done; work of a known size then leaves one summary line. When
standard error is not a terminal (CI, a log file), a task writes a plain line every
``interval_s`` while it runs (from a ticker thread, so work that reports nothing is still
seen to be alive), and a last line when done if it wrote any or its size was known. Quick
unsized work therefore writes nothing at all.

A :class:`Task` may be updated from worker threads (embedding runs in one).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # rich is imported when a terminal shows progress, not with this module
    from rich.progress import Progress

#: What long work calls as it goes: ``(done, total)``.
ProgressCallback = Callable[[int, int], None]


class Task:
    """One piece of long work being shown: update it with what is done so far."""

    def __init__(self, description: str, total: int | None, unit: str) -> None:
        self._lock = threading.Lock()
        self.title = description  # what the whole task is; the last line names it
        self.description = description
        self.total = total
        self.unit = unit
        self.done = 0
        self.sized = total is not None  # ever: such work ends with a summary line
        self.counted = ""  # the count of an earlier phase, for that line

    def update(self, done: int, total: int | None = None) -> None:
        """``done`` of ``total`` (``total`` may be learnt only when the work starts)."""
        with self._lock:
            self.done = done
            if total is not None:
                self.total = total
                self.sized = True
        self._changed()

    def describe(self, description: str) -> None:
        """Say what the work is doing now: a next phase, with no count of its own."""
        counted = self.counts()
        with self._lock:
            self.description = description
            self.total, self.done = None, 0
            self.counted = counted or self.counted
        self._changed()

    def summary(self, elapsed: str) -> str:
        """``412/412 passages in 32 s`` (the last count of the work), or ``done in 32 s``."""
        counted = self.counts() or self.counted
        return f"{counted} in {elapsed}" if counted else f"done in {elapsed}"

    def counts(self) -> str:
        """``120/412 passages`` when the size is known, else an empty string."""
        with self._lock:
            if self.total is None:
                return ""
            return f"{self.done}/{self.total} {self.unit}".rstrip()

    def _changed(self) -> None:
        """Hook for the display."""


class _RichTask(Task):
    def __init__(self, description: str, total: int | None, unit: str, bar: Progress) -> None:
        super().__init__(description, total, unit)
        self._bar = bar
        self._id = bar.add_task(description, total=total)

    def _changed(self) -> None:
        with self._lock:
            done, total, description = self.done, self.total, self.description
        self._bar.update(self._id, completed=done, total=total, description=description)


class _LineTask(Task):
    def __init__(
        self,
        description: str,
        total: int | None,
        unit: str,
        stream: TextIO,
        interval_s: float,
        clock: Callable[[], float],
    ) -> None:
        super().__init__(description, total, unit)
        self._stream = stream
        self._interval_s = interval_s
        self._clock = clock
        self.started = clock()
        self._last = self.started
        self.lines = 0

    def _changed(self) -> None:
        if self._clock() - self._last >= self._interval_s:
            self.write()

    def write(self, *, finished: bool = False) -> None:
        now = self._clock()
        with self._lock:
            self._last = now
            self.lines += 1
            description = self.title if finished else self.description
        elapsed = _seconds(now - self.started)
        counts = self.counts()
        if finished:
            what = self.summary(elapsed)
        elif counts:
            what = f"{counts} ({elapsed})"
        else:
            what = f"still working ({elapsed})"
        self._stream.write(f"resolve: {description}: {what}\n")
        self._stream.flush()


def is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


@contextmanager
def progress(
    description: str,
    *,
    total: int | None = None,
    unit: str = "",
    stream: TextIO | None = None,
    interval_s: float = 10.0,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[Task]:
    """Show ``description`` while the block runs; the block reports through the task.

    ``total`` and ``unit`` size the work (``412`` ``passages``); without them it is a spinner
    on a terminal and a periodic "still working" line elsewhere.
    """
    out = stream if stream is not None else sys.stderr
    if is_terminal(out):
        with _rich(description, total, unit, out) as task:
            yield task
        return
    task = _LineTask(description, total, unit, out, interval_s, clock)
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(interval_s):
            if clock() - task._last >= interval_s * 0.99:
                task.write()

    ticker = threading.Thread(target=tick, name="resolve-progress", daemon=True)
    ticker.start()
    try:
        yield task
    finally:
        stop.set()
        ticker.join()
    if task.lines or task.sized:
        task.write(finished=True)


@contextmanager
def _rich(description: str, total: int | None, unit: str, out: TextIO) -> Iterator[Task]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(file=out)
    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None or unit:
        columns += [BarColumn(), MofNCompleteColumn(), TextColumn(unit)]
    bar = Progress(*columns, TimeElapsedColumn(), console=console, transient=True)
    started = time.monotonic()
    with bar:
        task = _RichTask(description, total, unit, bar)
        yield task
    if task.sized:
        elapsed = _seconds(time.monotonic() - started)
        console.print(f"✓ {task.title}: {task.summary(elapsed)}", highlight=False, markup=False)


def note(text: str, *, stream: TextIO | None = None) -> None:
    """One line of explanation on standard error (what is being built, and why)."""
    out = stream if stream is not None else sys.stderr
    if is_terminal(out):
        from rich.console import Console

        Console(file=out).print(text, style="bold", highlight=False, markup=False)
        return
    out.write(f"resolve: {text}\n")
    out.flush()


def _seconds(value: float) -> str:
    seconds = round(value)
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60:02d} s"


__all__ = ["ProgressCallback", "Task", "is_terminal", "note", "progress"]
