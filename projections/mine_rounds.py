"""A volunteer's check-on rounds, for their phone: part of the mine view.

A round started naming the volunteer (`StartCheckRound`) is a `round:<round id>`
row of theirs: every register entry of the round's area, highest risk first, with
what a checker needs at the door (kind, name, address, needs, people, risk, contact,
place) and what was found there on this round (`outcome`: safe, evacuated,
needs_help, or None while unchecked). That is what `access.by_need` gives the same
volunteer over HTTP (the register rows of their rounds' areas), no more; an erased
entry reads "erased" here as there.

The handlers are module functions that projections/mine.py takes in as its own
(`Mine._round_started = started`, ...), so the view stays one view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.model.checkround import CheckRound
from domain.model.vulnerable import Vulnerable
from projections.base import Row, handles, iso, key

if TYPE_CHECKING:
    from collections.abc import Iterable

    from projections.mine import Mine

# What a phone is shown of an entry.
SHOWN = (
    "kind",
    "name",
    "address",
    "needs",
    "people",
    "risk",
    "contact",
    "lat",
    "lon",
)

UNCHECKED = {"outcome": None, "count": 0, "destination": "", "checked_at": None}


class Rounds:
    """The register's entries by area, and each round's volunteers and findings."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}
        self.by_area: dict[str, list[str]] = {}
        self.rounds: dict[str, dict[str, Any]] = {}
        self.of_area: dict[str, list[str]] = {}

    def render(self, view: Mine, round_ids: Iterable[str]) -> list[str]:
        """Each named round's row, for each of its volunteers; their keys."""
        changed = []
        for rid in round_ids:
            found = self.rounds[rid]
            entries = [
                {
                    "id": eid,
                    **{name: self.entries[eid][name] for name in SHOWN},
                    **found["checked"].get(eid, UNCHECKED),
                }
                for eid in self.by_area.get(found["area"], [])
            ]
            entries.sort(key=lambda entry: (-entry["risk"], entry["id"]))
            for vid in found["volunteers"]:
                row_key = f"{vid}/round:{rid}"
                row: Row = {
                    "round_id": rid,
                    "operation_id": found["operation_id"],
                    "area": found["area"],
                    "started_at": found["started_at"],
                    "entries": [dict(entry) for entry in entries],
                    "left": sum(1 for entry in entries if entry["outcome"] is None),
                }
                view.rows[row_key] = row
                changed.append(row_key)
        return changed

    def of_entry(self, eid: str) -> list[str]:
        return self.of_area.get(self.entries[eid]["area"], [])


@handles(Vulnerable.Registered)
def registered(view: Mine, e: Vulnerable.Registered) -> Iterable[str]:
    eid = key(e.originator_id)
    rounds = view.rounds
    rounds.entries[eid] = {"area": e.area, **{name: getattr(e, name) for name in SHOWN}}
    rounds.by_area.setdefault(e.area, []).append(eid)
    return rounds.render(view, rounds.of_entry(eid))


@handles(Vulnerable.Updated)
def updated(view: Mine, e: Vulnerable.Updated) -> Iterable[str]:
    eid = key(e.originator_id)
    entry = view.rounds.entries[eid]
    for name in ("contact", "needs", "people", "risk"):
        value = getattr(e, name)
        if value is not None:
            entry[name] = value
    return view.rounds.render(view, view.rounds.of_entry(eid))


@handles(Vulnerable.PersonErased)
def erased(view: Mine, e: Vulnerable.PersonErased) -> Iterable[str]:
    eid = key(e.originator_id)
    entry = view.rounds.entries.get(eid)
    if entry is None:
        return []
    for name, value in Vulnerable.Registered.personal.items():
        if name in entry:
            entry[name] = value
    return view.rounds.render(view, view.rounds.of_entry(eid))


@handles(CheckRound.Started)
def started(view: Mine, e: CheckRound.Started) -> Iterable[str]:
    rid = key(e.originator_id)
    view.rounds.rounds[rid] = {
        "operation_id": key(e.operation_id),
        "area": e.area,
        "started_at": iso(e.occurred_at),
        "volunteers": sorted(key(v) for v in e.volunteers if key(v) in view.parts),
        "checked": {},
    }
    view.rounds.of_area.setdefault(e.area, []).append(rid)
    return view.rounds.render(view, [rid])


@handles(CheckRound.EntryChecked)
def checked(view: Mine, e: CheckRound.EntryChecked) -> Iterable[str]:
    rid = key(e.originator_id)
    view.rounds.rounds[rid]["checked"][key(e.entry_id)] = {
        "outcome": e.outcome,
        "count": e.count,
        "destination": e.destination,
        "checked_at": iso(e.occurred_at),
    }
    return view.rounds.render(view, [rid])
