"""The decision aid on the console's case page: similar closed cases as a section, and the
drafted reply prefilled in the owner's reply box, sent as the COp edits it."""

from __future__ import annotations

from pathlib import Path

from markupsafe import escape

from resolution_agent.agent import ResolutionAgent
from resolution_agent.agent.console import create_console_app
from tests.console.helpers import login_for_tests, post_form, signed_in
from tests.desk.cases import SCAM_CLOSED, SCAM_CLOSING, SCAM_OPEN, desk_with_history, settings


async def test_case_page_shows_similar_cases_and_prefills_the_draft_for_its_owner(
    tmp_path: Path,
) -> None:
    async with ResolutionAgent(settings(tmp_path)) as agent:
        await desk_with_history(agent)
        draft = await agent.draft_reply(SCAM_OPEN)
        assert draft.text is not None
        async with signed_in(create_console_app(agent, login_for_tests())) as client:
            before = (await client.get(f"/cases/{SCAM_OPEN}")).text
            await post_form(client, f"/cases/{SCAM_OPEN}/claim", {})
            mine = (await client.get(f"/cases/{SCAM_OPEN}")).text
            edited = draft.text + " Alice"
            sent = await post_form(client, f"/cases/{SCAM_OPEN}/reply", {"text": edited})
            closed = (await client.get(f"/cases/{SCAM_CLOSED}")).text
        last = (await agent.get_conversation(SCAM_OPEN)).transcript[-1]

    assert '<div class="panel similar-cases">' in before
    assert f'data-conversation="{SCAM_CLOSED}"' in before
    assert _e(SCAM_CLOSING) in before
    assert "no action needed" in before
    assert _e(draft.text) not in before  # only the owner gets the reply box
    assert f"required>{_e(draft.text)}</textarea>" in mine
    assert "Drafted from the reviewed template" in mine
    assert sent.status_code == 303
    assert (last.role, last.text) == ("cop", edited)
    assert "No closed case is close to this one yet." in closed  # a closed case has no draft


def _e(text: str) -> str:
    """``text`` as the console's templates escape it."""
    return str(escape(text))
