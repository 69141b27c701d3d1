"""Reading training CSVs: every mistake is a DataFileError that names the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolution_agent.agent.understanding.classifier import read_labelled_csv
from resolution_agent.tools.errors import DataFileError
from tests.understanding.conftest import TINY


def write(tmp_path: Path, body: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_reads_the_tiny_fixture(known_intents: set[str]) -> None:
    data = read_labelled_csv(TINY, known_labels=known_intents)
    assert len(data) == 36
    assert "card_arrival" in data.classes
    assert data.source == str(TINY)


def test_missing_label_column_names_the_file_and_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "text,topic\nhello,greeting\n")
    with pytest.raises(DataFileError) as caught:
        read_labelled_csv(path)
    message = str(caught.value)
    assert str(path) in message
    assert "intent" in message and "['text', 'topic']" in message


def test_missing_text_column(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"missing column.*text"):
        read_labelled_csv(write(tmp_path, "utterance,intent\nhello,greeting\n"))


@pytest.mark.parametrize("body", ["", "\n  \n"])
def test_empty_file(tmp_path: Path, body: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(DataFileError, match="empty") as caught:
        read_labelled_csv(path)
    assert caught.value.path == path


def test_header_without_rows(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no rows"):
        read_labelled_csv(write(tmp_path, "text,intent\n"))


def test_blank_cells_are_reported_with_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "text,intent\nhello,greeting\n,greeting\nbye,\n")
    with pytest.raises(DataFileError, match=r"2 row\(s\).*line 3, 4"):
        read_labelled_csv(path)


def test_unknown_labels_are_listed_with_counts(tmp_path: Path, known_intents: set[str]) -> None:
    path = write(
        tmp_path,
        "text,intent\nhello,greeting\nmortgage please,mortgage_enquiry\n"
        "remortgage,mortgage_enquiry\nisa rates,isa_rates\n",
    )
    with pytest.raises(DataFileError) as caught:
        read_labelled_csv(path, known_labels=known_intents)
    message = str(caught.value)
    assert "isa_rates (1 rows), mortgage_enquiry (2 rows)" in message
    assert "--accept-unknown-labels" in message
    assert caught.value.key == "intent"


def test_accept_flag_lets_unknown_labels_through(tmp_path: Path, known_intents: set[str]) -> None:
    path = write(tmp_path, "text,intent\nhello,greeting\nmortgage please,mortgage_enquiry\n")
    data = read_labelled_csv(path, known_labels=known_intents, accept_unknown=True)
    assert data.classes == ["greeting", "mortgage_enquiry"]


def test_banking77_style_category_column(tmp_path: Path) -> None:
    data = read_labelled_csv(write(tmp_path, "text,category\nwhere is my card,card_arrival\n"))
    assert data.labels == ("card_arrival",)


def test_row_order_does_not_change_the_data(tmp_path: Path) -> None:
    first = read_labelled_csv(write(tmp_path, "text,intent\nhi,greeting\nlost card,x\n", "a.csv"))
    second = read_labelled_csv(write(tmp_path, "text,intent\nlost card,x\nhi,greeting\n", "b.csv"))
    assert (first.texts, first.labels) == (second.texts, second.labels)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not found"):
        read_labelled_csv(tmp_path / "nope.csv")
