"""The chart of one alert on the Patterns page: observed against expected per time bucket.

Geometry only, as numbers and plain labels, the way the routing report draws its charts
(:mod:`agent.routing._charts`, whose rounding and tick model this reuses): the autoescaping
template writes the SVG, so no label can inject markup and the page needs no script, chart
library or network. The time axis is in the bank's zone, like every time the console prints,
and its ticks fall on round clock times (10:00, 10:30), which a lead reads at a glance.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.console.times import BANK_ZONE, local_time
from resolution_agent.agent.patterns import Alert
from resolution_agent.agent.routing._charts import Tick, nice

WIDTH, HEIGHT = 640.0, 210.0
LEFT, TOP, BOTTOM, RIGHT = 44.0, 26.0, 28.0, 16.0
#: The time axis's possible steps, in minutes: the smallest that keeps labels apart is used.
X_STEPS_MIN = (10, 15, 30, 60, 120, 180, 360, 720, 1440)
MAX_X_TICKS = 7


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Dot(_Frozen):
    """One bucket's observed count, with what the detector expected there as its tooltip."""

    x: float
    y: float
    observed: int
    expected: float
    tooltip: str


class Marker(_Frozen):
    """A vertical line where the alert opened or closed."""

    x: float
    label: str


class AlertChart(_Frozen):
    title: str
    width: float
    height: float
    left: float
    top: float
    plot_width: float
    plot_height: float
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    #: SVG ``points`` of the two polylines.
    observed: str
    expected: str
    dots: tuple[Dot, ...]
    markers: tuple[Marker, ...]


def alert_chart(alert: Alert) -> AlertChart | None:
    """The chart of ``alert.series``; None when the detector gave no series to draw."""
    series = sorted(alert.series, key=lambda p: p.start)
    if not series:
        return None
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    first, last = series[0].start, series[-1].start
    span_s = (last - first).total_seconds()
    # At least 4, so a handful of conversations gets whole-number ticks (0, 1, 2, 3, 4).
    top_value = nice(max(max(max(p.observed, p.expected) for p in series) * 1.1, 4.0))

    def x_of(at: datetime) -> float:
        if span_s <= 0:  # one bucket: drawn in the middle
            return round(LEFT + plot_w / 2, 1)
        return round(LEFT + plot_w * (at - first).total_seconds() / span_s, 1)

    def y_of(value: float) -> float:
        return round(TOP + plot_h * (1 - min(max(value / top_value, 0.0), 1.0)), 1)

    dots = tuple(
        Dot(
            x=x_of(p.start),
            y=y_of(p.observed),
            observed=p.observed,
            expected=p.expected,
            tooltip=f"{local_time(p.start)}: {p.observed} observed, {p.expected:.1f} expected",
        )
        for p in series
    )
    markers = tuple(
        Marker(x=x_of(at), label=f"{what} {local_time(at)}")
        for what, at in (("opened", alert.opened_at), ("closed", alert.closed_at))
        if at is not None and first <= at <= last
    )
    return AlertChart(
        title=f"{alert.title}: observed against expected",
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        plot_width=plot_w,
        plot_height=plot_h,
        y_ticks=tuple(
            Tick(at=TOP + plot_h * (1 - i / 4), label=f"{top_value * i / 4:g}") for i in range(5)
        ),
        x_ticks=tuple(
            Tick(at=x_of(at), label=label) for at, label in _time_ticks(first, last) if span_s > 0
        ),
        observed=" ".join(f"{d.x},{d.y}" for d in dots),
        expected=" ".join(f"{x_of(p.start)},{y_of(p.expected)}" for p in series),
        dots=dots,
        markers=markers,
    )


def _time_ticks(first: datetime, last: datetime) -> list[tuple[datetime, str]]:
    """Round local clock times from ``first`` to ``last``, at most :data:`MAX_X_TICKS`."""
    zone = ZoneInfo(BANK_ZONE)
    span_min = (last - first).total_seconds() / 60
    step = next(
        (s for s in X_STEPS_MIN if span_min / s <= MAX_X_TICKS - 1),
        X_STEPS_MIN[-1] * (int(span_min // (X_STEPS_MIN[-1] * (MAX_X_TICKS - 1))) + 1),
    )
    with_day = span_min > 24 * 60
    # Counted on the wall clock from local midnight, so ticks are at 10:00, not 10:07.
    start = first.astimezone(zone)
    wall = start.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    ticks: list[tuple[datetime, str]] = []
    while True:
        at = wall.replace(tzinfo=zone)
        if at > last:
            return ticks
        if at >= first:
            ticks.append((at, f"{at:%a %H:%M}" if with_day else f"{at:%H:%M}"))
        wall += timedelta(minutes=step)
