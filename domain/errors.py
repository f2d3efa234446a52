"""Domain errors: each refusal has a stable code and a message a person understands."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class Code(StrEnum):
    """Stable error codes. Clients branch on these; never rename one."""

    # The command itself is malformed or out of range.
    INVALID_VALUE = "invalid_value"
    FIELD_TIME_IN_FUTURE = "field_time_in_future"
    FIELD_TIME_INVALID = "field_time_invalid"
    UNKNOWN_COMMAND = "unknown_command"
    # Something named by the command does not exist.
    OPERATION_NOT_FOUND = "operation_not_found"
    INCIDENT_NOT_FOUND = "incident_not_found"
    VOLUNTEER_NOT_FOUND = "volunteer_not_found"
    PREMISES_NOT_FOUND = "premises_not_found"
    HAZARD_NOT_FOUND = "hazard_not_found"
    TOKEN_NOT_FOUND = "token_not_found"
    # The actor may not do this.
    ROLE_NOT_ALLOWED = "role_not_allowed"
    NOT_YOURSELF = "not_yourself"
    NOT_ASSIGNED = "not_assigned"
    # The rules of the domain refuse it.
    ALREADY_EXISTS = "already_exists"
    OPERATION_CLOSED = "operation_closed"
    INCIDENT_CLOSED = "incident_closed"
    INCIDENT_RESOLVED = "incident_resolved"
    INCIDENT_NOT_RESOLVED = "incident_not_resolved"
    ALREADY_DISPATCHED = "already_dispatched"
    NOT_DISPATCHED = "not_dispatched"
    ALREADY_ARRIVED = "already_arrived"
    NOT_VETTED = "not_vetted"
    VETTING_ALREADY_DECIDED = "vetting_already_decided"
    TRAINING_INCOMPLETE = "training_incomplete"
    NOT_QUALIFIED = "not_qualified"
    NOT_INSURED = "not_insured"
    OFF_SHIFT = "off_shift"
    ALREADY_ON_SHIFT = "already_on_shift"
    BUSY = "busy"
    HAZARD_CLOSED = "hazard_closed"
    HAZARD_WRONG_STATE = "hazard_wrong_state"
    ALREADY_REVOKED = "already_revoked"
    # Enrolling a phone (a one-time code for a volunteer token).
    ENROLMENT_NOT_FOUND = "enrolment_not_found"
    ENROLMENT_USED = "enrolment_used"
    ENROLMENT_EXPIRED = "enrolment_expired"
    ENROLMENT_CANCELLED = "enrolment_cancelled"
    # Owners and the programme office.
    NOT_YOUR_PREMISES = "not_your_premises"
    NOT_INSPECTOR = "not_inspector"
    COURSE_NOT_FOUND = "course_not_found"
    COURSE_RETIRED = "course_retired"
    REMINDER_NOT_FOUND = "reminder_not_found"
    # TAK devices (domain/model/device.py).
    DEVICE_NOT_FOUND = "device_not_found"
    ALREADY_LINKED = "already_linked"
    NOT_LINKED = "not_linked"
    # Risk warnings.
    WARNING_NOT_FOUND = "warning_not_found"
    WARNING_CANCELLED = "warning_cancelled"
    # Erasure and the vulnerable-people register (docs/privacy.md).
    PERSON_NOT_FOUND = "person_not_found"
    ALREADY_ERASED = "already_erased"
    VULNERABLE_NOT_FOUND = "vulnerable_not_found"
    ROUND_NOT_FOUND = "round_not_found"
    NOT_ON_ROUND = "not_on_round"
    NOT_IN_AREA = "not_in_area"
    PERSON_ERASED = "person_erased"


class DomainError(Exception):
    """A command the domain refuses."""

    kind: ClassVar[str] = "conflict"
    # Whether the refusal is recorded with the command id, so that a retry gets it
    # back. Rule refusals are; malformed input stores nothing at all.
    recorded: ClassVar[bool] = False
    # Whether events the command triggered before refusing are stored with it
    # (a refused dispatch is itself a fact the after-action review needs).
    keeps_events: ClassVar[bool] = False

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code.value!r}, {self.message!r})"


class InvalidCommand(DomainError):
    """The command is malformed or a value is out of range."""

    kind = "invalid"


class NotFound(DomainError):
    """The command names something brigade does not know."""

    kind = "not_found"


class Forbidden(DomainError):
    """The actor's role or identity does not allow this command."""

    kind = "forbidden"


class Conflict(DomainError):
    """The command breaks a rule given the current state."""

    kind = "conflict"
    recorded = True


class NotDispatchable(Conflict):
    """No training, no duty: the volunteer may not be dispatched to this incident."""

    keeps_events = True
