"""The terminal table, report.json and the self-contained HTML page."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from resolution_agent.agent.settings import Settings
from resolution_agent.evals.report import terminal_table, write_report
from resolution_agent.evals.summary import Report


class _Page(HTMLParser):
    """Collects tags, text and attribute values of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.sources.extend(v or "" for k, v in attrs if k in ("src", "href"))

    def handle_data(self, data: str) -> None:
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
    assert "script" not in page.tags and page.sources == []
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
