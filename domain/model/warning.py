"""Risk warning (风险预警): what is warned of, where, until when; in CAP's words.

A warning's words follow OASIS CAP 1.2 (event, category, urgency, severity,
certainty, area as a polygon or a circle), so that one published as an alert, or
taken in from a weather service's, keeps its meaning both ways.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from domain import checks
from domain.errors import Code, Conflict
from domain.model.base import BrigadeAggregate, Provenance

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from domain.types import LonLat

# A polygon's corners (CAP requires 4 or more, the first repeated last).
MAX_POLYGON_POINTS = 500
MAX_RADIUS_KM = 500.0
# No warning stands longer than this from its onset.
LONGEST = timedelta(days=31)
MAX_HEADLINE = 160
LANGUAGES = ("zh", "en")


class Category(StrEnum):
    """CAP 1.2's `category` values."""

    GEO = "Geo"
    MET = "Met"
    SAFETY = "Safety"
    SECURITY = "Security"
    RESCUE = "Rescue"
    FIRE = "Fire"
    HEALTH = "Health"
    ENV = "Env"
    TRANSPORT = "Transport"
    INFRA = "Infra"
    CBRNE = "CBRNE"
    OTHER = "Other"


class Urgency(StrEnum):
    IMMEDIATE = "Immediate"
    EXPECTED = "Expected"
    FUTURE = "Future"
    PAST = "Past"
    UNKNOWN = "Unknown"


class Severity(StrEnum):
    EXTREME = "Extreme"
    SEVERE = "Severe"
    MODERATE = "Moderate"
    MINOR = "Minor"
    UNKNOWN = "Unknown"


class Certainty(StrEnum):
    OBSERVED = "Observed"
    LIKELY = "Likely"
    POSSIBLE = "Possible"
    UNLIKELY = "Unlikely"
    UNKNOWN = "Unknown"


# China's four warning colours by CAP severity (as the CMA's own CAP feed maps them).
LEVELS = {
    Severity.EXTREME.value: "red",
    Severity.SEVERE.value: "orange",
    Severity.MODERATE.value: "yellow",
    Severity.MINOR.value: "blue",
    Severity.UNKNOWN.value: "blue",
}

# What a warning says, beside its operation and source: the fields of both events.
CONTENT = (
    "event",
    "category",
    "urgency",
    "severity",
    "certainty",
    "area_desc",
    "polygon",
    "circle",
    "headline",
    "description",
    "instruction",
    "onset",
    "expiry",
)


class RiskWarning(BrigadeAggregate):
    class Issued(BrigadeAggregate.Created):
        operation_id: UUID
        event: str
        category: str
        urgency: str
        severity: str
        certainty: str
        area_desc: str
        # [[lon, lat], ...] closed (first point repeated last), or None.
        polygon: list[LonLat] | None
        # [lon, lat, radius in km], or None; exactly one of polygon and circle.
        circle: list[float] | None
        # Texts by language ("zh", "en"): at least one headline.
        headline: dict[str, str]
        description: dict[str, str]
        instruction: dict[str, str]
        onset: datetime | None
        expiry: datetime
        # An outside alert taken in: its sender, identifier and sent time (ISO).
        source: dict[str, str] | None

        def apply(self, warning: RiskWarning) -> None:
            warning.operation_id = self.operation_id
            warning.content = {name: getattr(self, name) for name in CONTENT}

    class Updated(BrigadeAggregate.Event):
        """The warning as it now stands: every field, changed or not."""

        event: str
        category: str
        urgency: str
        severity: str
        certainty: str
        area_desc: str
        polygon: list[LonLat] | None
        circle: list[float] | None
        headline: dict[str, str]
        description: dict[str, str]
        instruction: dict[str, str]
        onset: datetime | None
        expiry: datetime
        source: dict[str, str] | None

        def apply(self, warning: RiskWarning) -> None:
            warning.content = {name: getattr(self, name) for name in CONTENT}

    class Cancelled(BrigadeAggregate.Event):
        reason: str
        source: dict[str, str] | None

        def apply(self, warning: RiskWarning) -> None:
            warning.cancelled = True

    operation_id: UUID
    content: dict[str, Any]
    cancelled: bool

    def __init__(self) -> None:
        self.cancelled = False

    @classmethod
    def issue(
        cls,
        warning_id: UUID,
        operation_id: UUID,
        *,
        content: dict[str, Any],
        source: dict[str, str] | None,
        p: Provenance,
    ) -> RiskWarning:
        return cls._create(
            cls.Issued,
            id=warning_id,
            operation_id=operation_id,
            source=origin(source),
            **checked(content, p.occurred_at),
            **p.as_kwargs(),
        )

    def update(
        self,
        changes: dict[str, Any],
        source: dict[str, str] | None,
        p: Provenance,
    ) -> None:
        """Change some fields (the others stay as they were)."""
        self.require_standing()
        content = {**self.content, **changes}
        if "polygon" in changes or "circle" in changes:
            content["polygon"] = changes.get("polygon")
            content["circle"] = changes.get("circle")
        for language in ("headline", "description", "instruction"):
            if language in changes:
                content[language] = {**self.content[language], **changes[language]}
        self.trigger_event(
            self.Updated,
            source=origin(source),
            **checked(content, None),
            **p.as_kwargs(),
        )

    def cancel(self, reason: str, source: dict[str, str] | None, p: Provenance) -> None:
        self.require_standing()
        self.trigger_event(
            self.Cancelled,
            reason=checks.text("reason", reason, required=False),
            source=origin(source),
            **p.as_kwargs(),
        )

    def require_standing(self) -> None:
        if self.cancelled:
            raise Conflict(Code.WARNING_CANCELLED, f"warning {self.id} was cancelled")


