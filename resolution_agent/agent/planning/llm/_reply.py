"""A model's text as a reply: citation markers become citations of retrieved passages only."""

from __future__ import annotations

import re

from resolution_agent.agent.state import Citation, ConversationState, ProposeReply

# Article ids are slugs ("card-not-arrived"); the model cites them as [card-not-arrived].
_MARKER = re.compile(r"\s*\[([a-z0-9]+(?:[-_][a-z0-9]+)+)\]", re.IGNORECASE)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
QUESTION_SLOT = "question"
# A question among the last three sentences asks the customer something: models often add what
# they see and a hint after it ("Which card? I see two. Tell me the last four digits."). Waiting
# wrongly only keeps a conversation open; not waiting loses the customer's answer.
_QUESTION_WITHIN = 3


def build_reply(text: str, state: ConversationState) -> ProposeReply:
    """Strip the markers from the text, cite the retrieved passages they name (in order).

    The status is ``awaiting_customer`` when one of the reply's closing sentences is a
    question, else ``resolved``. A question sets the slot ``question`` so that the customer's
    answer continues the problem.
    """
    by_id = {p.article_id: p for p in state.this_turn.retrieved}
    cited: list[Citation] = []

    def _cite(match: re.Match[str]) -> str:
        passage = by_id.get(match.group(1))
        if passage is not None and all(c.article_id != passage.article_id for c in cited):
            cited.append(
                Citation(article_id=passage.article_id, title=passage.title, url=passage.url)
            )
        return ""

    clean = _SPACE_BEFORE_PUNCT.sub(r"\1", _MARKER.sub(_cite, text)).strip()
    closing = _SENTENCE_END.split(clean)[-_QUESTION_WITHIN:]
    if any(sentence.endswith("?") for sentence in closing):
        return ProposeReply(
            text=clean, status="awaiting_customer", citations=cited, slot=QUESTION_SLOT
        )
    return ProposeReply(text=clean, status="resolved", citations=cited)
