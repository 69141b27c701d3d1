"""A model's text as a reply: citation markers become citations of retrieved passages only."""

from __future__ import annotations

import re

from agent.state import Citation, ConversationState, ProposeReply

# Article ids are slugs ("card-not-arrived"); the model cites them as [card-not-arrived].
_MARKER = re.compile(r"\s*\[([a-z0-9]+(?:[-_][a-z0-9]+)+)\]", re.IGNORECASE)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")
QUESTION_SLOT = "question"


def build_reply(text: str, state: ConversationState) -> ProposeReply:
    """Strip the markers from the text, cite the retrieved passages they name (in order).

    The status is ``awaiting_customer`` when the reply ends with a question, else ``resolved``;
    a question sets the slot ``question`` so that the customer's answer continues the problem.
    """
    by_id = {p.article_id: p for p in state.retrieved}
    cited: list[Citation] = []

    def _cite(match: re.Match[str]) -> str:
        passage = by_id.get(match.group(1))
        if passage is not None and all(c.article_id != passage.article_id for c in cited):
            cited.append(
                Citation(article_id=passage.article_id, title=passage.title, url=passage.url)
            )
        return ""

    clean = _SPACE_BEFORE_PUNCT.sub(r"\1", _MARKER.sub(_cite, text)).strip()
    if clean.endswith("?"):
        return ProposeReply(
            text=clean, status="awaiting_customer", citations=cited, slot=QUESTION_SLOT
        )
    return ProposeReply(text=clean, status="resolved", citations=cited)
