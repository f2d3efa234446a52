"""Owners, the course catalogue and reminders, decided by the handlers alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest
import support
from support import COMMANDER, LANDFALL, refused, volunteer
from support import provenance as p

from domain import commands as c
from domain.errors import Code
from domain.model.catalogue import CATALOGUE_ID, CourseCatalogue
from domain.model.credential import Credential
from domain.model.premises import Premises
from domain.model.volunteer import Volunteer
from domain.types import Role, ServiceDomain

if TYPE_CHECKING:
    from domain.handlers import Result

OFFICER = c.Actor(Role.OFFICER, "programme office")


class DictUnitOfWork(support.DictUnitOfWork):
    now = LANDFALL + timedelta(hours=1)
    skew = timedelta(seconds=120)


SKEW = timedelta(seconds=120)


def owner(premises_id: UUID) -> c.Actor:
    return c.Actor(Role.OWNER, str(premises_id))


def send(
    uow: DictUnitOfWork, kind: type[c.Command], actor: c.Actor = COMMANDER, **f: Any
) -> Result:
    return uow.run(kind(command_id=uuid4(), actor=actor, occurred_at=LANDFALL, **f))


def shop(inspector: str = "commander:duty-officer") -> tuple[Premises, UUID]:
    """Premises with one hazard, its rectification ordered."""
    premises = Premises.register(
        uuid4(), name="Tea shop", address="3 Main St", lat=24.9, lon=118.6,
        owner="Mrs Lin", category="shop", p=p(),
    )  # fmt: skip
    hazard = uuid4()
    found = p(1)
    found = type(found)(found.occurred_at, inspector, found.command_id)
    premises.find_hazard(
        uuid4(), hazard, kind="blocked exit", severity=3, photo_sha256=None,
        note="boxes at the back door", p=found,
    )  # fmt: skip
    premises.order_rectification(hazard, LANDFALL + timedelta(days=7), p(2))
    return premises, hazard


def test_an_owner_checks_their_own_premises_and_no_others() -> None:
    mine, hazard = shop()
    theirs, other = shop()
    uow = DictUnitOfWork(mine, theirs)
    send(
        uow, c.SubmitSelfCheck, owner(mine.id), premises_id=mine.id,
        hazard_id=hazard, note="boxes moved", evidence="cleared the exit",
        photos=["ab" * 32],
    )  # fmt: skip
    assert mine.hazards[hazard.hex]["state"] == "self_checked"
    with refused(Code.NOT_YOUR_PREMISES):
        send(
            uow, c.SubmitSelfCheck, owner(mine.id), premises_id=theirs.id,
            hazard_id=other,
        )  # fmt: skip
    assert theirs.hazards[other.hex]["state"] == "ordered"


@pytest.mark.parametrize(
    "kind", [c.RecordRectification, c.CloseHazard, c.RegisterPremises, c.IssueToken]
)
def test_an_owner_may_send_nothing_else(kind: type[c.Command]) -> None:
    with refused(Code.ROLE_NOT_ALLOWED):
        DictUnitOfWork().run(_blank(kind, owner(uuid4())))


def _blank(kind: type[c.Command], actor: c.Actor) -> c.Command:
    """A command with its envelope only: the role is checked before any field."""
    command = object.__new__(kind)
    for name, value in {
        "command_id": uuid4(), "actor": actor, "occurred_at": LANDFALL,
    }.items():  # fmt: skip
        object.__setattr__(command, name, value)
    return command


def test_a_photo_that_is_not_a_digest_is_refused() -> None:
    premises, hazard = shop()
    with refused(Code.INVALID_VALUE):
        send(
            DictUnitOfWork(premises), c.SubmitSelfCheck, owner(premises.id),
            premises_id=premises.id, hazard_id=hazard, photos=["not a hash"],
        )  # fmt: skip


def test_an_owner_token_names_the_premises_and_only_its_inspector_gives_one() -> None:
    inspector = uuid4()
    premises, _ = shop(inspector=f"volunteer:{inspector}")
    uow = DictUnitOfWork(premises)
    result = send(uow, c.IssueOwnerToken, volunteer(inspector), premises_id=premises.id)
    assert (result["role"], result["subject"]) == ("owner", str(premises.id))
    credential = uow.aggregates[UUID(result["token_id"])]
    assert isinstance(credential, Credential)
    assert credential.holder == (Role.OWNER, str(premises.id))
    with refused(Code.NOT_INSPECTOR):
        send(uow, c.IssueOwnerToken, volunteer(uuid4()), premises_id=premises.id)
    assert send(uow, c.IssueOwnerToken, OFFICER, premises_id=premises.id)["token_id"]


def test_an_owner_token_lasts_sixty_days_unless_told() -> None:
    premises, _ = shop()
    result = send(DictUnitOfWork(premises), c.IssueOwnerToken, premises_id=premises.id)
    issued, expires = (result["issued_at"], result["expires_at"])
    length = datetime.fromisoformat(expires) - datetime.fromisoformat(issued)
    assert length == timedelta(days=60)


def test_the_first_catalogue_change_records_the_defaults_it_starts_from() -> None:
    uow = DictUnitOfWork()
    send(
        uow, c.DefineCourse, OFFICER, course="typhoon-shelter", title="Shelters",
        required=True,
    )  # fmt: skip
    catalogue = uow.aggregates[CATALOGUE_ID]
    assert isinstance(catalogue, CourseCatalogue)
    courses = catalogue.catalogue.courses
    assert {"basic-fire-safety", "water-rescue", "typhoon-shelter"} <= set(courses)
    assert [c.code for c in catalogue.catalogue.required] == [
        "basic-fire-safety", "typhoon-shelter",
    ]  # fmt: skip


def test_a_course_not_in_the_catalogue_or_retired_is_not_recorded() -> None:
    person = Volunteer.register(
        uuid4(), name="Chen Wei", contact="+86", community="", domains=[], p=p()
    )
    uow = DictUnitOfWork(person)
    with refused(Code.COURSE_NOT_FOUND):
        send(uow, c.RecordCourse, volunteer_id=person.id, course="juggling",
             passed=True, score=90)  # fmt: skip
    send(uow, c.RetireCourse, OFFICER, course="publicity")
    with refused(Code.COURSE_RETIRED):
        send(uow, c.RecordCourse, volunteer_id=person.id, course="publicity",
             passed=True, score=90)  # fmt: skip
    with refused(Code.COURSE_RETIRED):
        send(uow, c.RetireCourse, OFFICER, course="publicity")
    with refused(Code.COURSE_NOT_FOUND):
        send(uow, c.RetireCourse, OFFICER, course="juggling")


def test_a_new_course_qualifies_for_its_domain_in_the_dispatch_rule() -> None:
    uow = DictUnitOfWork()
    send(
        uow, c.DefineCourse, OFFICER, course="swiftwater", title="Swift water",
        domain="water_rescue",
    )  # fmt: skip
    catalogue = uow.aggregates[CATALOGUE_ID]
    assert isinstance(catalogue, CourseCatalogue)
    assert catalogue.catalogue.qualified_domains({"swiftwater"}) == [
        ServiceDomain.WATER_RESCUE
    ]


def test_a_reminder_is_queued_once_and_only_while_the_owner_must_act() -> None:
    premises, hazard = shop()
    uow = DictUnitOfWork(premises)
    rid = uuid4()
    send(uow, c.RemindOwner, OFFICER, premises_id=premises.id, hazard_id=hazard,
         reason="overdue", reminder_id=rid)  # fmt: skip
    event = premises.pending_events[-1]
    assert isinstance(event, Premises.OwnerReminded)
    assert event.deadline == LANDFALL + timedelta(days=7)
    with refused(Code.ALREADY_EXISTS):
        send(uow, c.RemindOwner, OFFICER, premises_id=premises.id,
             hazard_id=hazard, reason="overdue", reminder_id=rid)  # fmt: skip
    with refused(Code.INVALID_VALUE):
        send(uow, c.RemindOwner, OFFICER, premises_id=premises.id,
             hazard_id=hazard, reason="whenever")  # fmt: skip
    send(uow, c.MarkReminderSent, OFFICER, premises_id=premises.id,
         reminder_id=rid, channel="file")  # fmt: skip
    with refused(Code.REMINDER_NOT_FOUND):
        send(uow, c.MarkReminderSent, OFFICER, premises_id=premises.id,
             reminder_id=uuid4(), channel="file")  # fmt: skip
    premises.rectify(hazard, "fixed", None, p(5))
    with refused(Code.HAZARD_WRONG_STATE):
        send(uow, c.RemindOwner, OFFICER, premises_id=premises.id,
             hazard_id=hazard, reason="overdue")  # fmt: skip


def test_an_owner_token_is_not_made_by_issue_token() -> None:
    with refused(Code.INVALID_VALUE):
        send(DictUnitOfWork(), c.IssueToken, role="owner", name="Mrs Lin")
    assert send(DictUnitOfWork(), c.IssueToken, role="officer")["role"] == "officer"
