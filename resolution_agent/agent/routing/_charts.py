"""Chart geometry for the HTML report; the template draws it as inline SVG.

Only numbers and plain labels leave this module, and the (autoescaping) template writes the
SVG elements, so no label can inject markup and the page needs no script or network.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

PALETTE: tuple[str, ...] = ("#9e9e9e", "#ef6c00", "#1565c0", "#2e7d32", "#6a1b9a", "#00838f")

_LEFT, _TOP, _BOTTOM, _RIGHT = 56.0, 34.0, 40.0, 12.0


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Bar(_Frozen):
    x: float
    y: float
    width: float
    height: float
    fill: str
    tooltip: str
    label: str


class Tick(_Frozen):
    at: float
    label: str


class LegendItem(_Frozen):
    x: float
    color: str
    label: str


class Line(_Frozen):
    points: str
    color: str
    label: str


class Chart(_Frozen):
    """A bar chart (``bars``) or a line chart (``lines``) on one plot area."""

    title: str
    width: float
    height: float
    left: float
    top: float
    plot_width: float
    plot_height: float
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    legend: list[LegendItem]
    bars: list[Bar] = []
    lines: list[Line] = []


def nice(value: float) -> float:
    """A round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) at least ``value``."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(
        power * m
        for m in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
        if power * m >= value * (1 - 1e-9)
    )


def _legend(names: Sequence[str]) -> list[LegendItem]:
    return [
        LegendItem(x=_LEFT + 110.0 * i, color=PALETTE[i % len(PALETTE)], label=name)
        for i, name in enumerate(names)
    ]


def _y_ticks(top_value: float, plot_h: float, fmt: Callable[[float], str]) -> list[Tick]:
    return [Tick(at=_TOP + plot_h * (1 - i / 4), label=fmt(top_value * i / 4)) for i in range(5)]


def grouped_bars(
    title: str,
    groups: Sequence[str],
    series: Mapping[str, Sequence[float]],
    fmt: Callable[[float], str],
    *,
    top_value: float | None = None,
    width: float = 620.0,
    height: float = 260.0,
) -> Chart:
    """One group of bars per entry of ``groups``, one bar per series (policy) in each."""
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    peak = max((v for values in series.values() for v in values), default=0.0)
    top = top_value if top_value is not None else nice(peak * 1.05)
    group_w = plot_w / max(len(groups), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    bars: list[Bar] = []
    for s, (name, values) in enumerate(series.items()):
        for g, value in enumerate(values):
            h = plot_h * min(max(value / top, 0.0), 1.0)
            bars.append(
                Bar(
                    x=round(_LEFT + g * group_w + group_w * 0.1 + s * bar_w, 1),
                    y=round(_TOP + plot_h - h, 1),
                    width=round(bar_w * 0.92, 1),
                    height=round(h, 1),
                    fill=PALETTE[s % len(PALETTE)],
                    tooltip=f"{name}, {groups[g]}: {fmt(value)}",
                    label=fmt(value),
                )
            )
    x_ticks = [Tick(at=_LEFT + (g + 0.5) * group_w, label=label) for g, label in enumerate(groups)]
    return Chart(
        title=title,
        width=width,
        height=height,
        left=_LEFT,
        top=_TOP,
        plot_width=plot_w,
        plot_height=plot_h,
        y_ticks=_y_ticks(top, plot_h, fmt),
        x_ticks=x_ticks,
        legend=_legend(list(series)),
        bars=bars,
    )


def lines(
    title: str,
    series: Mapping[str, Sequence[tuple[float, float]]],
    x_fmt: Callable[[float], str],
    y_fmt: Callable[[float], str],
    *,
    width: float = 620.0,
    height: float = 260.0,
) -> Chart:
    """One polyline per series of (x, y) points, sharing both axes."""
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    xs = [x for points in series.values() for x, _ in points]
    ys = [y for points in series.values() for _, y in points]
    x_max = max(xs, default=1.0) or 1.0
    y_max = nice(max(ys, default=0.0) * 1.05)
    drawn = [
        Line(
            points=" ".join(
                f"{_LEFT + plot_w * x / x_max:.1f},{_TOP + plot_h * (1 - y / y_max):.1f}"
                for x, y in points
            ),
            color=PALETTE[i % len(PALETTE)],
            label=name,
        )
        for i, (name, points) in enumerate(series.items())
    ]
    step = nice(x_max / 6)
    x_ticks = [
        Tick(at=_LEFT + plot_w * i * step / x_max, label=x_fmt(i * step))
        for i in range(int(x_max / step + 1e-9) + 1)
    ]
    return Chart(
        title=title,
        width=width,
        height=height,
        left=_LEFT,
        top=_TOP,
        plot_width=plot_w,
        plot_height=plot_h,
        y_ticks=_y_ticks(y_max, plot_h, y_fmt),
        x_ticks=x_ticks,
        legend=_legend(list(series)),
        lines=drawn,
    )
