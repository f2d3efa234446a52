"""The shared vocabulary of brigade: kinds, grades, roles, states and type aliases."""

from __future__ import annotations

from enum import StrEnum

# A point as GeoJSON orders it: [longitude, latitude] in WGS84 degrees.
LonLat = list[float]


class Role(StrEnum):
    """Who is acting: the command centre, a volunteer in the field, or a reader;
    the programme office (volunteers' records, the course catalogue), or a shop
    owner acting on their own premises only."""

    COMMANDER = "commander"
    VOLUNTEER = "volunteer"
    OBSERVER = "observer"
    OFFICER = "officer"
    OWNER = "owner"


class OperationKind(StrEnum):
    TYPHOON = "typhoon"
    FLOOD = "flood"
    FIRE = "fire"
    PROGRAMME = "programme"
    DRILL = "drill"
    OTHER = "other"


class IncidentKind(StrEnum):
    FIRE = "fire"
    FLOOD = "flood"
    TRAPPED_PERSONS = "trapped_persons"
    WATER_RESCUE = "water_rescue"
    HORNET_NEST = "hornet_nest"
    ROAD_BLOCKED = "road_blocked"
    MEDICAL = "medical"
    OTHER = "other"


# An incident a volunteer raised about themselves (the field app's SOS button,
# ATAK's emergency button) says so first in its description: "SOS: ...".
SOS_PREFIX = "SOS:"


def is_sos(actor: str, description: str) -> bool:
    """Whether a report is a volunteer's SOS: by a volunteer, and saying so."""
    return actor.startswith("volunteer:") and description.startswith(SOS_PREFIX)


class IncidentStatus(StrEnum):
    REPORTED = "reported"
    DISPATCHED = "dispatched"
    ON_SCENE = "on_scene"
    RESOLVED = "resolved"
    CLOSED = "closed"


class ServiceDomain(StrEnum):
    """What a volunteer serves in; each domain has a qualifying course."""

    FIRST_AID = "first_aid"
    WATER_RESCUE = "water_rescue"
    SEARCH_AND_RESCUE = "search_and_rescue"
    FIRE_SUPPORT = "fire_support"
    HAZARD_INSPECTION = "hazard_inspection"
    HORNET_REMOVAL = "hornet_removal"
    ROAD_CLEARANCE = "road_clearance"
    PUBLICITY = "publicity"


class Grade(StrEnum):
    LEVEL_1 = "level_1"
    LEVEL_2 = "level_2"
    LEVEL_3 = "level_3"
    INSTRUCTOR = "instructor"
    SUPERVISOR = "supervisor"


class Vetting(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ActivityKind(StrEnum):
    PUBLICITY = "publicity"
    DRILL = "drill"
    PATROL = "patrol"
    FACILITY_MAINTENANCE = "facility_maintenance"
    HORNET_NEST = "hornet_nest"
    VULNERABLE_REGISTRATION = "vulnerable_registration"


class HazardState(StrEnum):
    """A hazard's place in the closed loop from finding to closing."""

    FOUND = "found"
    ORDERED = "ordered"
    SELF_CHECKED = "self_checked"
    RECTIFIED = "rectified"
    VERIFIED = "verified"
    REINSPECTION_FAILED = "reinspection_failed"
    CLOSED = "closed"


class MediaType(StrEnum):
    JPEG = "image/jpeg"
    PNG = "image/png"
    WEBP = "image/webp"


class DispatchAnswer(StrEnum):
    """A dispatched volunteer's answer, as Active911 and IamResponding users give it."""

    COMING = "coming"
    NOT_COMING = "not_coming"


class ReminderReason(StrEnum):
    """Why an owner is reminded: a deadline near, passed, or long passed (the
    hazard then goes to the programme office too)."""

    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ESCALATED = "escalated"


class VulnerableKind(StrEnum):
    """Who or what the register holds: people to check on, and fragile units."""

    ELDERLY_ALONE = "elderly_alone"
    BEDRIDDEN = "bedridden"
    DISABLED = "disabled"
    CHILDREN_FACILITY = "children_facility"
    OLD_BUILDING = "old_building"
    OTHER = "other"


class CheckOutcome(StrEnum):
    """What a check-on round found at an entry."""

    SAFE = "safe"
    EVACUATED = "evacuated"
    NEEDS_HELP = "needs_help"
