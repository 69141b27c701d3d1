"""The graph's shape is pinned: the committed Mermaid drawing must match the compiled graph."""

from __future__ import annotations

from pathlib import Path

from resolution_agent.agent.graph import draw_mermaid

REPO = Path(__file__).resolve().parents[2]
DRAWING = REPO / "docs" / "graph.mmd"
README = REPO / "README.md"
REGENERATE = "scripts/draw-graph > docs/graph.mmd"


def test_committed_drawing_matches_the_compiled_graph() -> None:
    assert DRAWING.read_text(encoding="utf-8") == draw_mermaid(), (
        f"the graph's wiring changed; regenerate the drawing with `{REGENERATE}`, "
        "review it, and copy it into README.md's 'How a message flows' section"
    )


def test_readme_shows_the_committed_drawing() -> None:
    block = "```mermaid\n" + DRAWING.read_text(encoding="utf-8") + "```\n"
    assert block in README.read_text(encoding="utf-8"), (
        "README.md's 'How a message flows' must show docs/graph.mmd as a ```mermaid block; "
        f"regenerate it with `{REGENERATE}` and paste it there"
    )
