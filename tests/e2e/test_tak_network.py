"""Brigade in a TAK network: a real TAK server (taky) and real TAK clients (pytak).

Brigade dials taky (`BRIGADE_TAK_SERVER`). One pytak client plays a volunteer's
ATAK, reporting its position to taky; another plays the fire brigade's tablet,
connected to taky only. Brigade stores the volunteer's position heard through
taky and the tablet sees, through taky, brigade's incident and a volunteer who
has only the field app (the one with ATAK it sees once, by the ATAK's own
marker), read back by pytak; when taky restarts, brigade dials again.
"""

from __future__ import annotations

import asyncio
import ssl
from configparser import ConfigParser
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

import pytak  # type: ignore[import-untyped]
import pytest
from badinput import ready_volunteer
from conftest import Api, free_port, serving
from cotkit import Device, by_uid, make_pki, metric, report_position, sample, taky
from support import eventually

from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from xml.etree.ElementTree import Element

UID = "ANDROID-5f3c2a9be1d07c44"


class Client:
    """A pytak client: its own TX and RX workers on a connection to taky."""

    def __init__(self, port: int) -> None:
        config = ConfigParser()
        config["client"] = {"COT_URL": f"tcp://127.0.0.1:{port}"}
        self.config = config["client"]
        self.tx: asyncio.Queue[bytes] = asyncio.Queue()
        self.rx: asyncio.Queue[bytes] = asyncio.Queue()
        self.tasks: list[asyncio.Task[Any]] = []

    async def __aenter__(self) -> Client:
        reader, writer = await pytak.protocol_factory(self.config)
        self.writer = writer
        self.tasks = [
            asyncio.create_task(pytak.TXWorker(self.tx, self.config, writer).run()),
            asyncio.create_task(pytak.RXWorker(self.rx, self.config, reader).run()),
        ]
        return self

    async def __aexit__(self, *_: object) -> None:
        for task in self.tasks:
            task.cancel()
        self.writer.close()

    async def until(self, uid: str, within: float = 20) -> Element:
        """The next event read of this uid."""
        async with asyncio.timeout(within):
            while True:
                data = await self.rx.get()
                event = ElementTree.fromstring(data.strip())
                if event.get("uid") == uid:
                    return event


async def test_brigade_speaks_through_a_tak_server(
    store_url: str, tmp_path: Path
) -> None:
    port = free_port()
    with taky(tmp_path / "taky", port) as server:
        settings = Settings(
            database_url=store_url,
            data_dir=tmp_path / "data",
            secret="test",
            tak_server=f"tcp://127.0.0.1:{port}",
        )
        with serving(settings) as api:
            await through_taky(api, port)
            # taky restarts: brigade dials again and the network sees it again.
            server.terminate()
            server.wait(timeout=20)
            with taky(tmp_path / "taky", port):
                operation = await asyncio.to_thread(
                    api.commander, "OpenOperation", name="Haikui", kind="typhoon"
                )
                async with Client(port) as tablet:
                    incident = await asyncio.to_thread(
                        api.commander,
                        "ReportIncident",
                        operation_id=operation["result"]["operation_id"],
                        kind="fire",
                        lat=24.9,
                        lon=118.6,
                        severity=2,
                    )
                    uid = f"brigade.incident.{incident['result']['incident_id']}"
                    # Dialled again after a backoff, brigade sends it then.
                    marker = await tablet.until(uid, within=60)
                    assert marker.get("type") == "a-n-G"


def test_brigade_dials_a_tak_server_over_tls(
    store_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """TAK servers take clients on 8089 with certificates their CA signed."""
    pki = make_pki(tmp_path)
    port = free_port()
    with taky(tmp_path / "taky", port, pki):
        # Without a certificate brigade is turned away, and keeps trying.
        settings = Settings(
            database_url=store_url,
            data_dir=tmp_path / "data",
            secret="test",
            tak_server=f"tls://localhost:{port}",
            tak_ca=pki["ca"],
        )
        with serving(settings) as api:
            api.commander("OpenOperation", name="Doksuri", kind="typhoon")
            eventually(lambda: len(turned_away(caplog)) >= 2, 20)
            assert all("CERTIFICATE_REQUIRED" in why for why in turned_away(caplog))
        settings = settings.model_copy(
            update={"tak_cert": pki["client"], "tak_key": pki["client_key"]}
        )
        with serving(settings) as api:
            operation = api.commander("OpenOperation", name="Haikui", kind="typhoon")
            eventually(lambda: metric(api, "brigade_cot_peers") == 1, 20)
            tablet_tls = ssl.create_default_context(cafile=pki["ca"])
            tablet_tls.load_cert_chain(pki["client"], pki["client_key"])
            with Device(port, tablet_tls) as tablet:
                incident = api.commander(
                    "ReportIncident",
                    operation_id=operation["result"]["operation_id"],
                    kind="fire",
                    lat=24.9,
                    lon=118.6,
                    severity=4,
                )
                uid = f"brigade.incident.{incident['result']['incident_id']}"
                events = tablet.read_until(lambda events: by_uid(events, uid), 20)
                assert by_uid(events, uid)[-1].get("type") == "a-h-G"


async def through_taky(api: Api, port: int) -> None:
    operation = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    vid = ready_volunteer(api, "Xu Ming")  # with ATAK, on the TAK network
    phone = ready_volunteer(api, "Lin Hui")  # with the field app only
    api.commander("LinkDevice", device_uid=UID, volunteer_id=vid)
    await soon(lambda: metric(api, "brigade_cot_peers") == 1)
    async with Client(port) as atak, Client(port) as tablet:
        before = api.position()
        await atak.tx.put(sample("atak_position", datetime.now(UTC)))
        await soon(lambda: api.position() == before + 1)
        # The network has Xu Ming's own marker from the ATAK; brigade's marker of
        # them is withdrawn there, so that the tablet shows one person once.
        own = await tablet.until(UID)
        assert own.get("type") == "a-f-G-U-C"
        withdrawn = await tablet.until(f"brigade.volunteer.{vid}.delete")
        assert withdrawn.get("type") == "t-x-d-d"
        # Lin Hui has no TAK device: the tablet sees her as brigade tells it.
        await asyncio.to_thread(report_position, api, phone, 24.9134021, 118.59)
        them = await tablet.until(f"brigade.volunteer.{phone}")
        assert them.get("type") == "a-f-G-U-C"
        point = them.find("point")
        assert point is not None
        assert float(point.get("lat", "nan")) == pytest.approx(24.9134021, abs=1e-6)
        contact = them.find("detail/contact")
        assert contact is not None and contact.get("callsign") == "Lin Hui"
        # And an incident reported now.
        incident = api.commander(
            "ReportIncident",
            operation_id=operation["result"]["operation_id"],
            kind="flood",
            lat=24.91,
            lon=118.59,
            severity=4,
            address="Jiangnan St",
        )
        uid = f"brigade.incident.{incident['result']['incident_id']}"
        marker = await tablet.until(uid)
        assert marker.get("type") == "a-h-G"
        assert "flood" in (marker.findtext("detail/remarks") or "")


def turned_away(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What brigade logged each time the TAK server would not have it."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "gateway.tak.bridge" and record.levelname == "WARNING"
    ]


async def soon(check: Callable[[], bool], within: float = 20) -> None:
    """Wait, without blocking pytak's workers, until `check()` (run in a thread)."""
    async with asyncio.timeout(within):
        while not await asyncio.to_thread(check):  # noqa: ASYNC110 (an HTTP poll)
            await asyncio.sleep(0.05)
