"""`brigade bench cot`: TAK devices reporting positions, each receiving the picture.

A real server (embedded store, one process) with its CoT endpoint, 200 volunteers
on shift and a device linked to each. In a separate process 200 TCP devices
(`bench/cot_client.py`) send position reports as fast as their sockets take
them and read everything sent to them. It reports positions stored durably per
second (the store's positions, counted until every report sent is accounted for
by the server's `brigade_cot_messages_total`), picture messages delivered per
second and the picture's age at the devices (now less the time the position was
taken; of it, how much passed before brigade wrote the event, its `time`), with
the server's CPU per stored report.

The baseline, in the same run with the same devices: taky, a TAK server that
stores nothing and copies every message to every other client, started on a free
port. Its rate is the reports it routed per second: the position events the
devices read, over the 199 copies each made.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from bench.field import _cpu_seconds
from bench.server import brigade_server, commander_token, free_port

if TYPE_CHECKING:
    from collections.abc import Iterator

DEVICES = 200


def run(*, quick: bool, devices: int = DEVICES) -> int:
    seconds = 5.0 if quick else 20.0
    with tempfile.TemporaryDirectory(prefix="brigade-bench-", dir=Path.cwd()) as tmp:
        folder = Path(tmp)
        port = free_port()
        with brigade_server(
            folder / "data", folder / "brigade.log", BRIGADE_COT_PORT=str(port)
        ) as (base, server):
            commander = {"Authorization": f"Bearer {commander_token(folder / 'data')}"}
            with httpx.Client(base_url=base, headers=commander, timeout=60) as http:
                _enlist(http, devices)
                before = _position(http)
                cpu_before = _cpu_seconds(server.pid)
                # Every report read and answered: the devices read until closed.
                ours = _devices(port, devices, seconds, grace=0)
                accounted = _accounted(http, ours["sent"])
                stored = _position(http) - before
                cpu = _cpu_seconds(server.pid) - cpu_before
                outcomes = _outcomes(http)
                written = _metric(http, "brigade_cot_picture_messages_total")
                refused = _metric(http, "brigade_cot_connections_refused_total")
        with taky(folder / "taky") as taky_port:
            # What taky has not routed 30 s after the end is left undelivered.
            theirs = _devices(taky_port, devices, seconds, grace=30)
    rate = stored / (accounted - ours["began"])
    delivered = ours["read"] / (ours["last_read"] - ours["began"])
    copies = devices - 1
    routed = theirs["positions_read"] / copies
    # Until the last message read (or the end of the grace, if none was).
    taky_took = (theirs["last_read"] or theirs["until"] + 30) - theirs["began"]
    taky_rate = routed / taky_took
    taky_delivered = theirs["read"] / taky_took
    print(
        f"{devices} TAK devices over TCP, {seconds:g} s of reports as fast as taken, "
        "each device reading the whole picture:"
    )
    print(
        f"  brigade: {ours['sent']:,} reports sent, {stored:,} stored durably "
        f"({rate:,.0f}/s, every one accounted: {outcomes}); {ours['read']:,} "
        f"picture messages delivered ({delivered:,.0f}/s); picture age at devices "
        f"while they sent p50 {ours['age_p50']:.2f} s, p99 {ours['age_p99']:.2f} s, "
        f"max {ours['age_max']:.2f} s (after: {ours['age_max_after']:.2f} s), of "
        f"which before brigade wrote the event p50 {ours['at_server_p50']:.2f} s, "
        f"p99 {ours['at_server_p99']:.2f} s; server "
        f"CPU {cpu / max(stored, 1) * 1e6:,.0f} us per stored report"
    )
    print(
        f"  taky:    {theirs['sent']:,} reports sent, {routed:,.0f} routed to the "
        f"{copies} others ({taky_rate:,.0f}/s, {theirs['sent'] - routed:,.0f} never "
        f"delivered), none stored; {theirs['read']:,} messages delivered "
        f"({taky_delivered:,.0f}/s); age at devices p50 {theirs['age_p50']:.2f} s, "
        f"p99 {theirs['age_p99']:.2f} s, max {theirs['age_max']:.2f} s"
    )
    ratio = rate / taky_rate if taky_rate else float("inf")
    compared = (
        f"brigade stores {ratio:,.1f}x the reports taky routes"
        if taky_rate
        else "taky routed none of the reports: no ratio"
    )
    print(
        f"  {compared} (target >= 20x, "
        f"picture <= 2 s old); brigade wrote {written:,.0f} picture messages, "
        f"refused {refused:,.0f} connections"
    )
    print(
        json.dumps(
            {
                "devices": devices,
                "seconds": seconds,
                "stored_per_s": round(rate),
                "picture_per_s": round(delivered),
                "age_p50": round(ours["age_p50"], 3),
                "age_p99": round(ours["age_p99"], 3),
                "age_max": round(ours["age_max"], 3),
                "age_p99_by_second": ours["age_p99_by_second"],
                "at_server_p50": round(ours["at_server_p50"], 3),
                "at_server_p99": round(ours["at_server_p99"], 3),
                "taky_routed_per_s": round(taky_rate, 1),
                "taky_delivered_per_s": round(taky_delivered),
                "taky_age_p99": round(theirs["age_p99"], 3),
                "ratio": round(ratio, 1) if taky_rate else None,
                "accounted": outcomes,
            }
        )
    )
    return 0


def _enlist(http: httpx.Client, devices: int) -> None:
    """A volunteer on shift for each device, and the device linked to them."""
    for n in range(devices):
        answer = http.post(
            "/commands/RegisterVolunteer", json={"name": f"V{n:03d}", "contact": "x"}
        )
        answer.raise_for_status()
        vid = answer.json()["result"]["volunteer_id"]
        for name, body in (
            ("StartShift", {"volunteer_id": vid}),
            ("LinkDevice", {"device_uid": f"bench-{n:03d}", "volunteer_id": vid}),
        ):
            http.post(f"/commands/{name}", json=body).raise_for_status()


def _position(http: httpx.Client) -> int:
    """The store's last position, once the views have it."""
    while True:
        answer = http.get("/ready")
        if answer.status_code == 200:
            return int(answer.json()["position"])
        time.sleep(0.05)


