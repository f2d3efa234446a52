"""The register of vulnerable people and fragile units, its counts, its check-ons.

`register`: every entry (personal: the command centre's, or by need, see
access.py). `register_areas`: counts by area only, for anyone. `checkons`: each
round with its entries not yet checked, highest risk first. Erased entries read
"erased" in every personal field; they still count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.model.checkround import CheckRound
from domain.model.vulnerable import Vulnerable
from domain.privacy import personal_fields
from domain.types import CheckOutcome
from projections.base import Row, View, handles, iso

if TYPE_CHECKING:
    from collections.abc import Iterable

_PERSONAL = personal_fields(Vulnerable.Registered)


class Register(View):
    """Rows by entry id."""

    name = "register"

    @handles(Vulnerable.Registered)
    def _registered(self, e: Vulnerable.Registered) -> Iterable[str]:
        key = str(e.originator_id)
        self.rows[key] = {
            "id": key,
            "kind": e.kind,
            "area": e.area,
            "lat": e.lat,
            "lon": e.lon,
            "address": e.address,
            "name": e.name,
            "contact": e.contact,
            "needs": e.needs,
            "people": e.people,
            "risk": e.risk,
            "consent": e.consent,
            "consent_note": e.consent_note,
            "registered_by": e.actor,
            "registered_at": iso(e.occurred_at),
            "erased": False,
            "last_check": None,
        }
        return [key]

    @handles(Vulnerable.Updated)
    def _updated(self, e: Vulnerable.Updated) -> Iterable[str]:
        row = self.rows[str(e.originator_id)]
        for name in ("contact", "needs", "people", "risk", "consent"):
            value = getattr(e, name)
            if value is not None:
                row[name] = value
        return [row["id"]]

    @handles(Vulnerable.PersonErased)
    def _erased(self, e: Vulnerable.PersonErased) -> Iterable[str]:
        row = self.rows.get(str(e.originator_id))
        if row is None:
            return []
        row.update(_PERSONAL)
        row["erased"] = True
        return [row["id"]]

    @handles(CheckRound.EntryChecked)
    def _checked(self, e: CheckRound.EntryChecked) -> Iterable[str]:
        row = self.rows.get(str(e.entry_id))
        if row is None:
            return []
        row["last_check"] = {
            "round_id": str(e.originator_id),
            "outcome": e.outcome,
            "at": iso(e.occurred_at),
        }
        return [row["id"]]


class RegisterAreas(View):
    """Rows by area: how many entries and people, by kind and risk. No one's data."""

    name = "register_areas"

    def __init__(self) -> None:
        super().__init__()
        self._entries: dict[str, tuple[str, int, int]] = {}  # area, people, risk

    @handles(Vulnerable.Registered)
    def _registered(self, e: Vulnerable.Registered) -> Iterable[str]:
        self._entries[str(e.originator_id)] = (e.area, e.people, e.risk)
        row = self.rows.setdefault(
            e.area,
            {"area": e.area, "entries": 0, "people": 0, "by_kind": {}, "by_risk": {}},
        )
        row["entries"] += 1
        row["by_kind"][e.kind] = row["by_kind"].get(e.kind, 0) + 1
        self._count(row, e.people, e.risk, +1)
        return [e.area]

    @handles(Vulnerable.Updated)
    def _updated(self, e: Vulnerable.Updated) -> Iterable[str]:
        key = str(e.originator_id)
        area, people, risk = self._entries[key]
        row = self.rows[area]
        self._count(row, people, risk, -1)
        people = people if e.people is None else e.people
        risk = risk if e.risk is None else e.risk
        self._count(row, people, risk, +1)
        self._entries[key] = (area, people, risk)
        return [area]

    @staticmethod
    def _count(row: Row, people: int, risk: int, sign: int) -> None:
        row["people"] += sign * people
        by_risk = row["by_risk"]
        by_risk[str(risk)] = by_risk.get(str(risk), 0) + sign
        if not by_risk[str(risk)]:
            del by_risk[str(risk)]


class CheckOns(View):
    """Rows by round id: who checks, what is left (highest risk first), the counts."""

    name = "checkons"

    def __init__(self) -> None:
        super().__init__()
        # Entry id -> what a round shows of it; area -> entry ids; area -> rounds.
        self._entries: dict[str, dict[str, Any]] = {}
        self._by_area: dict[str, list[str]] = {}
        self._rounds_of: dict[str, list[str]] = {}
        self._checked: dict[str, dict[str, str]] = {}

    @handles(Vulnerable.Registered)
    def _registered(self, e: Vulnerable.Registered) -> Iterable[str]:
        key = str(e.originator_id)
        self._entries[key] = {
            "id": key,
            "kind": e.kind,
            "risk": e.risk,
            "people": e.people,
            "name": e.name,
            "address": e.address,
            "lat": e.lat,
            "lon": e.lon,
        }
        self._by_area.setdefault(e.area, []).append(key)
        return self._refresh(self._rounds_of.get(e.area, []))

    @handles(Vulnerable.Updated)
    def _updated(self, e: Vulnerable.Updated) -> Iterable[str]:
        entry = self._entries[str(e.originator_id)]
        if e.risk is not None:
            entry["risk"] = e.risk
        if e.people is not None:
            entry["people"] = e.people
        return self._rounds_with(entry["id"])

    @handles(Vulnerable.PersonErased)
    def _erased(self, e: Vulnerable.PersonErased) -> Iterable[str]:
        entry = self._entries.get(str(e.originator_id))
        if entry is None:
            return []
        for name in ("name", "address", "lat", "lon"):
            entry[name] = _PERSONAL[name]
        return self._rounds_with(entry["id"])

    @handles(CheckRound.Started)
    def _started(self, e: CheckRound.Started) -> Iterable[str]:
        key = str(e.originator_id)
        self._rounds_of.setdefault(e.area, []).append(key)
        self._checked[key] = {}
        self.rows[key] = {
            "id": key,
            "operation_id": str(e.operation_id),
            "area": e.area,
            "volunteers": [str(v) for v in e.volunteers],
            "started_at": iso(e.occurred_at),
            "pending": [],
            "checked": {},
            "safe": 0,
            "evacuated": 0,
            "needs_help": 0,
            "incidents": [],
        }
        return self._refresh([key])

    @handles(CheckRound.EntryChecked)
    def _checked_entry(self, e: CheckRound.EntryChecked) -> Iterable[str]:
        key = str(e.originator_id)
        row = self.rows[key]
        row["checked"][str(e.entry_id)] = e.outcome
        if e.outcome == CheckOutcome.SAFE:
            row["safe"] += 1
        elif e.outcome == CheckOutcome.EVACUATED:
            row["evacuated"] += e.count
        else:
            row["needs_help"] += 1
            row["incidents"].append(str(e.incident_id))
        return self._refresh([key])

    def _rounds_with(self, entry_id: str) -> list[str]:
        return self._refresh(
            [key for key, row in self.rows.items() if entry_id in self._area(row)]
        )

    def _area(self, row: Row) -> list[str]:
        found: list[str] = self._by_area.get(row["area"], [])
        return found

    def _refresh(self, rounds: list[str]) -> list[str]:
        for key in rounds:
            row = self.rows[key]
            pending = [
                dict(self._entries[entry_id])
                for entry_id in self._area(row)
                if entry_id not in row["checked"]
            ]
            pending.sort(key=lambda entry: (-entry["risk"], entry["id"]))
            row["pending"] = pending
        return rounds
