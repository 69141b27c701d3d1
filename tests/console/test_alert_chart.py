"""The Patterns page's chart geometry: one dot per bucket, observed above expected where the
alert fired, ticks on round UK clock times, markers where the alert opened and closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from resolution_agent.agent.console.alert_chart import HEIGHT, LEFT, WIDTH, alert_chart
from resolution_agent.agent.patterns import Alert, SeriesPoint

START = datetime(2026, 7, 3, 9, 0, tzinfo=UTC)  # 10:00 BST
STEP = timedelta(minutes=10)


def spike(counts: list[int], *, opened: int, closed: int | None = None) -> Alert:
    """An alert over ``counts`` (one per 10-minute bucket from START), expected 2 each."""
    series = tuple(
        SeriesPoint(start=START + i * STEP, observed=n, expected=2.0) for i, n in enumerate(counts)
    )
    return Alert(
        alert_id="PAT-VOLUME-SPIKE:merchant:Gymbox:x",
        rule_id="PAT-VOLUME-SPIKE",
        subject="merchant:Gymbox",
        title="Card payments at Gymbox failing",
        severity="high",
        opened_at=START + opened * STEP,
        last_seen_at=START + (len(counts) - 1) * STEP,
        closed_at=None if closed is None else START + closed * STEP,
        observed=max(counts),
        expected=2.0,
        suggested_action="Check the merchant's status.",
        series=series,
    )


def points(svg_points: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (p.split(",") for p in svg_points.split())]


def test_one_dot_per_bucket_left_to_right_inside_the_plot() -> None:
    chart = alert_chart(spike([2, 1, 3, 2, 14, 18, 16], opened=4))
    assert chart is not None
    assert [d.observed for d in chart.dots] == [2, 1, 3, 2, 14, 18, 16]
    xs = [d.x for d in chart.dots]
    assert xs == sorted(xs) and xs[0] == LEFT and xs[-1] <= WIDTH
    assert all(chart.top <= d.y <= chart.top + chart.plot_height for d in chart.dots)
    assert points(chart.observed) == [(d.x, d.y) for d in chart.dots]


def test_spike_is_drawn_above_the_expected_line() -> None:
    chart = alert_chart(spike([2, 2, 2, 20], opened=3))
    assert chart is not None
    expected = points(chart.expected)
    assert len(expected) == 4 and len({y for _, y in expected}) == 1  # flat at 2
    baseline_y = expected[0][1]
    assert chart.dots[3].y < baseline_y  # SVG y grows downwards: higher count, smaller y
    assert chart.dots[0].y == baseline_y
    assert chart.y_ticks[-1].label == "25"  # a round top above the peak of 20


def test_time_axis_ticks_fall_on_round_uk_clock_times() -> None:
    chart = alert_chart(spike([1] * 13, opened=6))  # 10:00 to 12:00 BST
    assert chart is not None
    assert [t.label for t in chart.x_ticks] == ["10:00", "10:30", "11:00", "11:30", "12:00"]
    assert "10:00 BST" in chart.dots[0].tooltip
    assert "1 observed, 2.0 expected" in chart.dots[0].tooltip


def test_week_long_series_names_the_day() -> None:
    hourly = tuple(
        SeriesPoint(start=START + i * timedelta(hours=1), observed=1, expected=1.0)
        for i in range(24 * 3)
    )
    alert = spike([1], opened=0).model_copy(update={"series": hourly})
    chart = alert_chart(alert)
    assert chart is not None
    assert 2 <= len(chart.x_ticks) <= 7
    assert all(t.label.split()[0] in {"Fri", "Sat", "Sun", "Mon"} for t in chart.x_ticks)


def test_markers_where_the_alert_opened_and_closed() -> None:
    chart = alert_chart(spike([2, 9, 9, 2, 2, 2], opened=1, closed=5))
    assert chart is not None
    assert [m.label.split()[0] for m in chart.markers] == ["opened", "closed"]
    assert chart.markers[0].x == chart.dots[1].x
    assert chart.markers[1].x == chart.dots[5].x


def test_one_bucket_is_drawn_in_the_middle_and_no_series_draws_nothing() -> None:
    chart = alert_chart(spike([7], opened=0))
    assert chart is not None
    assert len(chart.dots) == 1 and LEFT < chart.dots[0].x < WIDTH and chart.x_ticks == ()
    assert alert_chart(spike([7], opened=0).model_copy(update={"series": ()})) is None
    assert chart.height == HEIGHT
