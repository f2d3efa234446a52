"""The bad-input corpus's ground: a world on a running server, and what to break.

`World.made(api)` opens an operation, an incident with a volunteer on it, a
volunteer ready to be sent, one not yet vetted and premises with a hazard at each
step of its loop, all through the HTTP API. `bodies(world)` is one body per
command that the world accepts as it stands, so that a case which breaks one
field of it is refused for that field alone (a test sends them all, in order, to a
world of its own). `WRONG` says how each kind of field is broken.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import pytest

from domain import commands as c
from gateway.schemas import MODELS

if TYPE_CHECKING:
    from conftest import Api

# Commands in an order in which every body of `bodies` is accepted, one after another.
IN_ORDER = [
    "OpenOperation", "ReportIncident", "AssessIncident", "DispatchVolunteer",
    "RecordArrival", "GuideRoute", "ClearRoad", "RecordImage", "RecordEvacuation",
    "RecordRescue", "PostMessage", "ReleaseVolunteer", "RegisterVolunteer",
    "DecideVetting", "RecordCourse", "ChangeGrade", "RecordInsurance", "StartShift",
    "ReportPosition", "RateSatisfaction", "RegisterPremises", "InspectPremises",
    "RecordHazard", "OrderRectification", "RecordRectification", "SubmitSelfCheck",
    "ReinspectHazard", "CloseHazard", "LogServiceActivity", "ResolveIncident",
    "EndShift", "CloseIncident", "CloseOperation", "IssueToken", "RevokeToken",
    "CreateEnrolment", "RedeemEnrolment", "CancelEnrolment", "AnswerDispatch",
    "BroadcastMessage",
    "IssueOwnerToken", "DefineCourse", "RetireCourse", "RemindOwner",
    "MarkReminderSent",
    "LinkDevice", "UnlinkDevice",
    "IssueWarning", "UpdateWarning", "CancelWarning",
    "RegisterVulnerable", "UpdateVulnerable", "StartCheckRound", "RecordCheck",
    "ErasePerson",
]  # fmt: skip


@dataclass(frozen=True)
class World:
    operation: str
    incident: str
    on_scene: str  # a volunteer dispatched to the incident
    ready: str  # a volunteer on shift, fit for a flood, not yet sent
    unvetted: str
    premises: str
    hazards: dict[str, str]  # by the state it is in
    token: str  # a live observer's token id
    # The register: an entry, and a round over its area in an operation of its own
    # (the first operation closes before them in IN_ORDER).
    entry: str = ""
    round: str = ""
    round_operation: str = ""
    # The field app's: an operation of its own, a volunteer dispatched in it.
    field: dict[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def made(cls, api: Api) -> World:
        def new(command: str, key: str, **body: Any) -> str:
            return str(api.commander(command, **body)["result"][key])

        operation = new("OpenOperation", "operation_id", name="Doksuri", kind="typhoon")
        incident = new(
            "ReportIncident", "incident_id", operation_id=operation, kind="flood",
            lat=24.95, lon=118.61, severity=4,
        )  # fmt: skip
        on_scene = ready_volunteer(api, "Chen Wei")
        ready = ready_volunteer(api, "Wu Min")
        api.commander("DispatchVolunteer", incident_id=incident, volunteer_id=on_scene)
        premises = new(
            "RegisterPremises", "premises_id", name="Tea shop", address="3 Main St",
            lat=24.9, lon=118.6,
        )  # fmt: skip
        found = {
            "premises_id": premises, "operation_id": operation,
            "kind": "blocked exit", "severity": 3,
        }  # fmt: skip
        hazards = {
            state: new("RecordHazard", "hazard_id", **found)
            for state in ("found", "ordered", "rectified", "verified")
        }
        at = {"premises_id": premises}
        api.commander(
            "OrderRectification", **at, hazard_id=hazards["ordered"], deadline=LATER
        )
        for state in ("rectified", "verified"):
            api.commander(
                "RecordRectification", **at, hazard_id=hazards[state], evidence="done"
            )
        api.commander(
            "ReinspectHazard", **at, hazard_id=hazards["verified"], passed=True
        )
        unvetted = new("RegisterVolunteer", "volunteer_id", name="Lin", contact="+86")
        token = new("IssueToken", "token_id", role="observer", name="wall screen")
        entry = new(
            "RegisterVulnerable", "entry_id", kind="elderly_alone", area="Qiaonan",
            lat=24.9, lon=118.6, address="3 Lane", name="Zheng", risk=4, consent=True,
        )  # fmt: skip
        round_operation = new("OpenOperation", "operation_id", name="R", kind="typhoon")
        round_ = new(
            "StartCheckRound", "round_id", operation_id=round_operation,
            area="Qiaonan", volunteer_ids=[ready],
        )  # fmt: skip
        return cls(
            operation, incident, on_scene, ready, unvetted, premises, hazards, token,
            entry, round_, round_operation,
            field=field_world(api),
        )  # fmt: skip


LATER = (datetime.now(UTC) + timedelta(days=30)).isoformat()
LATEST = (datetime.now(UTC) + timedelta(days=31)).isoformat()
SHA = "ab" * 32


def ready_volunteer(api: Api, name: str) -> str:
    """A volunteer vetted, trained, insured and on shift: fit for a flood."""
    vid = str(
        api.commander(
            "RegisterVolunteer", name=name, contact="+86", domains=["water_rescue"]
        )["result"]["volunteer_id"]
    )
    api.commander("DecideVetting", volunteer_id=vid, approved=True)
    for course in ("basic-fire-safety", "water-rescue", "first-aid"):
        api.commander(
            "RecordCourse", volunteer_id=vid, course=course, passed=True, score=90
        )
    api.commander("RecordInsurance", volunteer_id=vid, policy="P-1", valid_until=LATER)
    api.commander("StartShift", volunteer_id=vid)
    return vid


def bodies(w: World) -> dict[str, dict[str, Any]]:
    """A body for each command that `w` accepts as it stands, every field given."""
    near = {"lat": 24.951, "lon": 118.612}
    path = [[118.6, 24.9], [118.61, 24.91]]
    on = {"incident_id": w.incident}
    at = {"premises_id": w.premises}
    reminder = uuid5(NAMESPACE_URL, f"reminder:{w.premises}")
    valid: dict[str, dict[str, Any]] = {
        "OpenOperation": {
            "operation_id": str(uuid4()), "name": "Haikui", "kind": "typhoon",
            "area": [118.5, 24.8, 118.7, 25.0],
        },
        "CloseOperation": {"operation_id": w.operation},
        "IssueToken": {
            "token_id": str(uuid4()), "role": "volunteer", "volunteer_id": w.ready,
            "name": "Wu Min's phone", "ttl_seconds": 86400,
        },
        "RevokeToken": {"token_id": w.token, "reason": "lost phone"},
        "ReportIncident": {
            "incident_id": str(uuid4()), "operation_id": w.operation, "kind": "fire",
            **near, "address": "Shuangyang St", "severity": 3, "description": "smoke",
        },
        "AssessIncident": {
            **on, "summary": "rising", "severity": 5, "people_at_risk": 4,
        },
        "DispatchVolunteer": {**on, "volunteer_id": w.ready, "note": "by boat"},
        "RecordArrival": {**on, "volunteer_id": w.on_scene},
        "GuideRoute": {**on, "path": path, "note": "via the bridge"},
        "ClearRoad": {**on, "path": path, "note": "tree moved"},
        "RecordImage": {
            **on, "sha256": SHA, "media_type": "image/png", "size": 4096, **near,
            "caption": "the door",
        },
        "RecordEvacuation": {**on, "count": 3, "destination": "school"},
        "RecordRescue": {**on, "count": 1},
        "PostMessage": {**on, "text": "water at the door"},
        "ReleaseVolunteer": {**on, "volunteer_id": w.on_scene, "reason": "tired"},
        "ResolveIncident": {**on, "outcome": "all safe"},
        "CloseIncident": on,
        "RegisterVolunteer": {
            "volunteer_id": str(uuid4()), "name": "Zhao Lei", "contact": "+86",
            "community": "Luojiang", "domains": ["first_aid"],
        },
        "DecideVetting": {
            "volunteer_id": w.unvetted, "approved": False, "reason": "no",
        },
        "RecordCourse": {
            "volunteer_id": w.on_scene, "course": "first-aid", "passed": True,
            "score": 75.5,
        },
        "ChangeGrade": {"volunteer_id": w.on_scene, "grade": "level_2"},
        "RecordInsurance": {
            "volunteer_id": w.on_scene, "policy": "P-2", "valid_until": LATER,
        },
        "StartShift": {"volunteer_id": w.unvetted, "operation_id": w.operation},
        "EndShift": {"volunteer_id": w.ready},
        "ReportPosition": {
            "volunteer_id": w.on_scene, **near, "accuracy": 8, "heading": 90.5,
            "speed": 1.2,
        },
        "RateSatisfaction": {
            "volunteer_id": w.on_scene, "rating": 5, **on, "comment": "calm",
        },
        "RegisterPremises": {
            "premises_id": str(uuid4()), "name": "Noodles", "address": "5 Main St",
            **near, "owner": "Mrs Lin", "category": "restaurant",
        },
        "InspectPremises": {
            **at, "operation_id": w.operation, "checklist": {"exits clear": True},
            "note": "ok",
        },
        "RecordHazard": {
            **at, "operation_id": w.operation, "hazard_id": str(uuid4()),
            "kind": "blocked exit", "severity": 2, "photo_sha256": SHA, "note": "boxes",
        },
        "OrderRectification": {
            **at, "hazard_id": w.hazards["found"], "deadline": LATER,
        },
        "SubmitSelfCheck": {
            **at, "hazard_id": w.hazards["ordered"], "note": "moved",
            "evidence": "new extinguisher", "photos": [SHA],
        },
        "RecordRectification": {
            **at, "hazard_id": w.hazards["found"], "evidence": "photo",
            "evidence_sha256": SHA,
        },
        "ReinspectHazard": {
            **at, "hazard_id": w.hazards["rectified"], "passed": True, "note": "fine",
        },
        "CloseHazard": {**at, "hazard_id": w.hazards["verified"]},
        "LogServiceActivity": {
            "activity_id": str(uuid4()), "operation_id": w.operation, "kind": "patrol",
            "participants": [w.on_scene], "hours": 2, **near, "note": "river bank",
        },
        # Owners and the programme office
        "IssueOwnerToken": {
            **at, "token_id": str(uuid4()), "name": "Mrs Lin", "ttl_seconds": 86400,
        },
        "DefineCourse": {
            "course": "typhoon-shelters", "title": "Typhoon shelters",
            "required": False, "domain": "search_and_rescue",
        },
        "RetireCourse": {"course": "typhoon-shelters"},
        "RemindOwner": {
            **at, "hazard_id": w.hazards["ordered"], "reason": "due_soon",
            "reminder_id": str(reminder),
        },
        "MarkReminderSent": {**at, "reminder_id": str(reminder), "channel": "sms"},
        "RegisterVulnerable": {
            "entry_id": str(uuid4()), "kind": "bedridden", "area": "Qiaonan", **near,
            "address": "5 Lane", "name": "Huang", "contact": "+86", "needs": "oxygen",
            "people": 2, "risk": 5, "consent": True, "consent_note": "signed form",
        },
        "UpdateVulnerable": {
            "entry_id": w.entry, "contact": "+86 1", "needs": "a frame", "people": 1,
            "risk": 3, "consent": True,
        },
        "StartCheckRound": {
            "round_id": str(uuid4()), "operation_id": w.round_operation,
            "area": "Qiaonan", "volunteer_ids": [w.ready],
        },
        "RecordCheck": {
            "round_id": w.round, "entry_id": w.entry, "outcome": "needs_help",
            "count": 0, "destination": "", "note": "door locked",
            "incident_id": str(uuid4()),
        },
        "ErasePerson": {"person_id": w.unvetted, "reason": "asked to be forgotten"},
        # A TAK device's CoT uid as ATAK makes it (gateway/tak/).
        "LinkDevice": {
            "device_uid": f"ANDROID-{w.operation[:16]}", "volunteer_id": w.ready,
        },
        "UnlinkDevice": {"device_uid": f"ANDROID-{w.operation[:16]}"},
        **field_bodies(w),
    }  # fmt: skip
    valid.update(warnings(valid["OpenOperation"]["operation_id"]))
    return valid


# The field app's commands (enrolment, answers, broadcasts)


def field_world(api: Api) -> dict[str, str]:
    """An operation open to the end, a volunteer dispatched in it, an enrolment."""

    def new(command: str, key: str, **body: Any) -> str:
        return str(api.commander(command, **body)["result"][key])

    operation = new("OpenOperation", "operation_id", name="Field", kind="typhoon")
    incident = new(
        "ReportIncident", "incident_id", operation_id=operation, kind="flood",
        lat=24.95, lon=118.61, severity=3,
    )  # fmt: skip
    volunteer = ready_volunteer(api, "Xu Ming")
    api.commander("DispatchVolunteer", incident_id=incident, volunteer_id=volunteer)
    enrolment = new("CreateEnrolment", "enrolment_id", volunteer_id=volunteer)
    return {
        "operation": operation,
        "incident": incident,
        "volunteer": volunteer,
        "enrolment": enrolment,
    }


def field_bodies(w: World) -> dict[str, dict[str, Any]]:
    f, enrolment = w.field, str(uuid4())
    return {
        "CreateEnrolment": {
            "enrolment_id": enrolment, "volunteer_id": f["volunteer"],
            "ttl_minutes": 30,
        },
        "RedeemEnrolment": {"enrolment_id": enrolment},
        "CancelEnrolment": {"enrolment_id": f["enrolment"]},
        "AnswerDispatch": {
            "incident_id": f["incident"], "volunteer_id": f["volunteer"],
            "answer": "coming", "eta_minutes": 12, "reason": "by bike",
        },
        "BroadcastMessage": {"operation_id": f["operation"], "text": "stay dry"},
    }  # fmt: skip


def warnings(operation: str) -> dict[str, dict[str, Any]]:
    """Risk warnings' bodies, in the operation OpenOperation's body opens."""
    warning = str(uuid4())
    square = [[118.5, 24.8], [118.7, 24.8], [118.7, 25.0], [118.5, 24.8]]
    source = {"sender": "cma", "identifier": "x-1", "sent": "2023-07-26T10:00:00+08:00"}
    return {
        "IssueWarning": {
            "warning_id": warning, "operation_id": operation, "event": "Typhoon",
            "category": "Met", "urgency": "Expected", "severity": "Minor",
            "certainty": "Likely", "area_desc": "Luojiang", "polygon": square,
            "headline": {"zh": "台风蓝色预警", "en": "Typhoon blue warning"},
            "description": {"en": "gales"}, "instruction": {"zh": "加固门窗"},
            "onset": LATER, "expiry": LATEST, "source": source,
        },
        "UpdateWarning": {
            "warning_id": warning, "event": "Typhoon", "category": "Met",
            "urgency": "Immediate", "severity": "Severe", "certainty": "Observed",
            "area_desc": "Luojiang", "circle": [118.6, 24.9, 20.0],
            "headline": {"en": "Typhoon orange warning"}, "description": {"en": "x"},
            "instruction": {"en": "stay in"}, "onset": LATER, "expiry": LATEST,
            "source": source,
        },
        "CancelWarning": {"warning_id": warning, "reason": "passed", "source": source},
    }  # fmt: skip


# How each kind of field is broken: a label for the case's id, and the value.
WRONG: dict[str, list[tuple[str, Any]]] = {
    "uuid": [("number", 12345), ("not-a-uuid", "not-a-uuid"), ("surrogate", "\ud800")],
    "number": [("true", True), ("numeric-text", "24.9"), ("object", {"v": 1})],
    "whole": [("true", True), ("numeric-text", "3"), ("fraction", 3.5), ("2.0", 2.0)],
    "bool": [("one", 1), ("text", "true")],
    "text": [
        ("number", 5), ("list", ["x"]), ("surrogate", "a\ud800b"), ("nul", "a\0b"),
    ],
    "time": [
        ("seconds", 1690512120), ("words", "next week"),
        ("no-zone", "2030-01-01T08:00"),
    ],
    "numbers": [("true-in-it", [118.5, True, 118.7, 25.0]), ("text", "118.5,24.8")],
    "points": [
        ("text-in-a-point", [[118.6, "24.9"], [118.61, 24.91]]),
        ("true-in-a-point", [[True, 24.9], [118.61, 24.91]]),
    ],
    "checklist": [
        ("one-for-true", {"exits clear": 1}),
        ("surrogate-item", {"exits\ud800": True}),
        ("nul-item", {"exits\0": True}),
    ],
    "texts": [("surrogate", ["first\ud800aid"]), ("number", [5])],
    "uuids": [("text", ["x"]), ("true", [True])],
    "languages": [("number", {"zh": 5}), ("list", ["zh"]), ("text", "zh")],
}  # fmt: skip

_KINDS: dict[Any, str] = {
    UUID: "uuid", float: "number", int: "whole", bool: "bool", str: "text",
    datetime: "time", list[float]: "numbers", list[list[float]]: "points",
    dict[str, bool]: "checklist", list[str]: "texts", list[UUID]: "uuids",
    dict[str, str]: "languages",
}  # fmt: skip


def fields(command: str) -> list[tuple[str, str, bool]]:
    """A command's own fields: name, kind (a key of WRONG), and whether required."""
    cls = MODELS[command][0]
    hints = typing.get_type_hints(cls)
    found = []
    for field in dataclasses.fields(cls):
        if field.name in c.ENVELOPE:
            continue
        hint = hints[field.name]
        if typing.get_origin(hint) in (types.UnionType, typing.Union):
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
        required = (
            field.default is dataclasses.MISSING
            and field.default_factory is dataclasses.MISSING
        )
        found.append((field.name, _KINDS[hint], required))
    return found


@dataclass(frozen=True)
class Broken:
    """One body with one thing wrong, and the refusal it must get."""

    command: str
    change: dict[str, Any]
    drop: str | None = None
    status: int = 422
    code: str = "invalid_value"

    def body(self, valid: dict[str, dict[str, Any]]) -> dict[str, Any]:
        body = {**valid[self.command], **self.change}
        if self.drop is not None:
            del body[self.drop]
        return body


def broken_fields() -> list[Any]:
    """Every field of every command, broken in each way its kind can be, each
    required one left out, and an unknown one added: pytest params with ids
    like `ReportIncident.lat=true`, `ReportIncident-lat`, `ReportIncident+colour`."""
    cases = []
    for command in MODELS:
        for name, kind, required in fields(command):
            for label, value in WRONG[kind]:
                cases.append(
                    pytest.param(
                        Broken(command, {name: value}), id=f"{command}.{name}={label}"
                    )
                )
            if required:
                cases.append(
                    pytest.param(Broken(command, {}, drop=name), id=f"{command}-{name}")
                )
        cases.append(
            pytest.param(Broken(command, {"colour": "red"}), id=f"{command}+colour")
        )
    return cases
