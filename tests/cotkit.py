"""Test helpers for the TAK bridge: ATAK-style samples, and raw CoT over TCP."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from conftest import free_port

from domain.types import Role

if TYPE_CHECKING:
    from collections.abc import Iterator
    from xml.etree.ElementTree import Element

    from conftest import Api

SAMPLES = Path(__file__).parent / "cot_samples"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def sample(name: str, at: datetime | None = None, **values: str) -> bytes:
    """A sample from tests/cot_samples with its times (now by default) filled in."""
    at = at or datetime.now(UTC)
    text = (SAMPLES / f"{name}.xml").read_text()
    fields = {"time": stamp(at), "stale": stamp(at + timedelta(minutes=5)), **values}
    for field, value in fields.items():
        text = text.replace("{" + field + "}", value)
    return text.encode()


def metric(api: Api, name: str, label: str | None = None) -> float:
    """A counter of `/metrics`: the one with this label value, if one is named."""
    for line in api.http.get("/metrics").text.splitlines():
        if label is None and line.startswith(f"{name} "):
            return float(line.split()[1])
        if label is not None and line.startswith(f"{name}{{") and f'="{label}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def position(uid: str, at: datetime, lat: float = 24.91, lon: float = 118.59) -> bytes:
    """A device's position report as pytak and ATAK shape it."""
    return (
        f"<?xml version='1.0' encoding='UTF-8'?>\n<event version='2.0' uid='{uid}' "
        f"type='a-f-G-U-C' how='m-g' time='{stamp(at)}' start='{stamp(at)}' "
        f"stale='{stamp(at + timedelta(minutes=5))}'><point lat='{lat}' lon='{lon}' "
        "hae='9999999.0' ce='12.0' le='9999999.0'/><detail>"
        f"<contact callsign='{uid}'/><track course='90.0' speed='1.5'/></detail>"
        "</event>"
    ).encode()


def report_position(api: Api, vid: str, lat: float, lon: float) -> None:
    """A volunteer's position from their phone (the field app's way in)."""
    headers = api.token(Role.VOLUNTEER, vid)
    answer = api.send("ReportPosition", headers, volunteer_id=vid, lat=lat, lon=lon)
    assert answer.status_code == 200, answer.text


class Device:
    """A raw TCP (or TLS) CoT client: sends bytes, reads events as they come."""

    def __init__(
        self, port: int, context: ssl.SSLContext | None = None, timeout: float = 10
    ) -> None:
        raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock: socket.socket = (
            context.wrap_socket(raw, server_hostname="localhost") if context else raw
        )
        self.buffer = b""
        self.events: list[Element] = []

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_until(self, wanted: object, timeout: float = 10) -> list[Element]:
        """Read events until `wanted(events)` holds; every event read so far."""
        deadline = time.monotonic() + timeout
        while not wanted(self.events):  # type: ignore[operator]
            left = deadline - time.monotonic()
            assert left > 0, f"gave up after {len(self.events)} events"
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            assert chunk, "the server closed the connection"
            self.buffer += chunk
            while b"</event>" in self.buffer:
                document, self.buffer = self.buffer.split(b"</event>", 1)
                piece = document.strip() + b"</event>"
                self.events.append(ElementTree.fromstring(piece))
        return self.events

    def closed_by_server(self, timeout: float = 10) -> bool:
        """Whether the server ends the connection (reading whatever it still sends)."""
        self.sock.settimeout(timeout)
        try:
            while self.sock.recv(65536):
                pass
        except (ConnectionResetError, ssl.SSLError):
            return True
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> Device:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def by_uid(events: list[Element], uid: str) -> list[Element]:
    return [e for e in events if e.get("uid") == uid]


def make_pki(folder: Path) -> dict[str, Path]:
    """A CA, a server certificate for localhost and a client certificate, as files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.now(UTC)

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    def write(
        stem: str, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate
    ) -> None:
        (folder / f"{stem}.key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        (folder / f"{stem}.crt").write_bytes(
            cert.public_bytes(serialization.Encoding.PEM)
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("brigade test CA"))
        .issuer_name(name("brigade test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    write("ca", ca_key, ca)
    for stem, usage in (
        ("server", ExtendedKeyUsageOID.SERVER_AUTH),
        ("client", ExtendedKeyUsageOID.CLIENT_AUTH),
    ):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(name("localhost" if stem == "server" else "ATAK device"))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        )
        if stem == "server":
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False
            )
        write(stem, key, builder.sign(ca_key, hashes.SHA256()))
    return {
        stem: folder / f"{stem}.{ext}"
        for stem in ("ca", "server", "client")
        for ext in ("crt",)
    } | {f"{stem}_key": folder / f"{stem}.key" for stem in ("server", "client")}


@contextmanager
def taky(
    folder: Path, port: int, pki: dict[str, Path] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """A real TAK server (taky, a CoT router) on this port until done: plain TCP,
    or given a `make_pki`, TLS with client certificates required, as on 8089."""
    folder.mkdir(parents=True, exist_ok=True)
    tls = "enabled = false\n"
    if pki is not None:
        tls = (
            f"enabled = true\nclient_cert_required = true\nca = {pki['ca']}\n"
            f"cert = {pki['server']}\nkey = {pki['server_key']}\n"
        )
    (folder / "taky.conf").write_text(
        "[taky]\nhostname = localhost\nnode_id = TAKY\nbind_ip = 127.0.0.1\n"
        f"root_dir = {folder}\n[cot_server]\nport = {port}\n"
        # Its monitor port (8087 by default with TLS) somewhere free.
        f"mon_ip = 127.0.0.1\nmon_port = {free_port()}\n[ssl]\n{tls}"
    )
    log = (folder / "taky.log").open("ab")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "taky"), "-c", str(folder / "taky.conf")],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert server.poll() is None, (folder / "taky.log").read_text()[-2000:]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "taky did not start"
                time.sleep(0.05)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
