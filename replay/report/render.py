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
from replay.report.warnings import warnings_csv, warnings_html
from replay.report.words import both, minute, reference, say, waited

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

STYLE = """
body{font-family:"Noto Sans","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:1.5em auto;max-width:1100px;color:#222;padding:0 1em;line-height:1.35}
h1{margin-bottom:.2em;font-size:1.6em}h2{border-bottom:2px solid #c0392b;
padding-bottom:.2em;margin-top:1.4em}h3{margin:1em 0 .3em}
.meta{color:#555;margin:.2em 0}
.totals{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.5em}
.total{border:1px solid #ddd;border-radius:6px;padding:.3em .6em}
.total .value{font-size:1.6em;font-weight:bold;color:#c0392b}
.total .zh{color:#666;font-size:.85em}.total .from{color:#666;font-size:.8em}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1.5em;align-items:start}
table{border-collapse:collapse;margin:.5em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.level{padding:0 .3em;border-radius:3px;color:#fff;white-space:nowrap}
.level.blue{background:#1f5fbf}.level.yellow{background:#f1c40f;color:#222}
.level.orange{background:#d35400}.level.red{background:#c0392b}
.plots{display:grid;grid-template-columns:1fr 1fr;gap:.8em}
.plots img{width:100%;display:block;margin:0}
footer{margin-top:3em;color:#777;font-size:.9em}
@media print{
body{margin:0;max-width:none;font-size:9.5pt}
h2{break-after:avoid}h3{break-after:avoid}tr,img,.total{break-inside:avoid}
.plots{grid-template-columns:1fr 1fr}
.details{break-before:page}
a{color:inherit;text-decoration:none}
@page{size:A4;margin:14mm}
}
"""
# How many rows the first pages show of a list; the detail tables hold them all.
TOP = 5


SERVICE = (
    "hours",
    "shift_hours",
    "activity_hours",
    "shifts",
    "activities",
    "dispatches",
)


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


def _glance(data: dict[str, Any]) -> list[str]:
    """The first pages: totals, response times, incidents by kind, the longest
    waits for someone to be sent, and why dispatches were refused."""
    times = data["response_times"]
    refused = data["refusals"]
    waits = sorted(
        (i for i in data["incidents"] if i["waited_s"] is not None),
        key=lambda i: -i["waited_s"],
    )[:TOP]
    never = [i for i in data["incidents"] if i["first_dispatch_at"] is None]
    by_reason = list(refused["by_code"].items())
    return [
        '<h2 id="glance">At a glance 概览</h2>',
        _totals(data),
        '<div class="pair"><div>',
        "<h3>Response times 响应时间</h3>",
        _table(
            ["", "n", "median", "p90", "longest"],
            (
                [
                    title,
                    times[m]["n"],
                    waited(times[m]["median"]),
                    waited(times[m]["p90"]),
                    waited(times[m]["max"]),
                ]
                for m, title in MEASURES
            ),
        ),
        "<h3>Incidents by kind 警情类型</h3>",
        _table(
            ["kind", "incidents"],
            ([both(kind), n] for kind, n in data["incidents_by_kind"].items()),
        ),
        "</div><div>",
        "<h3>Longest waits for a first dispatch 最长等待</h3>",
        _table(
            ["incident", "reported", "waited"],
            (
                [reference(i), minute(i["reported_at"]), waited(i["waited_s"])]
                for i in waits
            ),
        ),
        (f"<p>Nobody was sent to {len(never)} of the incidents.</p>" if never else ""),
        "<h3>Dispatches refused 拒绝派遣</h3>",
        f"<p>{refused['total']} dispatches refused by the rules that decide who "
        "may go; each refusal is recorded with its reason.</p>",
        _table(["why", "refusals"], ([both(code), n] for code, n in by_reason[:TOP])),
        "</div></div>",
        *warnings_html(data),
    ]


def _over_time(data: dict[str, Any]) -> list[str]:
    return [
        '<h2 id="over-time">Over time 过程</h2>',
        '<div class="plots">',
        *(_plot(data, name) for name, _, _ in PLOTS),
        "</div>",
    ]


def _details(data: dict[str, Any]) -> list[str]:
    """Every row: incidents, refusal reasons, volunteers' hours, the hazard ledger."""
    refused = data["refusals"]
    hazards = data["hazards"]
    return [
        '<section class="details">',
        '<h2 id="details">Detail tables 明细</h2>',
        "<h3>Incidents 警情</h3>",
        _table(
            [
                "incident",
                "severity",
                "reported",
                "first sent",
                "waited",
                "status",
                "evacuated",
                "rescued",
                "outcome",
            ],
            (
                [
                    reference(i),
                    i["severity"],
                    minute(i["reported_at"]),
                    minute(i["first_dispatch_at"]),
                    waited(i["waited_s"]),
                    say(i["status"]),
                    i["evacuated"],
                    i["rescued"],
                    i["outcome"],
                ]
                for i in data["incidents"]
            ),
        ),
        "<h3>Why dispatches were refused 拒绝原因</h3>",
        _table(
            ["why", "the rule's words", "refusals"],
            ([both(r["code"]), r["reason"], r["count"]] for r in refused["reasons"]),
        ),
        "<h3>Service hours per volunteer 志愿服务时长</h3>",
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
        "<h3>Hazards 隐患</h3>",
        f"<p>{hazards['found']} found, {hazards['rectified']} rectified, "
        f"{hazards['overdue']} overdue as of {escape(minute(data['as_of']))}.</p>",
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
                    say(h["kind"]),
                    say(h["state"]),
                    minute(h["found_at"]),
                    minute(h["deadline"]),
                    minute(h["rectified_at"]),
                    "yes" if h["overdue"] else "no",
                ]
                for h in hazards["ledger"]
            ),
        ),
        "</section>",
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
        closed = f", closed {minute(o['closed_at'])}" if o["closed_at"] else ""
        meta.append(
            f"{o['name']} ({say(o['kind'])}): opened {minute(o['opened_at'])}{closed}."
        )
    meta.append(
        f"As of {minute(data['as_of'])} field time (log position {data['position']})."
    )
    footer = (
        "Every number is a fold of the event log up to the position above, under the "
        "same definitions as the live stats view; times are field times."
    )
    if generated_at is not None:
        footer += f" Generated at {generated_at.isoformat(timespec='minutes')}."
    glance = _glance(data)
    glance[2:2] = _by_operation(data)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>After-action report: {escape(title)}</title>",
            f"<style>{STYLE}</style></head><body>",
            f"<h1>After-action report 行动总结: {escape(title)}</h1>",
            *(f'<p class="meta">{escape(line)}</p>' for line in meta),
            *glance,
            *_over_time(data),
            *_details(data),
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
    yield from warnings_csv(data)


def render_csv(data: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "name", "detail", "value"])
    for section, name, detail, value in _csv_rows(data):
        writer.writerow([section, name, detail, "" if value is None else value])
    return buffer.getvalue()
