"""Rebuild equals live: views are pure functions of the event sequence (hypothesis).

Random field stories are played through the real domain (handlers, aggregates,
rules), so the events are valid sequences; refused commands simply add nothing,
or a DispatchRefused.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4, uuid5

from hypothesis import given, settings
from hypothesis import strategies as st
from support import LANDFALL

from domain import commands as c
from domain.errors import DomainError
from domain.handlers import decide
from domain.types import Role
from domain.write.unit_of_work import UnitOfWork
from projections.catalog import all_views, fold

if TYPE_CHECKING:
    from domain.model.base import BrigadeAggregate
    from projections.base import Change, Row

NS = UUID("6f1d0f9e-5b1c-4c55-9a43-3c1f0d1e2a77")
VOLUNTEERS = [uuid5(NS, f"v{i}") for i in range(4)]
INCIDENTS = [uuid5(NS, f"i{i}") for i in range(3)]
PREMISES = [uuid5(NS, f"p{i}") for i in range(2)]
HAZARDS = [uuid5(NS, f"h{i}") for i in range(3)]
OPERATION = uuid5(NS, "operation")
# Opened (with or without an area) and closed during a story: the operations view.
OTHERS = [uuid5(NS, f"o{i}") for i in range(2)]
COMMANDER = c.Actor(Role.COMMANDER, "duty")
COURSES = ["basic-fire-safety", "water-rescue", "first-aid", "search-and-rescue"]
KINDS = ["flood", "medical", "trapped_persons", "hornet_nest", "other"]

v, i, p, h = (
    st.integers(0, len(x) - 1) for x in (VOLUNTEERS, INCIDENTS, PREMISES, HAZARDS)
)
o = st.integers(0, len(OTHERS) - 1)
areas = st.one_of(
    st.none(),
    st.tuples(st.floats(118.5, 118.6), st.floats(24.8, 24.9), st.floats(0, 0.1)).map(
        lambda a: [a[0], a[1], a[0] + a[2], a[1] + a[2]]
    ),
)
intent = st.one_of(
    st.tuples(st.just("open_other"), o, areas),
    st.tuples(st.just("close_other"), o),
    st.tuples(st.just("register"), v),
    st.tuples(st.just("vet"), v, st.booleans()),
    st.tuples(st.just("course"), v, st.sampled_from(COURSES), st.booleans()),
    st.tuples(st.just("insure"), v, st.integers(0, 600)),
    st.tuples(st.just("shift"), v, st.booleans()),
    st.tuples(st.just("position"), v, st.floats(24.8, 25.0), st.floats(118.5, 118.7)),
    st.tuples(st.just("rate"), v, st.integers(1, 5)),
    st.tuples(st.just("report"), i, st.sampled_from(KINDS), st.integers(1, 5)),
    st.tuples(st.just("dispatch"), i, v),
    st.tuples(st.just("dispatch"), i, v),
    st.tuples(st.just("arrive"), i, v),
    st.tuples(st.just("arrive"), i, v),
    st.tuples(st.just("release"), i, v),
    st.tuples(st.just("evacuate"), i, st.integers(1, 30)),
    st.tuples(st.just("rescue"), i, st.integers(1, 5)),
    st.tuples(st.just("route"), i),
    st.tuples(st.just("image"), i),
    st.tuples(st.just("resolve"), i),
    st.tuples(st.just("close"), i),
    st.tuples(st.just("premises"), p),
    st.tuples(st.just("inspect"), p),
    st.tuples(st.just("hazard"), p, h),
    st.tuples(st.just("order"), p, h, st.integers(1, 300)),
    st.tuples(st.just("rectify"), p, h),
    st.tuples(st.just("reinspect"), p, h, st.booleans()),
    st.tuples(st.just("close_hazard"), p, h),
    st.tuples(st.just("activity"), st.lists(v, min_size=1, max_size=3, unique=True)),
    st.tuples(st.just("wait"), st.integers(1, 240)),
    st.tuples(st.just("fix"), h, st.integers(1, 300), st.integers(0, 400)),
)


def command(step: tuple[Any, ...], at: Any) -> c.Command | None:
    """The command a story step stands for (None for the passing of time)."""
    name, *args = step
    base: dict[str, Any] = {
        "command_id": uuid4(),
        "actor": COMMANDER,
        "occurred_at": at,
    }
    later: Any = (
        at + timedelta(minutes=args[-1]) if name in ("insure", "order") else None
    )
    match name:
        case "register":
            return c.RegisterVolunteer(
                **base,
                volunteer_id=VOLUNTEERS[args[0]],
                name=f"V{args[0]}",
                contact="x",
            )
        case "vet":
            return c.DecideVetting(
                **base, volunteer_id=VOLUNTEERS[args[0]], approved=args[1], reason="r"
            )
        case "course":
            return c.RecordCourse(
                **base,
                volunteer_id=VOLUNTEERS[args[0]],
                course=args[1],
                passed=args[2],
                score=70,
            )
        case "insure":
            return c.RecordInsurance(
                **base, volunteer_id=VOLUNTEERS[args[0]], policy="P", valid_until=later
            )
        case "shift":
            shift: type[c.StartShift] | type[c.EndShift]
            shift = c.StartShift if args[1] else c.EndShift
            extra: dict[str, Any] = {"operation_id": OPERATION} if args[1] else {}
            return shift(**base, volunteer_id=VOLUNTEERS[args[0]], **extra)
        case "position":
            return c.ReportPosition(
                **base, volunteer_id=VOLUNTEERS[args[0]], lat=args[1], lon=args[2]
            )
        case "open_other":
            return c.OpenOperation(
                **base,
                operation_id=OTHERS[args[0]],
                name=f"O{args[0]}",
                kind="drill",
                area=args[1],
            )
        case "close_other":
            return c.CloseOperation(**base, operation_id=OTHERS[args[0]])
        case "rate":
            return c.RateSatisfaction(
                **base, volunteer_id=VOLUNTEERS[args[0]], rating=args[1]
            )
        case "report":
            return c.ReportIncident(
                **base,
                incident_id=INCIDENTS[args[0]],
                operation_id=OPERATION,
                kind=args[1],
                lat=24.9,
                lon=118.6,
                severity=args[2],
            )
        case "dispatch" | "arrive" | "release":
            kinds: dict[
                str,
                type[c.DispatchVolunteer]
                | type[c.RecordArrival]
                | type[c.ReleaseVolunteer],
            ] = {
                "dispatch": c.DispatchVolunteer,
                "arrive": c.RecordArrival,
                "release": c.ReleaseVolunteer,
            }
            return kinds[name](
                **base, incident_id=INCIDENTS[args[0]], volunteer_id=VOLUNTEERS[args[1]]
            )
        case "evacuate":
            return c.RecordEvacuation(
                **base,
                incident_id=INCIDENTS[args[0]],
                count=args[1],
                destination="school",
            )
        case "rescue":
            return c.RecordRescue(**base, incident_id=INCIDENTS[args[0]], count=args[1])
        case "route":
            return c.GuideRoute(
                **base,
                incident_id=INCIDENTS[args[0]],
                path=[[118.6, 24.9], [118.61, 24.91]],
            )
        case "image":
            return c.RecordImage(
                **base,
                incident_id=INCIDENTS[args[0]],
                sha256=f"{args[0]:064x}",
                media_type="image/png",
                size=10,
                lat=24.9,
                lon=118.6,
            )
        case "resolve":
            return c.ResolveIncident(
                **base, incident_id=INCIDENTS[args[0]], outcome="done"
            )
        case "close":
            return c.CloseIncident(**base, incident_id=INCIDENTS[args[0]])
        case "premises":
            return c.RegisterPremises(
                **base,
                premises_id=PREMISES[args[0]],
                name="Shop",
                address="Road",
                lat=24.9,
                lon=118.6,
            )
        case "inspect":
            return c.InspectPremises(
                **base,
                premises_id=PREMISES[args[0]],
                operation_id=OPERATION,
                checklist={"exits": True},
            )
        case "hazard":
            return c.RecordHazard(
                **base,
                premises_id=PREMISES[args[1] % 2],
                operation_id=OPERATION,
                hazard_id=HAZARDS[args[1]],
                kind="wiring",
                severity=3,
            )
        case "order":
            return c.OrderRectification(
                **base,
                premises_id=PREMISES[args[1] % 2],
                hazard_id=HAZARDS[args[1]],
                deadline=later,
            )
        case "rectify":
            return c.RecordRectification(
                **base,
                premises_id=PREMISES[args[1] % 2],
                hazard_id=HAZARDS[args[1]],
                evidence="photo",
            )
        case "reinspect":
            return c.ReinspectHazard(
                **base,
                premises_id=PREMISES[args[1] % 2],
                hazard_id=HAZARDS[args[1]],
                passed=args[2],
            )
        case "close_hazard":
            return c.CloseHazard(
                **base, premises_id=PREMISES[args[1] % 2], hazard_id=HAZARDS[args[1]]
            )
        case "activity":
            return c.LogServiceActivity(
                **base,
                operation_id=OPERATION,
                kind="patrol",
                participants=[VOLUNTEERS[n] for n in args[0]],
                hours=1.5,
            )
    return None  # "wait": only time passes


def play(steps: list[tuple[Any, ...]]) -> list[tuple[int, object]]:
    """Run a story through the domain; returns its events with positions."""
    committed: dict[UUID, BrigadeAggregate] = {}

    def load(aggregate_id: UUID) -> BrigadeAggregate | None:
        aggregate = committed.get(aggregate_id)
        return copy.deepcopy(aggregate) if aggregate is not None else None

    at = LANDFALL
    now = LANDFALL + timedelta(days=3650)
    opening = c.OpenOperation(
        command_id=uuid4(),
        actor=COMMANDER,
        occurred_at=at,
        operation_id=OPERATION,
        name="Doksuri",
        kind="typhoon",
    )
    events: list[tuple[int, object]] = []
    expanded: list[tuple[Any, ...]] = []
    for step in steps:
        if step[0] == "fix":  # the whole loop, with a pause that may pass the deadline
            _, hazard, days, pause = step
            expanded += [
                ("order", 0, hazard, days),
                ("wait", pause),
                ("rectify", 0, hazard),
                ("reinspect", 0, hazard, True),
                ("close_hazard", 0, hazard),
            ]
        else:
            expanded.append(step)
    for step in [("open",), *expanded]:
        at += timedelta(minutes=step[1] if step[0] == "wait" else 1)
        if step[0] in ("arrive", "release"):
            step = (step[0], step[1], assigned(committed, step[1], step[2]))
        cmd = opening if step[0] == "open" else command(step, at)
        if cmd is None:
            continue
        unit = UnitOfWork(load, load)

        def run(u: UnitOfWork, cmd: c.Command = cmd) -> Any:
            return decide(u, cmd, now, timedelta(seconds=120))

        try:
            unit.run(run)
        except DomainError as refused:
            if not refused.keeps_events:
                continue
        for aggregate in unit.touched.values():
            if aggregate is not None:
                aggregate.collect_events()
                committed[aggregate.id] = aggregate
        events.extend((len(events) + 1, e) for e in unit.events)
    return events


def assigned(committed: dict[UUID, BrigadeAggregate], incident: int, pick: int) -> int:
    """A volunteer dispatched to the incident, if any (so arrivals happen)."""
    aggregate: Any = committed.get(INCIDENTS[incident])
    on_it = sorted(aggregate.assignments) if aggregate is not None else []
    if not on_it:
        return pick
    return VOLUNTEERS.index(UUID(on_it[pick % len(on_it)]))


def rows(views: dict[str, Any]) -> dict[str, dict[str, Row]]:
    return {name: view.snapshot() for name, view in views.items()}


def replay_changes(
    start: dict[str, dict[str, Row]], changes: list[Change]
) -> dict[str, dict[str, Row]]:
    """What a client holds after a snapshot and the changes that follow it."""
    state = copy.deepcopy(start)
    for change in changes:
        if change.row is None:
            state[change.view].pop(change.key, None)
        else:
            state[change.view][change.key] = change.row
    return state


volunteer_setup = st.tuples(
    st.booleans(),  # vetted
    st.lists(st.sampled_from(COURSES), unique=True),
    st.booleans(),  # insured
    st.booleans(),  # on shift
)


@st.composite
def stories(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """A setting (people, incidents, shops; some unready), then a story."""
    steps: list[tuple[Any, ...]] = []
    for n in range(len(VOLUNTEERS)):
        if draw(st.booleans()):  # ready for anything
            vetted, courses, insured, on_shift = True, COURSES, True, True
        else:
            vetted, courses, insured, on_shift = draw(volunteer_setup)
        steps.append(("register", n))
        if vetted:
            steps.append(("vet", n, True))
        steps.extend(("course", n, course, True) for course in courses)
        if insured:
            steps.append(("insure", n, draw(st.integers(30, 20_000))))
        if on_shift:
            steps.append(("shift", n, True))
    for n in range(len(INCIDENTS)):
        steps.append(
            ("report", n, draw(st.sampled_from(KINDS)), draw(st.integers(1, 5)))
        )
    for n in range(len(PREMISES)):
        steps.append(("premises", n))
    steps.extend(draw(st.lists(intent, min_size=10, max_size=80)))
    return steps


@settings(max_examples=60, deadline=None)
@given(stories(), st.data())
def test_live_equals_rebuilt_equals_prefix_then_caught_up(
    steps: list[tuple[Any, ...]], data: st.DataObject
) -> None:
    events = play(steps)
    # Live: views kept up to date one event at a time, as the follower does.
    live = all_views()
    for position, event in events:
        fold(live, [(position, event)])
    # Rebuilt: dropped and folded from the whole log at once.
    rebuilt = all_views()
    fold(rebuilt, events)
    assert rows(live) == rows(rebuilt)
    assert set(rebuilt) >= {"operations"}  # every view, the operations too
    assert str(OPERATION) in rebuilt["operations"].rows
    assert {v.position for v in live.values()} <= {events[-1][0] if events else 0}

    # Rebuilt from any prefix, then caught up, is the same again; and a client that
    # took the prefix's snapshot and applied the changes since holds the same rows.
    k = data.draw(st.integers(0, len(events)))
    resumed = all_views()
    fold(resumed, events[:k])
    snapshot = rows(resumed)
    changes = fold(resumed, events[k:])
    assert rows(resumed) == rows(rebuilt)
    assert replay_changes(snapshot, changes) == rows(rebuilt)
    assert [c.position for c in changes] == sorted(c.position for c in changes)
