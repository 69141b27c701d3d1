"""The handoff summary as HTML and JSON, beside the Markdown the agent already writes.

The HTML is what a COp reads in the console (and what any other HTML surface can embed); the
JSON is the summary exactly as stored, for tools that want the data rather than a page.
"""

from __future__ import annotations

from resolution_agent.agent.handoff_model import HandoffSummary
from resolution_agent.agent.templates import Templates

HANDOFF_HTML = "handoff.html.j2"


def render_handoff_html(summary: HandoffSummary, templates: Templates) -> str:
    """An HTML fragment (one ``<section>``); customer text in it is always escaped.

    The template escapes by itself (``{% autoescape true %}``), so the fragment is safe to embed
    whatever the loader's autoescape setting for its file name.
    """
    return templates.render(HANDOFF_HTML, s=summary)


def render_handoff_json(summary: HandoffSummary) -> str:
    """The summary as stored (schema-versioned), so a consumer can validate it back."""
    return summary.model_dump_json()
