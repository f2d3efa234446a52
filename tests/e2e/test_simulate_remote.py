"""`brigade simulate doksuri --target URL`: a real server, HTTP and field sockets,
and the server's own report of what was played into it."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from conftest import serving
from support import fresh_schema

from domain.application import Brigade
from domain.model.incident import Incident
from domain.store.config import store_env
from domain.types import Role
from gateway import cli
from gateway.settings import Settings
from replay.sim import Params, Simulation
from replay.sim.drive import play
from replay.sim.remote import RemoteError, RemoteSink

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import Api

    from replay.sim.drive import Tally
    from replay.sim.remote import FieldSocket

SMALL = [
    "--seed",
    "11",
    "--volunteers",
    "30",
    "--activities",
    "21",
    "--storefronts",
    "13",
    "--turnouts",
    "26",
    "--hornet-nests",
    "5",
    "--rescued",
    "6",
    "--evacuated",
    "17",
    "--refusals",
    "4",
    "--moving-every",
    "600",
    "--still-every",
    "3600",
    "--no-progress",
]
PARAMS = Params(
    seed=11,
    volunteers=30,
    activities=21,
    storefronts=13,
    turnouts=26,
    hornet_nests=5,
    rescued=6,
    evacuated=17,
    refusals=4,
    moving_every=600.0,
    still_every=3600.0,
)
# Rounds of dropping every field socket at most, in the test that drops them.
ROUNDS = 8


@dataclass(frozen=True)
class Simulated:
    """What `brigade simulate doksuri --target URL` left on a server still running."""

    api: Api
    store_url: str
    folder: Path
    code: int
    out: str


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def simulated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Simulated]:
    """SMALL played over the network once per store, for the tests that read it.

    Not the published run (tests/conftest.py): this one has to cross a real
    server's HTTP API and the volunteers' own field sockets, which a run into a
    store in this process never does.
    """
    folder = tmp_path_factory.mktemp("simulated")
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            store_url = f"sqlite:///{folder / 'brigade.sqlite3'}"
        else:
            store_url = stack.enter_context(fresh_schema())
        settings = Settings(
            database_url=store_url, data_dir=folder / "data", secret="test"
        )
        api = stack.enter_context(serving(settings))
        out = io.StringIO()
        # A commander's token the server issued; it issues the volunteers' through it.
        token = api.bearer(Role.COMMANDER, "simulator")
        with pytest.MonkeyPatch.context() as env, contextlib.redirect_stdout(out):
            env.delenv("BRIGADE_SECRET", raising=False)  # the client needs no key
            env.setenv("BRIGADE_DATA_DIR", str(folder / "client"))
            code = cli.main(
                ["simulate", "doksuri", "--target", api.url, "--token", token, *SMALL]
            )
        yield Simulated(api, store_url, folder, code, out.getvalue())


def test_against_a_running_server_the_totals_are_exact_too(
    simulated: Simulated,
) -> None:
    """Its own run, not the published one: the field actions must come over the
    volunteers' sockets and the photos over HTTP (the report test shares the run)."""
    api = simulated.api
    assert simulated.code == 0, simulated.out
    simulation = Simulation(PARAMS)
    commander = api.token(Role.COMMANDER)
    stats = {}
    for operation in simulation.operations().values():
        response = api.http.get(
            "/views/stats", params={"operation_id": str(operation)}, headers=commander
        )
        stats.update(response.json()["rows"])
    programme, doksuri = (
        stats[str(simulation.programme)],
        stats[str(simulation.doksuri)],
    )
    assert (
        programme["activities"],
        programme["premises_inspected"],
        programme["hornet_nests"],
    ) == (21, 13, 5)
    # The 26 turn-outs are the year's: 5 hornet nests of the programme, 21 calls.
    assert programme["dispatches"] == 5
    assert (doksuri["dispatches"], doksuri["rescued"], doksuri["evacuated"]) == (
        21,
        6,
        17,
    )
    assert doksuri["dispatches_refused"] == simulation.refusals == 4
    # Field actions came from the volunteers' own sockets; photos are on the server.
    brigade = Brigade(env=store_env(simulated.store_url, simulated.folder / "reader"))
    try:
        arrivals, images = [], []
        position = 0
        while page := brigade.recorder.select_notifications(
            start=position, limit=1000, inclusive_of_start=False
        ):
            for notification in page:
                event = brigade.mapper.to_domain_event(notification)
                if isinstance(event, Incident.VolunteerArrived):
                    arrivals.append(event)
                elif isinstance(event, Incident.ImageUploaded):
                    images.append(event)
            position = page[-1].id
    finally:
        brigade.close()
    assert len(arrivals) == 26
    assert all(e.actor == f"volunteer:{e.volunteer_id}" for e in arrivals)
    assert images
    for event in images[:3]:
        photo = api.http.get(f"/images/{event.sha256}", headers=commander)
        assert photo.status_code == 200
        assert hashlib.sha256(photo.content).hexdigest() == event.sha256
        assert photo.headers["content-type"] == "image/png"


