"""The Doksuri simulator: exact totals in the stats view, the same log for a seed."""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from domain import commands as c
from domain.application import Brigade
from domain.model.incident import Incident
from domain.store.config import store_env
from domain.write import CommandWriter
from gateway import cli
from projections.rebuild import rebuild
from replay.sim import (
    Infeasible,
    Params,
    Planned,
    Simulation,
    expected,
    published,
)
from replay.sim.drive import WriterSink, play

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from conftest import Played

    from replay.sim.drive import Tally

# Not the published figures: a run must show whatever totals it was asked for.
SMALL = Params(
    seed=7,
    volunteers=40,
    activities=37,
    storefronts=23,
    turnouts=41,
    hornet_nests=9,
    rescued=7,
    evacuated=19,
    refusals=6,
    moving_every=300.0,
    still_every=1800.0,
)
# What each refusal says to a person (domain.training).
PHRASES = {
    "not_vetted": "not vetted",
    "training_incomplete": "no training, no duty",
    "not_qualified": "not qualified",
    "not_insured": "not insured",
    "off_shift": "off shift",
    "busy": "busy",
}
# Events' own fields that say when they were stored, not what happened.
STORED_AT = {"timestamp"}


def run(brigade: Brigade, simulation: Iterable[Planned], **options: Any) -> Tally:
    writer = CommandWriter(brigade)
    try:
        return asyncio.run(play(simulation, WriterSink(writer), **options))
    finally:
        writer.close()


def events(brigade: Brigade) -> Iterator[Any]:
    position = 0
    while True:
        page = brigade.recorder.select_notifications(
            start=position, limit=1000, inclusive_of_start=False
        )
        if not page:
            return
        for notification in page:
            yield brigade.mapper.to_domain_event(notification)
        position = page[-1].id


def fingerprint(brigade: Brigade) -> str:
    """A hash of every event's class and state, in log order (not when stored)."""
    digest = hashlib.sha256()
    for event in events(brigade):
        state = {k: v for k, v in vars(event).items() if k not in STORED_AT}
        digest.update(f"{type(event).__qualname__}{sorted(state.items())}".encode())
    return digest.hexdigest()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Any]:
    """Opens new empty SQLite stores with the real clock (field times are 2023)."""
    opened: list[Brigade] = []

    def fresh(name: str = "a") -> Brigade:
        folder = tmp_path / name
        brigade = Brigade(env=store_env(f"sqlite:///{folder / 'b.sqlite3'}", folder))
        opened.append(brigade)
        return brigade

    yield fresh
    for brigade in opened:
        brigade.close()


def test_the_totals_asked_for_are_exactly_the_stats_views(
    store_url: str, tmp_path: Path
) -> None:
    brigade = Brigade(env=store_env(store_url, tmp_path))
    try:
        simulation = Simulation(SMALL)
        tally = run(brigade, simulation, total=len(simulation))
        stats = rebuild(brigade)["stats"].rows
    finally:
        brigade.close()

    assert tally.ok, tally.examples
    assert tally.sent == len(simulation)
    assert published(stats, simulation) == expected(SMALL)
    doksuri = stats[str(simulation.doksuri)]
    assert (
        doksuri["dispatches_refused"]
        == simulation.refusals
        == sum(tally.refused.values())
    )


def test_the_default_run_shows_the_published_figures(published_year: Played) -> None:
    brigade, simulation, tally = (
        published_year.brigade,
        published_year.simulation,
        published_year.tally,
    )
    views = rebuild(brigade)

    assert tally.ok, tally.examples
    assert published(views["stats"].rows, simulation) == {
        "activities": 820,
        "storefronts": 595,
        "turnouts": 767,
        "hornet_nests": 145,
        "rescued": 50,
        "evacuated": 153,
    }
    assert len(views["roster"].rows) == 150


def test_refused_dispatches_are_recorded_with_their_reasons(fresh: Any) -> None:
    brigade = fresh()
    simulation = Simulation(SMALL)
    tally = run(brigade, simulation)
    refused = [e for e in events(brigade) if isinstance(e, Incident.DispatchRefused)]
    roster = rebuild(brigade)["roster"].rows

    assert len(refused) == simulation.refusals == 6
    assert {e.code for e in refused} == set(tally.refused) and len(tally.refused) > 2
    for event in refused:
        assert PHRASES[event.code] in event.reason, event.reason
        assert str(event.volunteer_id) in roster
    why = {row["not_dispatchable_because"] for row in roster.values()}
    assert any("not vetted" in (reason or "") for reason in why)
    assert any("no training, no duty" in (reason or "") for reason in why)


