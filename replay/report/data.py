"""The report's numbers, as one JSON-ready dict, from the folded views.

Times are shown in the time zone the operation was opened in. Series over time
are ordered by field time (a report from a phone that was offline lands at the
moment it happened); ties keep recorded order.
"""

from __future__ import annotations

import copy
from collections import Counter
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from projections.stats import percentile
from replay.report.warnings import warnings_table

if TYPE_CHECKING:
    from projections.base import Row
    from projections.warnings import Warnings
    from replay.report.fold import OperationStory

# (key in the report, key in the stats row, English label, Chinese label): the
# programme's published figures, under the stats view's definitions.
TOTALS = (
    ("service_activities", "activities", "Service activities", "服务活动"),
    (
        "premises_inspected",
        "premises_inspected",
        "Storefronts / premises inspected",
        "检查店铺",
    ),
    ("rescue_turnouts", "dispatches", "Rescue turn-outs (dispatches)", "救援出勤"),
    ("hornet_nests", "hornet_nests", "Hornet nests", "马蜂窝"),
    ("people_rescued", "rescued", "People rescued", "救出群众"),
    ("people_evacuated", "evacuated", "People evacuated", "转移群众"),
    ("incidents", "incidents", "Incidents reported", "报告警情"),
    ("dispatches_refused", "dispatches_refused", "Dispatches refused", "拒绝派遣"),
    ("hazards_found", "hazards_found", "Hazards found", "发现隐患"),
    ("hazards_rectified", "hazards_rectified", "Hazards rectified", "整改隐患"),
    ("hazards_overdue", "hazards_overdue", "Hazards overdue", "逾期隐患"),
    ("activity_hours", "activity_hours", "Activity hours", "活动时长"),
)
MEASURES = (
    ("report_to_dispatch_s", "Report to first dispatch"),
    ("dispatch_to_arrival_s", "Dispatch to arrival"),
)
# Widths of the incident histogram's bins; the smallest giving at most MAX_BINS.
BIN_WIDTHS = tuple(
    timedelta(minutes=m)
    for m in (5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 43200)
)
MAX_BINS = 48


def _iso(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).isoformat()


