"""The report's numbers as a self-contained HTML page and as one long CSV table.

The page carries its plots as base64 PNG and its style inline: it opens from a
file or an e-mail with no network. The CSV has one value a line, `section, name,
detail, value`, so a spreadsheet can filter any part of the report.
"""

from __future__ import annotations

import base64
import csv
import io
from html import escape
from typing import TYPE_CHECKING, Any

from replay.report.data import MEASURES
from replay.report.plots import PLOTS

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

STYLE = """
body{font-family:"Noto Sans","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #c0392b;padding-bottom:.2em;
margin-top:2em}.meta{color:#555}.totals{display:grid;
grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:.8em}
.total{border:1px solid #ddd;border-radius:6px;padding:.6em .8em}
.total .value{font-size:2em;font-weight:bold;color:#c0392b}
.total .zh{color:#666;font-size:.9em}.total .from{color:#666;font-size:.8em}
table{border-collapse:collapse;margin:.8em 0}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}
td.n{text-align:right}img{max-width:100%;display:block;margin:1em 0}
footer{margin-top:3em;color:#777;font-size:.9em}
"""


SERVICE = (
    "hours",
    "shift_hours",
    "activity_hours",
    "shifts",
    "activities",
    "dispatches",
)


def _minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f} min"


def _table(headers: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            number = isinstance(cell, int | float) and not isinstance(cell, bool)
            text = "-" if cell is None else str(cell)
            kind = ' class="n"' if number else ""
            cells.append(f"<td{kind}>{escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _plot(data: dict[str, Any], name: str) -> str:
    for key, title, draw in PLOTS:
        if key == name:
            encoded = base64.b64encode(draw(data)).decode("ascii")
            return f'<img alt="{escape(title)}" src="data:image/png;base64,{encoded}">'
    raise KeyError(name)


def _totals(data: dict[str, Any]) -> str:
    cards = []
    for key, value in data["totals"].items():
        labels = data["labels"][key]
        names = data.get("sources", {}).get(key, [])
        source = " + ".join(escape(name) for name in names) or "none"
        cards.append(
            f'<div class="total" id="total-{key}"><div class="value">{value}</div>'
            f'<div>{escape(labels["en"])}</div><div class="zh">{escape(labels["zh"])}'
            f'</div><div class="from">from 来自: {source}</div></div>'
        )
    return f'<div class="totals">{"".join(cards)}</div>'


def _sections(data: dict[str, Any]) -> list[str]:
    times = data["response_times"]
    refused = data["refusals"]
    hazards = data["hazards"]
    return [
        "<h2>Totals 总计</h2>",
        _totals(data),
        "<h2>Incidents over time 警情</h2>",
        _table(["kind", "incidents"], data["incidents_by_kind"].items()),
        _plot(data, "incidents"),
        "<h2>People evacuated and rescued 转移与救出</h2>",
        _plot(data, "people"),
        "<h2>Response times 响应时间</h2>",
        _table(
            ["measure", "n", "median", "p90", "shortest", "longest"],
            (
                [
                    title,
                    times[m]["n"],
                    _minutes(times[m]["median"]),
                    _minutes(times[m]["p90"]),
                    _minutes(times[m]["min"]),
                    _minutes(times[m]["max"]),
                ]
                for m, title in MEASURES
            ),
        ),
        _plot(data, "response_times"),
        "<h2>Dispatches refused 拒绝派遣</h2>",
        f"<p>{refused['total']} dispatches refused by the rules that decide who "
        "may go (vetting, training, qualification, insurance, shift, busy); each "
        "refusal is recorded with its reason.</p>",
        _table(["code", "refusals"], refused["by_code"].items()),
        _table(
            ["code", "reason", "refusals"],
            ([r["code"], r["reason"], r["count"]] for r in refused["reasons"]),
        ),
        _plot(data, "refusals"),
        "<h2>Service hours per volunteer 志愿服务时长</h2>",
        _plot(data, "service_hours"),
        _table(
            [
                "volunteer",
                "hours",
                "shift hours",
                "activity hours",
                "shifts",
                "activities",
                "turn-outs",
            ],
            (
                [
                    r["name"],
                    r["hours"],
                    r["shift_hours"],
                    r["activity_hours"],
                    r["shifts"],
                    r["activities"],
                    r["dispatches"],
                ]
                for r in data["service_hours"]
            ),
        ),
        "<h2>Hazards 隐患</h2>",
        f"<p>{hazards['found']} found, {hazards['rectified']} rectified, "
        f"{hazards['overdue']} overdue as of {escape(str(data['as_of']))}.</p>",
        _plot(data, "hazards"),
        _table(
            [
                "premises",
                "address",
                "hazard",
                "state",
                "found",
                "deadline",
                "rectified",
                "overdue",
            ],
            (
                [
                    h["premises"],
                    h["address"],
                    h["kind"],
                    h["state"],
                    h["found_at"],
                    h["deadline"],
                    h["rectified_at"],
                    "yes" if h["overdue"] else "no",
                ]
                for h in hazards["ledger"]
            ),
        ),
    ]


def _by_operation(data: dict[str, Any]) -> list[str]:
    """Each operation's own totals, when several are reported together."""
    if len(data["operations"]) < 2:
        return []
    names = [o["name"] for o in data["operations"]]
    return [
        "<h3>By operation 分行动</h3>",
        _table(
            ["", *names],
            (
                [
                    data["labels"][key]["en"],
                    *(totals[key] for totals in data["by_operation"].values()),
                ]
                for key in data["totals"]
            ),
        ),
    ]


def render_html(data: dict[str, Any], generated_at: datetime | None = None) -> str:
    operations = data["operations"]
    title = " + ".join(o["name"] for o in operations)
    meta = []
    for o in operations:
        closed = f", closed {o['closed_at']}" if o["closed_at"] else ""
        meta.append(
            f"Operation {o['name']} ({o['kind']}, {o['id']}): "
            f"opened {o['opened_at']}{closed}."
        )
    meta.append(f"As of field time {data['as_of']}, log position {data['position']}.")
    footer = (
        "Every number is a fold of the event log up to the position above, under the "
        "same definitions as the live stats view; times are field times."
    )
    if generated_at is not None:
        footer += f" Generated at {generated_at.isoformat(timespec='seconds')}."
    sections = _sections(data)
    sections[2:2] = _by_operation(data)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>After-action report: {escape(title)}</title>",
            f"<style>{STYLE}</style></head><body>",
            f"<h1>After-action report 行动总结: {escape(title)}</h1>",
            *(f'<p class="meta">{escape(line)}</p>' for line in meta),
            *sections,
            f"<footer>{escape(footer)}</footer>",
            "</body></html>",
            "",
        ]
    )