def test_the_same_seed_makes_the_same_log_and_another_seed_does_not(
    fresh: Any,
) -> None:
    first, second, other = fresh("first"), fresh("second"), fresh("other")
    run(first, Simulation(SMALL))
    run(second, Simulation(SMALL))
    run(other, Simulation(Params(**{**vars(SMALL), "seed": 8})))

    assert fingerprint(first) == fingerprint(second)
    assert fingerprint(first) != fingerprint(other)


def test_playing_the_stream_again_appends_nothing(fresh: Any) -> None:
    brigade = fresh()
    run(brigade, Simulation(SMALL))
    last = brigade.recorder.max_notification_id()

    again = run(brigade, Simulation(SMALL))

    assert again.ok and again.replayed == again.sent
    assert brigade.recorder.max_notification_id() == last


def test_at_a_time_scale_commands_keep_to_field_time_and_quiet_hours_are_cut(
    fresh: Any,
) -> None:
    brigade = fresh()
    simulation = Simulation(SMALL)
    run(brigade, simulation)
    person = next(p for p in simulation.people if p.shifts)
    first = person.shifts[0][0]

    def reports(*moments: datetime) -> Iterator[Planned]:
        for at in moments:
            yield Planned(
                c.ReportPosition(
                    command_id=uuid4(),
                    actor=person.actor,
                    occurred_at=at,
                    volunteer_id=person.id,
                    lat=24.95,
                    lon=118.66,
                )
            )

    # Five reports 10 field seconds apart, then one after a quiet hour.
    paced = [first + timedelta(seconds=10 * n) for n in range(5)]
    began = time.monotonic()
    tally = run(
        brigade,
        reports(*paced, paced[-1] + timedelta(hours=1)),
        speed=100.0,
        max_pause=0.2,
    )
    took = time.monotonic() - began
    # A report a day earlier, before the paced stretch: sent at once, no pause.
    early = run(
        brigade,
        reports(first - timedelta(days=1), *paced),
        speed=100.0,
        paced_from=first,
        max_pause=60.0,
    )
    took_early = time.monotonic() - began - took

    assert tally.ok and tally.accepted == 6
    # 40 field seconds at 100x is 0.4 s; the quiet hour (36 s at 100x) is cut to 0.2.
    assert 0.4 <= took < 10
    # Paced from the start, the day's gap would be cut to 60 s; unpaced it is nothing.
    assert early.ok and early.accepted == 6
    assert 0.4 <= took_early < 30


def test_more_turn_outs_than_the_crews_can_give_is_refused_up_front() -> None:
    with pytest.raises(Infeasible, match="too few volunteers"):
        Simulation(Params(volunteers=12, turnouts=3000))
    with pytest.raises(ValueError, match="hornet nests"):
        Simulation(Params(turnouts=10, hornet_nests=11))
    with pytest.raises(Infeasible, match="no turn-outs"):
        Simulation(
            Params(turnouts=0, hornet_nests=0, moving_every=600.0, still_every=3600.0)
        )


def test_the_command_line_plays_it_here_and_keeps_the_photos(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BRIGADE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BRIGADE_DATABASE_URL", raising=False)
    options = {
        "--seed": "7",
        "--volunteers": "40",
        "--activities": "37",
        "--storefronts": "23",
        "--turnouts": "41",
        "--hornet-nests": "9",
        "--rescued": "7",
        "--evacuated": "19",
        "--refusals": "6",
        "--moving-every": "300",
        "--still-every": "1800",
    }
    argv = [item for pair in options.items() for item in pair]

    code = cli.main(["simulate", "doksuri", *argv])

    out = capsys.readouterr().out
    assert code == 0, out
    assert re.search(r"rescue turn-outs\s+41\s+41\n", out), out
    assert re.search(r"storefronts inspected\s+23\s+23\n", out), out
    photos = {
        s.fields["sha256"] for s in Simulation(SMALL).steps if s.kind is c.RecordImage
    }
    stored = {p.name for p in (tmp_path / "data" / "blobs").glob("*/*")}
    assert photos and photos <= stored