def _bin_start(moment: datetime, width: timedelta, zone: tzinfo) -> datetime:
    """The start of the bin holding `moment`, bins aligned to local midnight."""
    wall = moment.astimezone(zone).replace(tzinfo=None)
    epoch = datetime(1970, 1, 1)
    return (epoch + ((wall - epoch) // width) * width).replace(tzinfo=zone)


def incidents_over_time(
    reported: list[tuple[datetime, str]], zone: tzinfo
) -> dict[str, Any]:
    """Incidents counted by kind in bins of field time."""
    kinds = sorted({kind for _, kind in reported})
    if not reported:
        return {"bin_minutes": None, "kinds": kinds, "bins": []}
    first = min(at for at, _ in reported)
    last = max(at for at, _ in reported)
    width = BIN_WIDTHS[-1]
    for candidate in BIN_WIDTHS:
        if (last - first) // candidate + 1 <= MAX_BINS:
            width = candidate
            break
    counts: dict[datetime, Counter[str]] = {}
    for at, kind in reported:
        counts.setdefault(_bin_start(at, width, zone), Counter())[kind] += 1
    start, end = min(counts), max(counts)
    bins = []
    while start <= end:
        found = counts.get(start, Counter())
        bins.append(
            {"start": _iso(start, zone), "counts": {k: found[k] for k in kinds}}
        )
        start += width
    return {"bin_minutes": width // timedelta(minutes=1), "kinds": kinds, "bins": bins}


def cumulative(
    steps: list[tuple[datetime, int, int]], names: tuple[str, str], zone: tzinfo
) -> list[dict[str, Any]]:
    """Running totals of two counts, by field time (ties in recorded order)."""
    ordered = sorted(enumerate(steps), key=lambda item: (item[1][0], item[0]))
    first = second = 0
    series = []
    for _, (at, a, b) in ordered:
        first, second = first + a, second + b
        series.append({"at": _iso(at, zone), names[0]: first, names[1]: second})
    return series


def _summary(seconds: list[float]) -> dict[str, Any]:
    ordered = sorted(seconds)
    return {
        "n": len(ordered),
        "median": percentile(ordered, 0.5),
        "p90": percentile(ordered, 0.9),
    }


def response_times(
    measure: str, samples: list[dict[str, Any]], rows: dict[str, Row]
) -> dict[str, Any]:
    """A measure's summary, as the stats view computes it, and every sample.

    Each operation's samples must give exactly its stats row's n, median and p90
    (the same rule, projections.stats.percentile); several operations together are
    summarised from all their samples by the same rule.
    """
    for operation_id, row in rows.items():
        mine = _summary(
            [s["seconds"] for s in samples if s["operation_id"] == operation_id]
        )
        if mine != row[measure]:
            msg = f"{measure}: the report's samples give {mine}, the stats view {row}"
            raise AssertionError(msg)
    seconds = [sample["seconds"] for sample in samples]
    return {
        **_summary(seconds),
        "min": min(seconds, default=None),
        "max": max(seconds, default=None),
        "samples": samples,
    }


def _merged(rows: list[Row], field: str) -> dict[str, int]:
    """Counts by kind over several rows, most first (ties by name)."""
    merged: Counter[str] = Counter()
    for row in rows:
        merged.update(row[field])
    return dict(sorted(merged.items(), key=lambda item: (-item[1], item[0])))


def _total(rows: list[Row], field: str) -> Any:
    if field == "activity_hours":  # as the stats view keeps it
        return round(sum(row[field] for row in rows), 2)
    return sum(row[field] for row in rows)


def refusals(story: OperationStory) -> dict[str, Any]:
    by_code: Counter[str] = Counter()
    for (code, _), count in story.refusals.items():
        by_code[code] += count
    reasons = [
        {"code": code, "reason": reason, "count": count}
        for (code, reason), count in sorted(
            story.refusals.items(), key=lambda item: (-item[1], item[0])
        )
    ]
    return {
        "total": sum(by_code.values()),
        "by_code": dict(sorted(by_code.items(), key=lambda item: (-item[1], item[0]))),
        "reasons": reasons,
    }


def service_hours(story: OperationStory) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for volunteer_id, hours in story.hours.items():
        rows.append(
            {
                "volunteer_id": volunteer_id,
                "name": story.names.get(volunteer_id, volunteer_id),
                "hours": round(hours.shift_hours + hours.activity_hours, 2),
                "shift_hours": round(hours.shift_hours, 2),
                "activity_hours": round(hours.activity_hours, 2),
                "shifts": hours.shifts,
                "activities": hours.activities,
                "dispatches": hours.dispatches,
            }
        )
    rows.sort(key=lambda row: (-row["hours"], row["name"], row["volunteer_id"]))
    return rows


def incidents_table(incidents: list[Row], zone: tzinfo) -> list[dict[str, Any]]:
    """Every incident by its number: when reported, how long until someone was
    sent (None: nobody was), how it ended. Times in the operation's zone."""
    table = []
    for row in sorted(incidents, key=lambda r: (r["operation_id"], r["number"])):
        reported = datetime.fromisoformat(row["reported_at"])
        first = row["first_dispatch_at"]
        sent = None if first is None else datetime.fromisoformat(first)
        table.append(
            {
                "id": row["id"],
                "number": row["number"],
                "kind": row["kind"],
                "severity": row["severity"],
                "address": row["address"],
                "lat": row["lat"],
                "lon": row["lon"],
                "status": row["status"],
                "reported_at": _iso(reported, zone),
                "first_dispatch_at": None if sent is None else _iso(sent, zone),
                "waited_s": None
                if sent is None
                else max((sent - reported).total_seconds(), 0.0),
                "people_at_risk": row["people_at_risk"],
                "evacuated": row["evacuated"],
                "rescued": row["rescued"],
                "outcome": row["outcome"],
            }
        )
    return table


def assemble(
    story: OperationStory,
    stats_rows: dict[str, Row],
    hazards: list[Row],
    *,
    position: int,
    as_of: datetime | None,
    incidents: list[Row] | None = None,
    warnings: Warnings | None = None,
) -> dict[str, Any]:
    """Every number of the report, JSON-ready, in a fixed order.

    `stats_rows` are the stats view's rows of the operations reported, in the order
    asked for; totals over several operations are the sums of their rows' fields.
    """
    rows = copy.deepcopy(stats_rows)
    listed = list(rows.values())
    zone = story.opened[next(iter(rows))].occurred_at.tzinfo or UTC
    operations = []
    for operation_id in rows:
        opened, closed = story.opened[operation_id], story.closed_at.get(operation_id)
        operations.append(
            {
                "id": operation_id,
                "name": opened.name,
                "kind": opened.kind,
                "opened_at": _iso(opened.occurred_at, zone),
                "closed_at": None if closed is None else _iso(closed, zone),
            }
        )
    return {
        "operations": operations,
        "position": position,
        "as_of": None if as_of is None else _iso(as_of, zone),
        "totals": {key: _total(listed, source) for key, source, _, _ in TOTALS},
        "labels": {key: {"en": en, "zh": zh} for key, _, en, zh in TOTALS},
        "by_operation": {
            operation_id: {key: row[source] for key, source, _, _ in TOTALS}
            for operation_id, row in rows.items()
        },
        # Which operations each total comes from (those that count any of it).
        "sources": {
            key: [
                o["name"]
                for o, row in zip(operations, listed, strict=True)
                if row[source]
            ]
            for key, source, _, _ in TOTALS
        },
        "incidents_by_kind": _merged(listed, "incidents_by_kind"),
        "activities_by_kind": _merged(listed, "activities_by_kind"),
        "incidents_over_time": incidents_over_time(story.reported, zone),
        "people": cumulative(story.people, ("evacuated", "rescued"), zone),
        "response_times": {
            "report_to_dispatch_s": response_times(
                "report_to_dispatch_s", story.report_to_dispatch, rows
            ),
            "dispatch_to_arrival_s": response_times(
                "dispatch_to_arrival_s", story.dispatch_to_arrival, rows
            ),
        },
        "refusals": refusals(story),
        "service_hours": service_hours(story),
        "hazards": {
            "found": _total(listed, "hazards_found"),
            "rectified": _total(listed, "hazards_rectified"),
            "overdue": _total(listed, "hazards_overdue"),
            "over_time": cumulative(story.hazard_steps, ("found", "rectified"), zone),
            # The ledger's rows: overdue by the stats view's rule (projections.hazards).
            "ledger": hazards,
        },
        "stats": rows,
        "incidents": incidents_table(incidents or [], zone),
        "warnings": [] if warnings is None else warnings_table(warnings, rows, zone),
    }
