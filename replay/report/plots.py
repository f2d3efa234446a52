"""The report's plots: matplotlib figures on the Agg canvas, as PNG bytes.

No pyplot and no global style: each figure is its own object, so two reports can
be drawn at once in a server's threads. Labels are English; a name the installed
fonts cannot draw (Chinese without a CJK font) is shown by its id instead, so no
glyph is ever missing.
"""

from __future__ import annotations

import functools
import io
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from matplotlib import dates, font_manager, ft2font
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from replay.report.data import MEASURES
from replay.report.words import say

if TYPE_CHECKING:
    from matplotlib.axes import Axes

DPI = 100
TOP_VOLUNTEERS = 30
# One colour per incident kind (there are eight).
COLOURS = (
    "#c0392b",
    "#2471a3",
    "#d68910",
    "#1e8449",
    "#7d3c98",
    "#566573",
    "#17a589",
    "#f1948a",
)


@functools.cache
def _drawable() -> frozenset[int]:
    """The code points the default font (with its fallbacks) can draw."""
    path = font_manager.findfont(font_manager.FontProperties())
    return frozenset(ft2font.FT2Font(path).get_charmap())


def label(text: str, fallback: str) -> str:
    """`text` if the font can draw every character of it, else `fallback`."""
    drawable = _drawable()
    return text if all(ord(ch) in drawable for ch in text) else fallback


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    figure.tight_layout()
    buffer = io.BytesIO()
    # No 'Software' stamp: the same events give the same bytes.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _empty(axes: Axes, what: str) -> None:
    axes.text(0.5, 0.5, f"no {what}", ha="center", va="center", color="#777")
    axes.set_xticks([])
    axes.set_yticks([])