def _outcomes(http: httpx.Client) -> dict[str, int]:
    """brigade_cot_messages_total by outcome, from /metrics."""
    found: dict[str, int] = {}
    for line in http.get("/metrics").text.splitlines():
        if line.startswith("brigade_cot_messages_total{"):
            label = line.split('"')[1]
            found[label] = int(float(line.rsplit(" ", 1)[1]))
    return found


def _metric(http: httpx.Client, name: str) -> float:
    """A metric summed over its labels (0 if it has no samples)."""
    lines = http.get("/metrics").text.splitlines()
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in lines
        if line.startswith((f"{name} ", f"{name}{{"))
    )


def _accounted(http: httpx.Client, sent: int) -> float:
    """When the server had an outcome for every report sent (waits up to 2 min)."""
    deadline = time.monotonic() + 120
    while sum(_outcomes(http).values()) < sent:
        if time.monotonic() > deadline:
            raise RuntimeError(f"reports unaccounted for: {_outcomes(http)} of {sent}")
        time.sleep(0.02)
    return time.time()


def _devices(port: int, devices: int, seconds: float, grace: float) -> dict[str, Any]:
    arguments = [str(port), str(devices), str(seconds), str(grace)]
    client = subprocess.run(
        [sys.executable, "-m", "bench.cot_client", *arguments],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + grace + 300,
    )
    found: dict[str, Any] = json.loads(client.stdout.strip().splitlines()[-1])
    return found


@contextmanager
def taky(folder: Path) -> Iterator[int]:
    """taky on a free port, plain TCP: its port, once it accepts connections."""
    import socket

    folder.mkdir(parents=True)
    port = free_port()
    (folder / "taky.conf").write_text(
        "[taky]\nhostname = localhost\nnode_id = TAKY\nbind_ip = 127.0.0.1\n"
        f"root_dir = {folder}\n[cot_server]\nport = {port}\n[ssl]\nenabled = false\n"
    )
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "taky"), "-c", str(folder / "taky.conf")],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("taky did not start") from None
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # busy copying what it still holds
            server.kill()
            server.wait(timeout=10)
