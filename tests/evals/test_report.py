"""The terminal table, report.json and the self-contained HTML page."""

from __future__ import annotations

import json
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

from resolution_agent.agent.settings import Settings
from resolution_agent.evals.metrics import TranscriptLine
from resolution_agent.evals.report import terminal_table, write_report
from resolution_agent.evals.summary import Report


class _Page(HTMLParser):
    """Collects tags, text (scripts and styles apart), source attributes and scenario rows."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.sources: list[str] = []
        self.rows: list[str | None] = []  # data-passed of the scenario table's rows, in order
        self.hidden: list[str] = []  # ids of elements hidden until a script shows them
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.sources.extend(v or "" for k, v in attrs if k in ("src", "href", "action"))
        found = dict(attrs)
        if tag == "tr" and "data-passed" in found:
            self.rows.append(found["data-passed"])
        if "hidden" in found and found.get("id"):
            self.hidden.append(str(found["id"]))
        self._in_code = tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._in_code = False

    def handle_data(self, data: str) -> None:
        if not self._in_code:
            self.text.append(data)


def _written(report: Report, tmp_path: Path) -> tuple[dict[str, object], str]:
    write_report(report, tmp_path / "out", Settings().prompts_dir)
    data = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    return data, (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_report_json_has_the_contract_fields_in_a_stable_order(
    suite_report: Report, tmp_path: Path
) -> None:
    data, _ = _written(suite_report, tmp_path)
    assert list(data)[:3] == ["scenarios", "passed", "pass_rate"]
    assert {"by_tag", "metrics", "repeat", "outcomes", "results"} <= set(data)
    assert list(data)[-3:] == ["run_at", "commit", "planner"]  # added last: old keys keep places
    assert (data["scenarios"], data["passed"]) == (9, 7)
    results = data["results"]
    assert isinstance(results, list)
    for row in results:
        assert {"id", "passed", "outcome", "failures"} <= set(row)
        assert isinstance(row["failures"], list)
    failed = {row["id"]: row for row in results if not row["passed"]}
    assert set(failed) == {"declined-expects-handoff", "unknown-customer"}
    assert failed["unknown-customer"]["outcome"] == "error"
    again, _ = _written(suite_report, tmp_path)
    assert json.dumps(again) == json.dumps(data)


def test_html_report_is_self_contained_and_shows_everything(
    suite_report: Report, tmp_path: Path
) -> None:
    _, html = _written(suite_report, tmp_path)
    page = _Page()
    page.feed(html)
    text = " ".join(page.text)
    assert page.tags.count("svg") >= 2
    assert "rect" in page.tags
    assert page.sources == []  # no src, href or action: nothing is fetched, scripts are inline
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for result in suite_report.results:
        assert result.id in text
    assert "None" not in text and "undefined" not in text
    assert "outcome: expected handed_off, got resolved" in text
    assert "crashed: UnknownCustomerError" in text
    assert "why was my card declined at ASOS?" in text  # the failed scenario's transcript
    assert "list_transactions" in text  # and its actions


def test_terminal_table_lists_totals_tags_and_first_failures(suite_report: Report) -> None:
    table = terminal_table(suite_report)
    assert "total" in table and "77.8%" in table
    assert "  cards" in table and "  broken" in table
    assert "declined-expects-handoff: outcome: expected handed_off, got resolved" in table
    assert "unknown-customer: crashed:" in table


def test_html_report_lists_failed_scenarios_first_and_keeps_report_json_in_suite_order(
    suite_report: Report, tmp_path: Path
) -> None:
    data, html = _written(suite_report, tmp_path)
    page = _Page()
    page.feed(html)

    assert len(page.rows) == suite_report.scenarios
    assert page.rows == sorted(page.rows, key=str)  # every "false" before every "true"
    assert page.rows[:2] == ["false", "false"]
    results = data["results"]
    assert isinstance(results, list)
    assert [r["id"] for r in results] == [r.id for r in suite_report.results]


def test_html_report_sort_and_filter_controls_are_hidden_without_a_script(
    suite_report: Report, tmp_path: Path
) -> None:
    _, html = _written(suite_report, tmp_path)
    page = _Page()
    page.feed(html)

    assert "scenario-tools" in page.hidden
    assert page.tags.count("script") == 1
    assert "<thead>" in html and "<tbody>" in html


def test_html_report_header_names_when_what_and_which_commit_ran(
    suite_report: Report, tmp_path: Path
) -> None:
    at = datetime(2025, 6, 1, 14, 3, tzinfo=ZoneInfo("Europe/London"))
    report = suite_report.model_copy(
        update={
            "run_at": at,
            "commit": "0123456789ab-dirty",
            "planner": "llm",
            "model": "openai:gpt-4.1-mini",
        }
    )
    data, html = _written(report, tmp_path)
    page = _Page()
    page.feed(html)
    text = " ".join(" ".join(page.text).split())

    assert "Run 2025-06-01 14:03 BST (UTC+01:00)" in text
    assert "commit 0123456789ab-dirty" in text
    assert "planner llm · model openai:gpt-4.1-mini" in text
    assert (data["run_at"], data["commit"], data["planner"]) == (
        "2025-06-01T14:03:00+01:00",
        "0123456789ab-dirty",
        "llm",
    )


def test_html_report_header_says_so_when_no_commit_is_known(
    suite_report: Report, tmp_path: Path
) -> None:
    _, html = _written(suite_report.model_copy(update={"commit": None}), tmp_path)
    page = _Page()
    page.feed(html)
    text = " ".join(" ".join(page.text).split())

    assert "commit — · planner offline · model —" in text


def test_a_report_json_from_before_the_provenance_fields_still_loads(
    suite_report: Report,
) -> None:
    old = suite_report.model_dump(mode="json", exclude={"run_at", "commit", "planner"})

    loaded = Report.model_validate(old)

    assert (loaded.run_at, loaded.commit, loaded.planner) == (None, None, "offline")


def test_html_report_masks_card_numbers_and_security_codes_in_failed_transcripts(
    suite_report: Report, tmp_path: Path
) -> None:
    said = "my card 4539 1488 0343 6467 was taken, the CVV is 123"
    failed = next(r for r in suite_report.results if not r.passed)
    line = TranscriptLine(role="customer", text=said)
    leaked = failed.model_copy(
        update={"transcript": [*failed.transcript, line], "failures": [f"reply quoted: {said}"]}
    )
    results = [leaked if r.id == failed.id else r for r in suite_report.results]
    _, html = _written(suite_report.model_copy(update={"results": results}), tmp_path)

    assert "4539" not in html and "0343 6467" not in html
    assert "CVV is 123" not in html
    assert "my card [card] was taken, the CVV is [security code]" in html