def _csv_rows(data: dict[str, Any]) -> Iterable[tuple[str, str, str, Any]]:
    for operation in data["operations"]:
        for name in ("name", "kind", "opened_at", "closed_at"):
            yield "operation", operation["id"], name, operation[name]
    yield "report", "position", "", data["position"]
    yield "report", "as_of", "", data["as_of"]
    for key, value in data["totals"].items():
        yield "totals", key, data["labels"][key]["en"], value
    if len(data["operations"]) > 1:
        for operation_id, totals in data["by_operation"].items():
            for key, value in totals.items():
                yield "operation_totals", operation_id, key, value
    for kind, count in data["incidents_by_kind"].items():
        yield "incidents_by_kind", kind, "", count
    for b in data["incidents_over_time"]["bins"]:
        for kind, count in b["counts"].items():
            yield "incidents_over_time", b["start"], kind, count
    for point in data["people"]:
        yield "people_cumulative", point["at"], "evacuated", point["evacuated"]
        yield "people_cumulative", point["at"], "rescued", point["rescued"]
    for measure, _ in MEASURES:
        found = data["response_times"][measure]
        for name in ("n", "median", "p90", "min", "max"):
            yield "response_times", measure, name, found[name]
        for sample in found["samples"]:
            where = (sample["incident_id"], sample["volunteer_id"])
            yield f"{measure}_sample", *where, sample["seconds"]
    for code, count in data["refusals"]["by_code"].items():
        yield "refusals_by_code", code, "", count
    for r in data["refusals"]["reasons"]:
        yield "refusal_reasons", r["code"], r["reason"], r["count"]
    for r in data["service_hours"]:
        yield "volunteer", r["volunteer_id"], "name", r["name"]
        for name in SERVICE:
            yield "service_hours", r["volunteer_id"], name, r[name]
    for name in ("found", "rectified", "overdue"):
        yield "hazards", name, "", data["hazards"][name]
    for h in data["hazards"]["ledger"]:
        yield "hazard", h["id"], f"{h['premises']}: {h['kind']}", h["state"]


def render_csv(data: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "name", "detail", "value"])
    for section, name, detail, value in _csv_rows(data):
        writer.writerow([section, name, detail, "" if value is None else value])
    return buffer.getvalue()
