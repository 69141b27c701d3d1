"""Inline SVG charts for the HTML report, drawn in Python.

The report must open anywhere, offline, as one file: no JavaScript chart library, no fonts or
styles fetched from the network. Every label is escaped here because the result is marked
safe for the (autoescaping) template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

_FONT = 'font-family="system-ui, sans-serif" font-size="12"'
_PASS = "#2e7d32"
_FAIL = "#e0e0e0"
_BAR = "#1565c0"


@dataclass(frozen=True)
class BarRow:
    label: str
    passed: int
    total: int

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


def pass_rate_bars(rows: Sequence[BarRow], *, title: str = "Pass rate by tag") -> Markup:
    """Horizontal bars, one per row: the passed share in green over a grey track."""
    label_w, bar_w, row_h, top = 180, 360, 24, 28
    height = top + row_h * max(1, len(rows)) + 8
    width = label_w + bar_w + 110
    parts = [_open(width, height, title)]
    parts.append(f'<text x="0" y="16" {_FONT} font-weight="bold">{escape(title)}</text>')
    for index, row in enumerate(rows):
        y = top + index * row_h
        filled = round(bar_w * row.rate, 1)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" {_FONT}>'
            f"{escape(_clip(row.label, 26))}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="16" fill="{_FAIL}"/>'
            f'<rect x="{label_w}" y="{y + 3}" width="{filled}" height="16" fill="{_PASS}">'
            f"<title>{escape(row.label)}: {row.passed}/{row.total}</title></rect>"
            f'<text x="{label_w + bar_w + 8}" y="{y + 15}" {_FONT}>'
            f"{row.rate * 100:.0f}% ({row.passed}/{row.total})</text>"
        )
    if not rows:
        parts.append(f'<text x="0" y="{top + 15}" {_FONT}>no scenarios</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def histogram(
    values_ms: Sequence[float], *, bins: int = 12, title: str = "Time per turn"
) -> Markup:
    """Vertical bars counting agent turns by duration (milliseconds)."""
    width, height, left, bottom, top = 560, 220, 40, 36, 28
    plot_w, plot_h = width - left - 10, height - top - bottom
    parts = [_open(width, height, title)]
    parts.append(f'<text x="0" y="16" {_FONT} font-weight="bold">{escape(title)} (ms)</text>')
    if not values_ms:
        parts.append(f'<text x="{left}" y="{top + 20}" {_FONT}>no agent turns</text></svg>')
        return Markup("".join(parts))
    low, high = min(values_ms), max(values_ms)
    span = (high - low) or 1.0
    count = bins if high > low else 1
    counts = [0] * count
    for value in values_ms:
        counts[min(count - 1, int((value - low) / span * count))] += 1
    peak = max(counts)
    slot = plot_w / count
    for index, n in enumerate(counts):
        bar_h = round(plot_h * n / peak, 1)
        x = round(left + index * slot + 1, 1)
        y = round(top + plot_h - bar_h, 1)
        start = low + span * index / count
        parts.append(
            f'<rect x="{x}" y="{y}" width="{round(slot - 2, 1)}" height="{bar_h}" fill="{_BAR}">'
            f"<title>{start:.1f}–{start + span / count:.1f} ms: {n} turns</title></rect>"
        )
        if n:
            parts.append(
                f'<text x="{round(x + slot / 2 - 1, 1)}" y="{y - 3}" text-anchor="middle" '
                f"{_FONT}>{n}</text>"
            )
    axis_y = top + plot_h
    parts.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{left + plot_w}" y2="{axis_y}" stroke="#555"/>'
        f'<text x="{left}" y="{axis_y + 16}" {_FONT}>{low:.1f}</text>'
        f'<text x="{left + plot_w}" y="{axis_y + 16}" text-anchor="end" {_FONT}>{high:.1f}</text>'
        f'<text x="{left + plot_w / 2}" y="{axis_y + 30}" text-anchor="middle" {_FONT}>'
        f"{len(values_ms)} turns</text></svg>"
    )
    return Markup("".join(parts))


def heat(count: int, peak: int, *, diagonal: bool) -> str:
    """A cell's background for the outcome matrix: green on the diagonal, red off it."""
    if count == 0 or peak == 0:
        return "background:#fafafa"
    alpha = 0.15 + 0.75 * count / peak
    colour = "46,125,50" if diagonal else "198,40,40"
    return f"background:rgba({colour},{alpha:.2f})"


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["BarRow", "heat", "histogram", "pass_rate_bars"]
