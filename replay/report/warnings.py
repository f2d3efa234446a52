"""The report's risk warnings: each warning of the operations and its course.

A warning is issued at a level (blue, yellow, orange, red, from its CAP
severity), may be raised, lowered or otherwise updated, and ends cancelled
(lifted) or expired. The after-action review reads that course against the
incidents: when the district was told to expect what, and when the all-clear came.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from html import escape
from typing import TYPE_CHECKING, Any

from projections.warnings import EXPIRED
from replay.report.words import minute

if TYPE_CHECKING:
    from collections.abc import Iterable

    from projections.warnings import Warnings

ORDER = ("blue", "yellow", "orange", "red")
# A step of a warning's course, and a level, in words: (English, Chinese).
STEPS = {
    "issued": ("issued", "发布"),
    "raised": ("raised", "升级"),
    "lowered": ("lowered", "降级"),
    "updated": ("updated", "更新"),
    "cancelled": ("lifted", "解除"),
    "expired": ("expired", "到期"),
}
LEVEL_WORDS = {
    "blue": ("blue", "蓝色"),
    "yellow": ("yellow", "黄色"),
    "orange": ("orange", "橙色"),
    "red": ("red", "红色"),
}


def _local(text: str, zone: tzinfo) -> str:
    return datetime.fromisoformat(text).astimezone(zone).isoformat()


def _step(before: str | None, level: str, msg_type: str) -> str:
    if msg_type == "Alert":
        return "issued"
    if msg_type == "Cancel":
        return "cancelled"
    if before is not None and level != before:
        return "raised" if ORDER.index(level) > ORDER.index(before) else "lowered"
    return "updated"


def warnings_table(
    view: Warnings, operations: Iterable[str], zone: tzinfo
) -> list[dict[str, Any]]:
    """The operations' warnings, first issued first, each with its course."""
    wanted = set(operations)
    found = []
    for row in view.rows.values():
        if row["operation_id"] not in wanted:
            continue
        steps: list[dict[str, Any]] = []
        level: str | None = None
        for alert in row["alerts"]:
            revision = view.revision(alert["identifier"]) or row
            step = _step(level, revision["level"], alert["msg_type"])
            level = revision["level"]
            steps.append(
                {
                    "at": _local(alert["sent"], zone),
                    "step": step,
                    "level": level,
                    "identifier": alert["identifier"],
                }
            )
        if row["status"] == EXPIRED:
            at = _local(row["expiry"], zone)
            steps.append({"at": at, "step": "expired", "level": level})
        source = row.get("source") or {}
        found.append(
            {
                "id": row["id"],
                "event": row["event"],
                "headline": row["headline"],
                "area": row["area_desc"],
                "status": row["status"],
                "from": source.get("sender"),
                "reason": row.get("reason") or "",
                "steps": steps,
            }
        )
    found.sort(key=lambda w: w["steps"][0]["at"])
    return found


def _words(table: dict[str, tuple[str, str]], code: str) -> str:
    english, chinese = table.get(code, (code, ""))
    return f"{english} {chinese}".strip()


def warnings_html(data: dict[str, Any]) -> list[str]:
    """The warnings section: one line a warning, its course level by level."""
    warnings = data.get("warnings") or []
    if not warnings:
        return []
    rows = []
    for w in warnings:
        headline = w["headline"]
        said = " / ".join(headline[lang] for lang in ("zh", "en") if lang in headline)
        course = " → ".join(_course_step(s) for s in w["steps"])
        source = w["from"] or "brigade"
        rows.append(
            f"<tr><td>{escape(said)}</td><td>{escape(source)}</td>"
            f"<td>{course}</td></tr>"
        )
    return [
        '<h3 id="warnings">Risk warnings 风险预警</h3>',
        "<table><tr><th>warning</th><th>from 来源</th>"
        "<th>course 过程</th></tr>" + "".join(rows) + "</table>",
    ]


def _course_step(step: dict[str, Any]) -> str:
    """ "orange 橙色 raised 升级 2023-07-27 22:00"; an end without a level."""
    said = f"{escape(_words(STEPS, step['step']))} {escape(minute(step['at']))}"
    if step["step"] in ("cancelled", "expired"):
        return said
    level = step["level"]
    badge = escape(_words(LEVEL_WORDS, level))
    return f'<span class="level {escape(level)}">{badge}</span> {said}'


def warnings_csv(data: dict[str, Any]) -> Iterable[tuple[str, str, str, Any]]:
    for w in data.get("warnings") or []:
        for s in w["steps"]:
            yield "warning", w["id"], f"{s['at']} {s['step']}", s["level"]
