"""The course catalogue: the programme office's courses as data, changed by commands.

One aggregate with a fixed id. Until the office first changes it, the catalogue is
`domain.training.DEFAULT_CATALOGUE`; the first change records that starting state
in the log (`Started`), so the log alone says what the catalogue was at any moment.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, uuid5

from domain import checks
from domain.model.base import BrigadeAggregate, Provenance
from domain.training import DEFAULT_CATALOGUE, Catalogue, Course
from domain.types import ServiceDomain

if TYPE_CHECKING:
    from uuid import UUID

CATALOGUE_ID = uuid5(NAMESPACE_URL, "https://brigade.invalid/catalogue")
# A course's code: what RecordCourse names, e.g. "water-rescue".
_CODE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_COURSES = 200


def course_row(course: Course) -> dict[str, Any]:
    """A course as events and views carry it."""
    return {
        "code": course.code,
        "title": course.title,
        "required": course.required,
        "domain": None if course.domain is None else course.domain.value,
        "retired": course.retired,
    }


def course_of(row: dict[str, Any]) -> Course:
    domain = row.get("domain")
    return Course(
        code=row["code"],
        title=row["title"],
        required=bool(row["required"]),
        domain=None if domain is None else ServiceDomain(domain),
        retired=bool(row.get("retired", False)),
    )


class CourseCatalogue(BrigadeAggregate):
    class Started(BrigadeAggregate.Created):
        field_clock = False
        # The catalogue it starts from: the defaults, as rows.
        courses: list[dict[str, Any]]

        def apply(self, catalogue: CourseCatalogue) -> None:
            catalogue.courses = {row["code"]: course_of(row) for row in self.courses}

    class CourseDefined(BrigadeAggregate.Event):
        field_clock = False
        course: str
        title: str
        required: bool
        domain: str | None

        def apply(self, catalogue: CourseCatalogue) -> None:
            catalogue.courses[self.course] = course_of(
                {
                    "code": self.course,
                    "title": self.title,
                    "required": self.required,
                    "domain": self.domain,
                }
            )

    class CourseRetired(BrigadeAggregate.Event):
        field_clock = False
        course: str

        def apply(self, catalogue: CourseCatalogue) -> None:
            old = catalogue.courses[self.course]
            catalogue.courses[self.course] = Course(
                old.code, old.title, old.required, old.domain, retired=True
            )

    courses: dict[str, Course]

    def __init__(self) -> None:
        self.courses = {}

    @classmethod
    def start(cls, p: Provenance, catalogue_id: UUID = CATALOGUE_ID) -> CourseCatalogue:
        """The catalogue as it stood before any change: the defaults."""
        return cls._create(
            cls.Started,
            id=catalogue_id,
            courses=[course_row(c) for c in DEFAULT_CATALOGUE.courses.values()],
            **p.as_kwargs(),
        )

    @property
    def catalogue(self) -> Catalogue:
        return Catalogue(dict(self.courses))

    def define(
        self,
        code: str,
        title: str,
        required: bool,
        domain: str | None,
        p: Provenance,
    ) -> None:
        """Add a course, or change (and bring back) one of the same code."""
        code = checks.text("course", code, limit=60)
        if not _CODE.fullmatch(code):
            raise checks.invalid(
                "course must be lowercase letters and digits joined by '-'"
            )
        if not isinstance(required, bool):
            raise checks.invalid("required must be true or false")
        if code not in self.courses and len(self.courses) >= MAX_COURSES:
            raise checks.invalid(f"a catalogue holds at most {MAX_COURSES} courses")
        self.trigger_event(
            self.CourseDefined,
            course=code,
            title=checks.text("title", title, limit=checks.MAX_NAME),
            required=required,
            domain=None
            if domain is None
            else checks.choice("domain", domain, ServiceDomain).value,
            **p.as_kwargs(),
        )

    def retire(self, code: str, p: Provenance) -> None:
        self.catalogue.offered(code)
        self.trigger_event(self.CourseRetired, course=code, **p.as_kwargs())