def test_a_simulation_over_the_network_is_reported_with_its_totals(
    simulated: Simulated,
) -> None:
    """`brigade simulate doksuri --target URL`, then the server's own report."""
    api = simulated.api
    assert simulated.code == 0, simulated.out
    operations = [str(o) for o in Simulation(PARAMS).operations().values()]
    response = api.http.get(
        "/reports.json",
        params={"operation": operations},
        headers=api.token(Role.OBSERVER),
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert {k: report["totals"][k] for k in list(report["totals"])[:6]} == {
        "service_activities": 21,
        "premises_inspected": 13,
        "rescue_turnouts": 26,
        "hornet_nests": 5,
        "people_rescued": 6,
        "people_evacuated": 17,
    }
    assert report["refusals"]["total"] == 4


def test_without_a_token_or_a_key_it_says_what_to_give(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("BRIGADE_SECRET", raising=False)
    monkeypatch.setenv("BRIGADE_DATA_DIR", str(tmp_path / "empty"))

    code = cli.main(["simulate", "doksuri", "--target", "http://127.0.0.1:9", *SMALL])

    assert code == 2
    assert "give --token" in capsys.readouterr().err


def test_with_only_a_commander_token_the_server_issues_the_volunteers_tokens(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    settings = Settings(database_url=store, data_dir=tmp_path / "data", secret="s")
    monkeypatch.delenv("BRIGADE_SECRET", raising=False)
    monkeypatch.setenv("BRIGADE_DATA_DIR", str(tmp_path / "client"))
    with serving(settings) as api:
        token = api.bearer(Role.COMMANDER, "duty-officer")
        code = cli.main(
            ["simulate", "doksuri", "--target", api.url, "--token", token, *SMALL]
        )
        out = capsys.readouterr().out
        credentials = api.http.get(
            "/views/credentials", headers=api.token(Role.COMMANDER)
        ).json()["rows"]

    assert code == 0, out
    # Field actions went over the volunteers' sockets, with tokens the server
    # issued them through the commander's (each issue in the log, by whom).
    assert "field actions over each volunteer's /ws/field" in out
    issued = [row for row in credentials.values() if row["role"] == "volunteer"]
    assert issued
    assert {row["issued_by"] for row in issued} == {"commander:duty-officer"}
    assert re.search(r"rescue turn-outs\s+26\s+26\n", out), out
    assert re.search(r"people evacuated during Doksuri\s+17\s+17\n", out), out


def test_a_field_socket_the_server_refuses_is_an_error_not_a_hang(api: Api) -> None:
    commander = api.bearer(Role.COMMANDER, "duty-officer")

    async def drive() -> None:
        sink = RemoteSink(api.url, commander, lambda volunteer: "not-a-token")
        try:
            await play(Simulation(PARAMS), sink)
        finally:
            await sink.close()

    with pytest.raises(RemoteError, match="closed by the server: 4001"):
        asyncio.run(drive())


def test_field_sockets_dropped_mid_run_are_reopened_and_nothing_is_lost(
    api: Api,
) -> None:
    commander = api.bearer(Role.COMMANDER, "duty-officer")
    simulation = Simulation(PARAMS)
    dropped: list[FieldSocket] = []
    rounds: list[int] = []  # frames in flight at each round of cuts

    async def drive() -> Tally:
        sink = RemoteSink(
            api.url,
            commander,
            lambda volunteer: api.bearer(Role.VOLUNTEER, volunteer),
        )

        def drop_every_socket(tally: Tally) -> None:
            # From a third of the way on, until a resend has been answered as
            # replayed (at most ROUNDS times): whether a frame in flight reached
            # the server before its connection was cut is a race a round may lose.
            if tally.accepted < tally.total // 3 or tally.replayed:
                return
            if len(rounds) >= ROUNDS:
                return
            # Cut them while frames are in flight, so that some the server has
            # taken lose their answers and must be sent again (replayed below):
            # a cut between bursts, with nothing unanswered, proves nothing.
            in_flight = sum(
                len(phone.unanswered)
                for phone in sink.sockets.values()
                if phone.socket is not None
            )
            if not in_flight:
                return
            rounds.append(in_flight)
            for phone in sink.sockets.values():
                if phone.socket is not None:
                    # As a phone losing its signal: no close handshake, and the
                    # answers on their way are lost with the connection.
                    phone.socket.transport.abort()
                    dropped.append(phone)

        try:
            return await play(
                simulation,
                sink,
                total=len(simulation),
                progress=drop_every_socket,
                every=50,
                window=64,  # answers come in during the run, not all at its end
            )
        finally:
            await sink.close()

    # A phone that waited forever for lost answers would fail here, not hang.
    tally = asyncio.run(asyncio.wait_for(drive(), timeout=120))

    assert len(dropped) > 5, (rounds, tally.replayed, tally.accepted, tally.total)
    assert rounds
    # Frames in flight when their socket closed were sent again, and answered once.
    assert tally.replayed > 0
    assert tally.ok, tally.examples
    assert tally.sent == len(simulation)
    stats = api.http.get(
        "/views/stats",
        params={"operation_id": str(simulation.doksuri)},
        headers=api.token(Role.COMMANDER),
    ).json()["rows"][str(simulation.doksuri)]
    # The storm's: the year's 26 turn-outs less the programme's 5 hornet nests.
    assert (stats["dispatches"], stats["rescued"], stats["evacuated"]) == (21, 6, 17)
