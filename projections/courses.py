"""The course catalogue (`courses`): every course, required or elective, the
service domain it qualifies for, and whether it is retired.

Until the programme office first changes it, the catalogue is the default of
`domain.training` and the view is empty, as every view before any event
(`catalogue_rows` gives the default then); the first change records the default
in the log (`CourseCatalogue.Started`) and the view holds it from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.model.catalogue import CourseCatalogue, course_row
from domain.training import DEFAULT_CATALOGUE
from projections.base import View, handles

if TYPE_CHECKING:
    from collections.abc import Iterable


class Courses(View):
    """Rows by course code."""

    name = "courses"

    @handles(CourseCatalogue.Started)
    def _started(self, e: CourseCatalogue.Started) -> Iterable[str]:
        self.rows = {row["code"]: dict(row) for row in e.courses}
        return list(self.rows)

    @handles(CourseCatalogue.CourseDefined)
    def _defined(self, e: CourseCatalogue.CourseDefined) -> Iterable[str]:
        self.rows[e.course] = {
            "code": e.course,
            "title": e.title,
            "required": e.required,
            "domain": e.domain,
            "retired": False,
        }
        return [e.course]

    @handles(CourseCatalogue.CourseRetired)
    def _retired(self, e: CourseCatalogue.CourseRetired) -> Iterable[str]:
        self.rows[e.course]["retired"] = True
        return [e.course]


def catalogue_rows(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The view's rows, or the default catalogue's while the office changed none."""
    if rows:
        return rows
    return {c.code: course_row(c) for c in DEFAULT_CATALOGUE.courses.values()}