def _time_axis(axes: Axes, moments: list[datetime]) -> None:
    zone = moments[0].tzinfo
    span = max(moments) - min(moments)
    if span <= timedelta(days=1):
        pattern = "%H:%M"
    elif span <= timedelta(days=7):
        pattern = "%m-%d %H:%M"
    else:
        pattern = "%Y-%m-%d"
    # matplotlib.dates has no type hints.
    formatter = dates.DateFormatter(pattern, tz=zone)  # type: ignore[no-untyped-call]
    locator: dates.DateLocator
    if span < timedelta(hours=1):
        # Too short for AutoDateLocator, which warns it cannot pick an interval.
        every = max(1, int(span.total_seconds() // 360))
        locator = dates.MinuteLocator(interval=every, tz=zone)  # type: ignore[no-untyped-call]
    else:
        locator = dates.AutoDateLocator(tz=zone, maxticks=8)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(formatter)
    axes.xaxis.set_major_locator(locator)
    for tick in axes.get_xticklabels():
        tick.set_rotation(30)
        tick.set_horizontalalignment("right")
    axes.set_xlabel(f"field time (UTC{moments[0].strftime('%z')})")


def incidents(data: dict[str, Any]) -> bytes:
    """Incidents over time, stacked by kind."""
    series = data["incidents_over_time"]
    figure = Figure(figsize=(9, 4))
    axes = figure.add_subplot()
    axes.set_title("Incidents reported over time, by kind")
    if not series["bins"]:
        _empty(axes, "incidents")
        return _png(figure)
    starts = [datetime.fromisoformat(b["start"]) for b in series["bins"]]
    width = series["bin_minutes"] / 1440 * 0.9  # days, as matplotlib dates count
    bottom = [0] * len(starts)
    for n, kind in enumerate(series["kinds"]):
        heights = [b["counts"][kind] for b in series["bins"]]
        axes.bar(
            starts,  # type: ignore[arg-type]
            heights,
            width=width,
            bottom=bottom,
            align="edge",
            label=say(kind),
            color=COLOURS[n % len(COLOURS)],
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_ylabel(f"incidents per {series['bin_minutes']} min")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(fontsize="small")
    _time_axis(axes, starts)
    return _png(figure)


def _steps(axes: Axes, series: list[dict[str, Any]], names: tuple[str, ...]) -> None:
    """Running totals as steps, from zero at the first."""
    series = [{"at": series[0]["at"], **dict.fromkeys(names, 0)}, *series]
    moments = [datetime.fromisoformat(p["at"]) for p in series]
    for n, name in enumerate(names):
        axes.step(
            moments,  # type: ignore[arg-type]
            [p[name] for p in series],
            where="post",
            label=f"{name} ({series[-1][name]})",
            color=COLOURS[n],
        )
    axes.legend(fontsize="small")
    _time_axis(axes, moments)


def people(data: dict[str, Any]) -> bytes:
    """Cumulative people evacuated and rescued."""
    figure = Figure(figsize=(9, 4))
    axes = figure.add_subplot()
    axes.set_title("People evacuated and rescued (cumulative)")
    if not data["people"]:
        _empty(axes, "evacuations or rescues")
    else:
        _steps(axes, data["people"], ("evacuated", "rescued"))
        axes.set_ylabel("people")
    return _png(figure)


def response_times(data: dict[str, Any]) -> bytes:
    """Each response time's histogram with its median and p90, and box plots."""
    figure = Figure(figsize=(10, 6.5))
    grid = figure.add_gridspec(2, 2, height_ratios=(3, 1.4))
    for n, (measure, title) in enumerate(MEASURES):
        found = data["response_times"][measure]
        minutes = [s["seconds"] / 60 for s in found["samples"]]
        histogram = figure.add_subplot(grid[0, n])
        box = figure.add_subplot(grid[1, n])
        histogram.set_title(f"{title} (n={found['n']})")
        if not minutes:
            _empty(histogram, "samples")
            _empty(box, "samples")
            continue
        histogram.hist(minutes, bins=min(30, max(5, len(minutes))), color=COLOURS[1])
        for value, name, style in (
            (found["median"], "median", "-"),
            (found["p90"], "p90", "--"),
        ):
            histogram.axvline(
                value / 60,
                color=COLOURS[0],
                linestyle=style,
                label=f"{name} {value / 60:.1f} min",
            )
        histogram.set_xlabel("minutes")
        histogram.set_ylabel("count")
        histogram.yaxis.set_major_locator(MaxNLocator(integer=True))
        histogram.legend(fontsize="small")
        box.boxplot(minutes, orientation="horizontal", whis=(0, 100))
        box.set_yticks([])
        box.set_xlabel("minutes (box: quartiles; whiskers: shortest to longest)")
    return _png(figure)


def refusals(data: dict[str, Any]) -> bytes:
    """Dispatches refused, by the rule that refused them."""
    by_code = data["refusals"]["by_code"]
    figure = Figure(figsize=(9, 1.5 + 0.4 * max(len(by_code), 1)))
    axes = figure.add_subplot()
    axes.set_title("Dispatches refused, by reason")
    if not by_code:
        _empty(axes, "refused dispatches")
        return _png(figure)
    codes = list(by_code)[::-1]
    axes.barh([say(c) for c in codes], [by_code[c] for c in codes], color=COLOURS[0])
    for y, code in enumerate(codes):
        axes.text(by_code[code], y, f" {by_code[code]}", va="center")
    axes.set_xlabel("refusals")
    return _png(figure)


def service_hours(data: dict[str, Any]) -> bytes:
    """Service hours of the volunteers who served most: shifts plus activities."""
    rows = data["service_hours"][:TOP_VOLUNTEERS][::-1]
    figure = Figure(figsize=(9, 1.5 + 0.28 * max(len(rows), 1)))
    axes = figure.add_subplot()
    shown = min(len(data["service_hours"]), TOP_VOLUNTEERS)
    axes.set_title(
        f"Service hours per volunteer (top {shown} of {len(data['service_hours'])})"
    )
    if not rows:
        _empty(axes, "service hours")
        return _png(figure)
    names = [label(r["name"], r["volunteer_id"][:8]) for r in rows]
    shifts = [r["shift_hours"] for r in rows]
    axes.barh(range(len(rows)), shifts, color=COLOURS[1], label="shifts")
    axes.barh(
        range(len(rows)),
        [r["activity_hours"] for r in rows],
        left=shifts,
        color=COLOURS[2],
        label="activities",
    )
    axes.set_yticks(range(len(rows)), names, fontsize="small")
    axes.set_xlim(left=0)
    axes.set_xlabel("hours")
    axes.legend(fontsize="small")
    return _png(figure)


def hazards(data: dict[str, Any]) -> bytes:
    """Hazards found and rectified over time, and where they stand."""
    found = data["hazards"]
    figure = Figure(figsize=(10, 4))
    grid = figure.add_gridspec(1, 2, width_ratios=(3, 1))
    line, counts = figure.add_subplot(grid[0, 0]), figure.add_subplot(grid[0, 1])
    line.set_title("Hazards found and rectified (cumulative)")
    if found["over_time"]:
        _steps(line, found["over_time"], ("found", "rectified"))
        line.set_ylabel("hazards")
    else:
        _empty(line, "hazards")
    names = ["found", "rectified", "overdue"]
    values = [found[name] for name in names]
    counts.bar(names, values, color=[COLOURS[2], COLOURS[3], COLOURS[0]])
    for x, value in enumerate(values):
        counts.text(x, value, str(value), ha="center", va="bottom")
    as_of = data["as_of"]
    when = "-" if as_of is None else f"{as_of[:10]} {as_of[11:16]}"
    counts.set_title(f"as of {when}", fontsize="small")
    return _png(figure)


PLOTS = (
    ("incidents", "Incidents over time by kind", incidents),
    ("people", "People evacuated and rescued", people),
    ("response_times", "Response times", response_times),
    ("refusals", "Dispatches refused", refusals),
    ("service_hours", "Service hours per volunteer", service_hours),
    ("hazards", "Hazards", hazards),
)
