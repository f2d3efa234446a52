"""CoT over TLS with client certificates, as TAK servers run on 8089."""

from __future__ import annotations

import contextlib
import ssl
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from conftest import free_port, serving
from cotkit import Device, by_uid, make_pki, sample

from gateway.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path


def test_only_a_device_with_a_certificate_of_our_ca_gets_in(
    store_url: str, tmp_path: Path
) -> None:
    pki = make_pki(tmp_path)
    port = free_port()
    settings = Settings(
        database_url=store_url,
        data_dir=tmp_path / "data",
        secret="test",
        cot_port=port,
        cot_tls_cert=pki["server"],
        cot_tls_key=pki["server_key"],
        cot_tls_ca=pki["ca"],
    )
    with serving(settings) as api:
        operation = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
        incident = api.commander(
            "ReportIncident",
            operation_id=operation["result"]["operation_id"],
            kind="flood",
            lat=24.9,
            lon=118.6,
            severity=4,
        )
        uid = f"brigade.incident.{incident['result']['incident_id']}"
        anonymous = ssl.create_default_context(cafile=pki["ca"])
        heard = b""
        # TLS 1.3 finishes the client's side first: the refusal comes as an alert.
        with contextlib.suppress(ssl.SSLError, ConnectionError):
            with Device(port, anonymous) as stranger:
                stranger.send(sample("atak_ping", datetime.now(UTC)))
                stranger.sock.settimeout(10)
                while chunk := stranger.sock.recv(65536):
                    heard += chunk
        assert b"<event" not in heard
        trusted = ssl.create_default_context(cafile=pki["ca"])
        trusted.load_cert_chain(pki["client"], pki["client_key"])
        with Device(port, trusted) as device:
            events = device.read_until(lambda events: by_uid(events, uid))
            assert by_uid(events, uid)[0].get("type") == "a-h-G"
