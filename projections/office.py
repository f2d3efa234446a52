"""What the programme office looks at, from the views: whose insurance runs out
within 30 days, who is eligible for promotion and why, the training gaps of each
service domain, who waits for vetting, points and reminders.

Pure: the moment it is judged at is given (the views' field clock), like every
view's "overdue" or "insured".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from domain.types import HazardState, ServiceDomain, Vetting
from projections.courses import catalogue_rows
from projections.points import explain

if TYPE_CHECKING:
    from projections.base import Row

EXPIRING = timedelta(days=30)


def summary(
    roster: dict[str, Row],
    courses: dict[str, Row],
    points: dict[str, Row],
    reminders: dict[str, Row],
    at: datetime,
) -> dict[str, Any]:
    """The office's lists, judged at `at`."""
    catalogue = catalogue_rows(courses)
    people = sorted(roster.values(), key=lambda row: row["name"])
    return {
        "at": at.isoformat(),
        "insurance_expiring": insurance_expiring(people, at),
        "promotion": [
            {
                "id": r["id"],
                "name": r["name"],
                "grade": r["grade"],
                "why": r["promotion"],
            }
            for r in people
            if r.get("promotion_eligible")
        ],
        "pending_vetting": [
            {"id": r["id"], "name": r["name"]}
            for r in people
            if r["vetting"] == Vetting.PENDING
        ],
        "training_gaps": training_gaps(people, catalogue),
        "courses": sorted(catalogue.values(), key=lambda c: (c["retired"], c["code"])),
        "points": sorted(
            ({**row, "explained": explain(row)} for row in points.values()),
            key=lambda row: (-row["points"], row["name"]),
        ),
        "reminders": sorted(
            reminders.values(), key=lambda row: row["queued_at"] or "", reverse=True
        ),
    }


def premises_with_hazards(hazards: dict[str, Row]) -> list[dict[str, Any]]:
    """Premises with hazards still open: whom an owner's link (QR code) is for."""
    found: dict[str, dict[str, Any]] = {}
    for row in hazards.values():
        if row["state"] == HazardState.CLOSED:
            continue
        entry = found.setdefault(
            row["premises_id"],
            {
                "id": row["premises_id"],
                "name": row["premises"],
                "address": row["address"],
                "open": 0,
                "overdue": 0,
                "escalated": 0,
            },
        )
        entry["open"] += 1
        entry["overdue"] += bool(row["overdue"])
        entry["escalated"] += row.get("escalation") == "escalated"
    return sorted(
        found.values(), key=lambda p: (-p["escalated"], -p["overdue"], p["name"] or "")
    )


def insurance_expiring(people: list[Row], at: datetime) -> list[dict[str, Any]]:
    """Approved volunteers whose policy runs out within 30 days (or has run out)."""
    found = []
    for row in people:
        until = row["insured_until"]
        if row["vetting"] != Vetting.APPROVED:
            continue
        if until is None:
            found.append({"id": row["id"], "name": row["name"], "until": None})
            continue
        ends = datetime.fromisoformat(until)
        if ends <= at + EXPIRING:
            days = (ends - at).total_seconds() / 86400
            found.append(
                {
                    "id": row["id"],
                    "name": row["name"],
                    "until": until,
                    "days_left": int(days // 1),
                }
            )
    return sorted(found, key=lambda r: (r["until"] is not None, r["until"] or ""))


def training_gaps(people: list[Row], catalogue: dict[str, Row]) -> list[dict[str, Any]]:
    """Per service domain: who is qualified, and who chose it but lacks its course."""
    gaps = []
    approved = [row for row in people if row["vetting"] == Vetting.APPROVED]
    for domain in ServiceDomain:
        courses = sorted(
            c["code"]
            for c in catalogue.values()
            if c["domain"] == domain.value and not c["retired"]
        )
        qualified = [r for r in approved if domain.value in r["qualified_domains"]]
        missing = [
            {"id": r["id"], "name": r["name"]}
            for r in approved
            if domain.value in r["domains"]
            and domain.value not in r["qualified_domains"]
        ]
        gaps.append(
            {
                "domain": domain.value,
                "courses": courses,
                "qualified": len(qualified),
                "missing": missing,
            }
        )
    return gaps
