"""Rendering for the console: its pages, and the handoff summary as HTML and JSON.

Every console template is rendered through :func:`render`, which hands it the console's
helpers, so a time is printed one way on every page and in the summary alike. The summary's
HTML is what a COp reads in the console (and what any other HTML surface can embed); the JSON
is the summary exactly as stored, for tools that want the data rather than a page.
"""

from __future__ import annotations

from typing import Any

from resolution_agent.agent.console.times import when
from resolution_agent.agent.handoff import mask_card_numbers
from resolution_agent.agent.handoff_model import HandoffSummary
from resolution_agent.agent.templates import Templates

HANDOFF_HTML = "console/handoff.html.j2"

#: What every console template may call: ``when(at)`` prints a time in the bank's zone, and
#: ``masked(text)`` keeps only a card number's last four digits in live customer text (the
#: summary's own text is masked when it is written).
HELPERS: dict[str, Any] = {"when": when, "masked": mask_card_numbers}


def render(templates: Templates, name: str, **context: Any) -> str:
    """Template ``name`` with the console's :data:`HELPERS` and ``context``."""
    return templates.render(name, **HELPERS, **context)


def render_handoff_html(
    summary: HandoffSummary, templates: Templates, *, history: bool = True
) -> str:
    """An HTML fragment (one ``<section>``); customer text in it is always escaped.

    ``history`` adds what the agent did and the transcript at the handoff. The case page leaves
    them out: it shows the live conversation and its actions, which hold both, once.

    The template escapes by itself (``{% autoescape true %}``), so the fragment is safe to embed
    whatever the loader's autoescape setting for its file name.
    """
    return render(templates, HANDOFF_HTML, s=summary, history=history)


def render_handoff_json(summary: HandoffSummary) -> str:
    """The summary as stored (schema-versioned), so a consumer can validate it back."""
    return summary.model_dump_json()
