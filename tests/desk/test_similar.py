"""Similar closed cases: real handed-off cases, worked and closed through the API, then ranked
by meaning and facts; and the ranking's arithmetic on vectors written by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.desk.similar import MIN_SCORE, CaseFacts, rank_similar
from resolution_agent.agent.errors import InvalidRequestError, UnknownConversationError
from resolution_agent.agent.understanding.classifier.embedding import Matrix
from tests.desk.cases import (
    BEREAVEMENT_OPEN,
    SCAM_CLOSED,
    SCAM_CLOSING,
    SCAM_OPEN,
    desk_with_history,
    settings,
)


async def test_a_new_scam_case_finds_the_closed_scam_case_its_code_and_closing_reply(
    tmp_path: Path,
) -> None:
    async with ResolutionAgent(settings(tmp_path)) as agent:
        await desk_with_history(agent)
        similar = await agent.similar_cases(SCAM_OPEN)
        unrelated = await agent.similar_cases(BEREAVEMENT_OPEN)

    assert [s.conversation_id for s in similar] == [SCAM_CLOSED]  # the complaint is too far
    best = similar[0]
    assert best.resolution_code == "no_action_needed"
    assert best.closing_reply == SCAM_CLOSING
    assert best.intent == "scam_report" and best.queue == "fincrime"
    assert {"intent", "queue", "risk:scam"} <= set(best.shared)
    # different words for the same scam still read as close in meaning
    assert best.meaning > 0.5
    assert best.score == pytest.approx(0.6 * best.meaning + 0.4 * best.facts, abs=1e-3)
    # open cases are never offered as precedent, and nothing close is better than a weak match
    assert unrelated == []


async def test_unknown_case_and_bad_limit_are_clear_errors(tmp_path: Path) -> None:
    async with ResolutionAgent(settings(tmp_path)) as agent:
        await desk_with_history(agent)
        with pytest.raises(UnknownConversationError):
            await agent.similar_cases("conv-nobody")
        with pytest.raises(InvalidRequestError, match="limit must be"):
            await agent.similar_cases(SCAM_OPEN, limit=0)


def _case(conversation_id: str, **facts: object) -> CaseFacts:
    values: dict[str, object] = {
        "conversation_id": conversation_id,
        "headline": conversation_id,
        "text": conversation_id,
        "intent": None,
        "queue": "general",
    }
    return CaseFacts.model_validate({**values, **facts})


def _unit(*rows: list[float]) -> Matrix:
    matrix = np.asarray(rows, dtype=np.float32)
    return np.asarray(matrix / np.linalg.norm(matrix, axis=1, keepdims=True), dtype=np.float32)


def test_a_shared_merchant_and_intent_outrank_a_closer_wording_with_no_facts() -> None:
    case = _case(
        "new", intent="card_payment_not_recognised", queue="cards", merchants=frozenset({"zapp"})
    )
    same_facts = _case(
        "facts",
        intent="card_payment_not_recognised",
        queue="cards",
        merchants=frozenset({"zapp"}),
        resolution_code="refunded",
    )
    same_words = _case("words", queue="payments")
    vectors = _unit([0.6, 0.8], [1.0, 0.0])
    ranked = rank_similar(case, _unit([0.8, 0.6])[0], [same_facts, same_words], vectors)
    assert [s.conversation_id for s in ranked] == ["facts", "words"]
    assert ranked[0].shared == ["intent", "queue", "merchant:zapp"]
    assert ranked[0].facts == pytest.approx(0.8)
    assert ranked[1].shared == []


def test_the_case_itself_and_weak_matches_are_left_out() -> None:
    case = _case("new")
    far = _case("far", queue="fincrime")
    vectors = _unit([1.0, 0.0], [0.0, 1.0])
    ranked = rank_similar(case, _unit([1.0, 0.0])[0], [case, far], vectors)
    assert ranked == []  # itself excluded; "far" scores 0 < MIN_SCORE
    assert MIN_SCORE > 0


def test_vectors_must_match_the_candidates() -> None:
    with pytest.raises(ValueError, match="2 candidates but 1 vectors"):
        rank_similar(_case("a"), _unit([1.0])[0], [_case("b"), _case("c")], _unit([1.0]))


async def test_a_case_closed_after_the_first_look_is_found_on_the_next(tmp_path: Path) -> None:
    async with ResolutionAgent(settings(tmp_path)) as agent:
        await desk_with_history(agent)
        first = await agent.similar_cases(SCAM_OPEN)
        await agent.handle_message(
            "conv-scam-later",
            "cus_1010",
            "a caller said he was from the bank and told me to move my savings to a safe account",
        )
        await agent.claim_case("conv-scam-later", "cop_bob")
        await agent.cop_reply("conv-scam-later", "cop_bob", "We stopped the transfer in time.")
        await agent.close_case("conv-scam-later", "cop_bob", "resolved")
        second = await agent.similar_cases(SCAM_OPEN)

    assert [s.conversation_id for s in first] == [SCAM_CLOSED]
    assert {s.conversation_id for s in second} == {SCAM_CLOSED, "conv-scam-later"}
    later = next(s for s in second if s.conversation_id == "conv-scam-later")
    assert (later.resolution_code, later.closing_reply) == (
        "resolved",
        "We stopped the transfer in time.",
    )
