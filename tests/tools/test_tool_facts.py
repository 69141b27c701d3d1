"""A tool's facts on its declaration are consistent with its models and its templates.

The guards derive their lists of tool names from these facts (which records a result reveals,
which claims a success backs, which result fields hold outside text, which tools back a refund
promise), so a fact that names a field the models do not have, or a write tool without its
templates, would quietly switch a check off. These tests fail first.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.tools.declarations import TOOLS, TOOLS_BY_NAME, ToolSpec
from resolution_agent.tools.vocabulary import ID_ARGUMENT_COLLECTION

PROMPTS = PROJECT_ROOT / "prompts"

# Write tools with no "done" message, and why: the step-up's outcome is told by the
# verification flow itself (the customer is verified or asked again), not by a done part.
NO_DONE_TEMPLATE = {"check_verification"}


def _parts(template: Path) -> list[str]:
    """The names of the Jinja blocks (the parts) in a tool's template."""
    return re.findall(r"{%-?\s*block\s+(\w+)", template.read_text(encoding="utf-8"))


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models inside an annotation (``Card | None``, ``list[Card]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if get_origin(annotation) in (Union, UnionType, list, tuple):
        return [m for arg in get_args(annotation) for m in _models_in(arg)]
    return []


def _str_fields(model: type[BaseModel]) -> set[str]:
    """Names of the string fields of ``model`` and of every model nested in it."""
    found: set[str] = set()
    for name, field in model.model_fields.items():
        nested = _models_in(field.annotation)
        if nested:
            for inner in nested:
                found |= _str_fields(inner)
        elif str in (field.annotation, *get_args(field.annotation)):
            found.add(name)
    return found


@pytest.mark.parametrize("spec", TOOLS, ids=lambda s: s.name)
def test_every_revealed_field_holds_records_with_ids_on_the_result_model(spec: ToolSpec) -> None:
    for reveal in spec.reveals:
        assert reveal.collection in ID_ARGUMENT_COLLECTION.values()
        if reveal.field is None:
            records = [spec.result_model]
        else:
            assert reveal.field in spec.result_model.model_fields, reveal
            records = _models_in(spec.result_model.model_fields[reveal.field].annotation)
        assert records, f"{spec.name}: {reveal.field} holds no records"
        assert all("id" in m.model_fields for m in records), reveal


@pytest.mark.parametrize("spec", TOOLS, ids=lambda s: s.name)
def test_every_free_text_field_is_a_string_on_the_args_or_result_model(spec: ToolSpec) -> None:
    strings = _str_fields(spec.result_model) | _str_fields(spec.args_model)
    assert set(spec.free_text) <= strings, spec.free_text


def test_a_field_screened_for_one_tool_is_screened_for_every_tool_that_returns_it() -> None:
    screened = {field for spec in TOOLS for field in spec.free_text}
    for spec in TOOLS:
        missing = (_str_fields(spec.result_model) & screened) - set(spec.free_text)
        assert not missing, f"{spec.name} returns {sorted(missing)} but does not screen it"


def test_only_write_tools_back_claims_or_refund_promises() -> None:
    for spec in TOOLS:
        if spec.effect == "read":
            assert not spec.claims, spec.name
            assert not spec.backs_refund_promise, spec.name


def test_a_claim_means_the_same_words_whichever_tool_backs_it() -> None:
    patterns: dict[str, str] = {}
    for spec in TOOLS:
        for claim in spec.claims:
            re.compile(claim.pattern)
            assert patterns.setdefault(claim.label, claim.pattern) == claim.pattern, claim.label


def test_the_refund_promise_is_backed_by_disputes_and_cancelled_payments_only() -> None:
    backers = {spec.name for spec in TOOLS if spec.backs_refund_promise}
    assert backers == {"raise_dispute", "cancel_payment", "cancel_direct_debit"}


def test_the_template_name_comes_from_the_tool_name() -> None:
    assert TOOLS_BY_NAME["cancel_card"].template == "tools/cancel_card.j2"


@pytest.mark.parametrize("spec", [s for s in TOOLS if s.effect == "write"], ids=lambda s: s.name)
def test_every_write_tool_has_a_done_part(spec: ToolSpec) -> None:
    if spec.name in NO_DONE_TEMPLATE:
        assert not (PROMPTS / spec.template).exists(), "drop it from NO_DONE_TEMPLATE"
    else:
        assert "done" in _parts(PROMPTS / spec.template)


@pytest.mark.parametrize("spec", [s for s in TOOLS if s.effect == "write"], ids=lambda s: s.name)
def test_every_write_tool_with_a_template_says_what_could_not_be_confirmed(spec: ToolSpec) -> None:
    """The part a hand-off uses when the tool's outcome is unknown ("cancelling your card")."""
    if spec.name not in NO_DONE_TEMPLATE:
        assert "unconfirmed" in _parts(PROMPTS / spec.template)


def test_every_tool_template_names_a_declared_write_tool_and_holds_only_its_parts() -> None:
    paths = sorted((PROMPTS / "tools").glob("*"))
    assert paths
    for path in paths:
        spec = TOOLS_BY_NAME.get(path.stem)
        assert path.suffix == ".j2", f"{path}: a tool template is named <tool>.j2"
        assert spec is not None, f"{path} names no declared tool"
        assert spec.effect == "write", f"{path}: {spec.name} changes nothing to confirm"
        parts = _parts(path)
        assert parts, f"{path} has no part"
        assert set(parts) <= {"confirm", "done", "unconfirmed"}, f"{path}: unknown part {parts}"
