"""A drafted first reply for the COp who takes a case: written for them, sent by them.

On the offline default the draft is a reviewed template (``prompts/drafts/``): one for the
case's intent when there is one (``drafts/intents/<intent>.j2``), else its queue's
(``drafts/queues/<queue>.j2``), so every case gets a draft whose every word a person wrote.
When a model is configured it writes the draft from the handoff summary instead, and the
template stands behind it should the model fail or its draft be blocked.

Every draft passes the same output guard as the agent's own replies
(:func:`agent.guards.output.check_output`, against the conversation as it stands): a draft
that would be replaced if the agent sent it is not offered, and :class:`WithheldDraft` says
which rule stopped it, so the COp knows why the box is empty or template-worded.
"""

from __future__ import annotations

import asyncio
from typing import Literal

import structlog
from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.guards.output import OutputContext, check_output
from resolution_agent.agent.handoff_model import HandoffSummary
from resolution_agent.agent.models import Model, ModelError, ModelRequest, UserMessage
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.state import ConversationState, ProposeReply

__all__ = ["DraftReply", "DraftSource", "WithheldDraft", "draft_for", "template_name"]

log = structlog.get_logger("agent.desk.drafts")

#: "agent": the agent's own reply held in shadow mode (:mod:`agent.desk.shadow`).
DraftSource = Literal["template", "model", "agent"]

#: Who signs the draft, by queue: the customer hears which team has their case.
TEAMS = {
    "general": "our customer support team",
    "cards": "our cards team",
    "payments": "our payments team",
    "disputes": "our disputes team",
    "fincrime": "our fraud and scams team",
    "vulnerable_customers": "our specialist support team",
    "complaints": "our complaints team",
}
#: A model draft is a nicety: a COp waiting on the page gets the template rather than a spinner.
MODEL_DRAFT_TIMEOUT_S = 20.0
MODEL_DRAFT_TOKENS = 400


class WithheldDraft(BaseModel):
    """A draft that was not offered, and why (an output rule, or the model's failure)."""

    model_config = ConfigDict(frozen=True)

    source: DraftSource
    rule_id: str
    reason: str


class DraftReply(BaseModel):
    """The draft offered for a case (None when none passed the guard), and those withheld."""

    model_config = ConfigDict(frozen=True)

    conversation_id: str
    text: str | None
    source: DraftSource | None
    template: str | None  # the template it came from, or stands behind a model draft
    withheld: list[WithheldDraft]


def template_name(deps: Deps, summary: HandoffSummary) -> str:
    """The reviewed template for this case: its intent's when one is written, else its queue's."""
    if summary.intent is not None:
        name = f"drafts/intents/{summary.intent}.j2"
        if deps.templates.has(name):
            return name
    return f"drafts/queues/{summary.queue}.j2"


def _template_text(deps: Deps, summary: HandoffSummary, name: str) -> str:
    intent = deps.policies.intents.get(summary.intent or "")
    text = deps.templates.render(
        name,
        team=TEAMS[summary.queue],
        topic=intent.customer_label if intent is not None else "your request",
    )
    return " ".join(text.split())


async def _model_text(model: Model, deps: Deps, summary: HandoffSummary) -> str:
    request = ModelRequest(
        system=deps.templates.render("drafts/model_system.j2", team=TEAMS[summary.queue]),
        messages=[UserMessage(text=summary.markdown or summary.headline)],
        max_output_tokens=MODEL_DRAFT_TOKENS,
    )
    async with asyncio.timeout(MODEL_DRAFT_TIMEOUT_S):
        response = await model.complete(request)
    return " ".join(response.text.split())


def _guarded(
    deps: Deps, state: ConversationState, text: str, source: DraftSource
) -> WithheldDraft | None:
    reply = ProposeReply(text=text, status="awaiting_customer")
    context = None
    if deps.output_reference is not None:
        context = OutputContext(
            reference=deps.output_reference,
            customers=deps.directory.customer_identifiers() if deps.directory is not None else (),
        )
    verdict = check_output(state, reply, deps.policies, context=context)
    if verdict.ok:
        return None
    log.info("draft_withheld", source=source, rule_id=verdict.rule_id)
    return WithheldDraft(source=source, rule_id=verdict.rule_id, reason=verdict.reason)


async def draft_for(
    deps: Deps, state: ConversationState, summary: HandoffSummary, model: Model | None
) -> DraftReply:
    """The first reply to offer the COp on this case: the model's when one is configured and
    its draft passes the guard, else the reviewed template's when that passes."""
    withheld: list[WithheldDraft] = []
    name = template_name(deps, summary)
    if model is not None:
        try:
            text = await _model_text(model, deps, summary)
        except (ModelError, TimeoutError) as exc:
            log.warning("draft_model_failed", error=type(exc).__name__)
            withheld.append(
                WithheldDraft(
                    source="model",
                    rule_id="DRAFT-MODEL-FAILED",
                    reason=f"the model gave no draft ({type(exc).__name__}); the template is used",
                )
            )
        else:
            if not text:
                withheld.append(
                    WithheldDraft(
                        source="model", rule_id="DRAFT-MODEL-EMPTY", reason="the model wrote none"
                    )
                )
            else:
                blocked = _guarded(deps, state, text, "model")
                if blocked is None:
                    return DraftReply(
                        conversation_id=summary.conversation_id,
                        text=text,
                        source="model",
                        template=name,
                        withheld=withheld,
                    )
                withheld.append(blocked)
    text = _template_text(deps, summary, name)
    blocked = _guarded(deps, state, text, "template")
    if blocked is not None:
        withheld.append(blocked)
        return DraftReply(
            conversation_id=summary.conversation_id,
            text=None,
            source=None,
            template=name,
            withheld=withheld,
        )
    return DraftReply(
        conversation_id=summary.conversation_id,
        text=text,
        source="template",
        template=name,
        withheld=withheld,
    )
