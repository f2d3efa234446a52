"""Vulnerable: an entry of the register of vulnerable people and fragile units.

Everything that says who they are or where they live is personal, sealed with
the entry's own key (domain/privacy.py): erasing the entry leaves its kind, area,
risk and count, so the register's counts by area stay true.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from domain import checks
from domain.model.base import BrigadeAggregate, Provenance
from domain.privacy import ERASED
from domain.types import VulnerableKind

if TYPE_CHECKING:
    from uuid import UUID

MAX_PEOPLE = 1000


class Vulnerable(BrigadeAggregate):
    class Registered(BrigadeAggregate.Created):
        kind: str
        area: str
        lat: float
        lon: float
        address: str
        name: str
        contact: str
        needs: str
        people: int
        risk: int
        consent: bool
        consent_note: str
        personal: ClassVar[dict[str, Any]] = {
            "lat": None,
            "lon": None,
            "address": ERASED,
            "name": ERASED,
            "contact": ERASED,
            "needs": ERASED,
            "consent_note": ERASED,
        }

        def apply(self, entry: Vulnerable) -> None:
            entry.area, entry.lat, entry.lon = self.area, self.lat, self.lon
            entry.risk, entry.people = self.risk, self.people

    class Updated(BrigadeAggregate.Event):
        # None: unchanged.
        contact: str | None
        needs: str | None
        people: int | None
        risk: int | None
        consent: bool | None
        personal: ClassVar[dict[str, Any]] = {"contact": ERASED, "needs": ERASED}

        def apply(self, entry: Vulnerable) -> None:
            if self.people is not None:
                entry.people = self.people
            if self.risk is not None:
                entry.risk = self.risk

    # Where to send help: personal, gone once erased.
    personal: ClassVar[dict[str, Any]] = {"lat": None, "lon": None}
    area: str
    lat: float | None
    lon: float | None
    risk: int
    people: int

    @classmethod
    def register(
        cls,
        entry_id: UUID,
        *,
        kind: str,
        area: str,
        lat: float,
        lon: float,
        address: str,
        name: str,
        contact: str,
        needs: str,
        people: int,
        risk: int,
        consent: bool,
        consent_note: str,
        p: Provenance,
    ) -> Vulnerable:
        if not isinstance(consent, bool):
            raise checks.invalid("consent must be true or false")
        return cls._create(
            cls.Registered,
            id=entry_id,
            kind=checks.choice("kind", kind, VulnerableKind).value,
            area=checks.text("area", area, limit=checks.MAX_NAME),
            lat=checks.latitude(lat),
            lon=checks.longitude(lon),
            address=checks.text("address", address, limit=checks.MAX_NAME),
            name=checks.text("name", name, limit=checks.MAX_NAME),
            contact=checks.text(
                "contact", contact, limit=checks.MAX_NAME, required=False
            ),
            needs=checks.text("needs", needs, required=False),
            people=checks.whole("people", people, 1, MAX_PEOPLE),
            risk=checks.whole("risk", risk, 1, 5),
            consent=consent,
            consent_note=checks.text(
                "consent_note", consent_note, limit=checks.MAX_NAME, required=False
            ),
            **p.as_kwargs(),
        )

    def update(
        self,
        *,
        contact: str | None,
        needs: str | None,
        people: int | None,
        risk: int | None,
        consent: bool | None,
        p: Provenance,
    ) -> None:
        if consent is not None and not isinstance(consent, bool):
            raise checks.invalid("consent must be true or false")
        self.trigger_event(
            self.Updated,
            contact=None
            if contact is None
            else checks.text("contact", contact, limit=checks.MAX_NAME, required=False),
            needs=None
            if needs is None
            else checks.text("needs", needs, required=False),
            people=None
            if people is None
            else checks.whole("people", people, 1, MAX_PEOPLE),
            risk=None if risk is None else checks.whole("risk", risk, 1, 5),
            consent=consent,
            **p.as_kwargs(),
        )