def checked(content: dict[str, Any], issued_at: datetime | None) -> dict[str, Any]:
    """A warning's fields in range and shape, or InvalidCommand saying which is not."""
    polygon, circle = content.get("polygon"), content.get("circle")
    if (polygon is None) == (circle is None):
        raise checks.invalid("a warning's area is a polygon or a circle (one of them)")
    headline = texts("headline", content.get("headline"), MAX_HEADLINE)
    if not any(headline.values()):
        raise checks.invalid("a warning needs a headline in Chinese or English")
    onset = content.get("onset")
    if onset is not None:
        onset = checks.aware("onset", onset)
    expiry = checks.aware("expiry", content.get("expiry"))
    start = onset if onset is not None else issued_at
    if start is not None and expiry <= start:
        raise checks.invalid("expiry must be after the onset (or the time issued)")
    if start is not None and expiry - start > LONGEST:
        raise checks.invalid(f"a warning may stand at most {LONGEST.days} days")
    return {
        "event": checks.text("event", content.get("event"), limit=80),
        "category": checks.choice("category", content.get("category"), Category).value,
        "urgency": checks.choice("urgency", content.get("urgency"), Urgency).value,
        "severity": checks.choice("severity", content.get("severity"), Severity).value,
        "certainty": checks.choice(
            "certainty", content.get("certainty"), Certainty
        ).value,
        "area_desc": checks.text(
            "area description", content.get("area_desc"), limit=checks.MAX_NAME
        ),
        "polygon": None if polygon is None else ring(polygon),
        "circle": None if circle is None else disc(circle),
        "headline": headline,
        "description": texts("description", content.get("description")),
        "instruction": texts("instruction", content.get("instruction")),
        "onset": onset,
        "expiry": expiry,
    }


# Each field's own check, judged before anything is looked up: a malformed
# value is refused as such whatever the warning or operation it names.
_ONE: dict[str, Any] = {
    "event": lambda v: checks.text("event", v, limit=80),
    "category": lambda v: checks.choice("category", v, Category).value,
    "urgency": lambda v: checks.choice("urgency", v, Urgency).value,
    "severity": lambda v: checks.choice("severity", v, Severity).value,
    "certainty": lambda v: checks.choice("certainty", v, Certainty).value,
    "area_desc": lambda v: checks.text("area description", v, limit=checks.MAX_NAME),
    "polygon": lambda v: ring(v),
    "circle": lambda v: disc(v),
    "headline": lambda v: texts("headline", v, MAX_HEADLINE),
    "description": lambda v: texts("description", v),
    "instruction": lambda v: texts("instruction", v),
    "onset": lambda v: checks.aware("onset", v),
    "expiry": lambda v: checks.aware("expiry", v),
}


def each(fields: dict[str, Any], reason: object = "", source: object = None) -> None:
    """Check the given fields one by one (None: not given), the reason and source."""
    for name, value in fields.items():
        if value is not None:
            _ONE[name](value)
    checks.text("reason", reason, required=False)
    origin(source)


def texts(name: str, value: object, limit: int = checks.MAX_TEXT) -> dict[str, str]:
    """Text by language: only "zh" and "en", empty ones left out."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise checks.invalid(f"{name} must map a language (zh, en) to text")
    found: dict[str, str] = {}
    for language, words in value.items():
        if language not in LANGUAGES:
            raise checks.invalid(f"{name} languages are zh and en, got {language!r}")
        text = checks.text(f"{name} ({language})", words, limit=limit, required=False)
        if text:
            found[language] = text
    return found


def ring(points: object) -> list[LonLat]:
    """A closed polygon of [lon, lat] points: at least 4, the first repeated last."""
    if not isinstance(points, list) or not 4 <= len(points) <= MAX_POLYGON_POINTS:
        raise checks.invalid(
            f"polygon must list 4 to {MAX_POLYGON_POINTS} [longitude, latitude] points"
        )
    closed = checks.path("polygon", points)
    if closed[0] != closed[-1]:
        raise checks.invalid("polygon must end where it starts (first point last)")
    if len({(lon, lat) for lon, lat in closed}) < 3:
        raise checks.invalid("polygon must have at least 3 distinct corners")
    return closed


def disc(circle: object) -> list[float]:
    """[lon, lat, radius_km]: a centre and a radius of more than 0 up to 500 km."""
    if not isinstance(circle, list) or len(circle) != 3:
        raise checks.invalid("circle must be [longitude, latitude, radius in km]")
    radius = checks.number("circle radius", circle[2], 0.0, MAX_RADIUS_KM)
    if radius <= 0:
        raise checks.invalid("circle radius must be more than 0 km")
    return [checks.longitude(circle[0]), checks.latitude(circle[1]), radius]


SOURCE_KEYS = ("sender", "identifier", "sent")


def origin(source: object) -> dict[str, str] | None:
    """An outside alert's sender, identifier and sent time (ISO text), or None."""
    if source is None:
        return None
    if not isinstance(source, dict) or set(source) != set(SOURCE_KEYS):
        raise checks.invalid("source names an alert's sender, identifier and sent")
    return {
        key: checks.text(f"source {key}", source[key], limit=checks.MAX_NAME)
        for key in SOURCE_KEYS
    }
