"""Where the TAK server is, and how brigade speaks to it: refused at start if wrong."""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING

import pytest
from cotkit import make_pki

from gateway.settings import Settings
from gateway.tak.bridge import client_context, server_address

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("tcp://tak.example:8087", ("tak.example", 8087, False)),
        ("tls://tak.example:8089", ("tak.example", 8089, True)),
        ("ssl://10.0.0.5:8089", ("10.0.0.5", 8089, True)),  # pytak's other name
    ],
)
def test_a_tak_server_address_says_host_port_and_tls(
    url: str, expected: tuple[str, int, bool]
) -> None:
    assert server_address(url) == expected


@pytest.mark.parametrize(
    "url",
    ["udp://tak.example:8087", "tak.example:8087", "tcp://tak.example", "tcp://:1"],
)
def test_anything_else_is_refused_with_what_is_wanted(url: str) -> None:
    with pytest.raises(ValueError, match=r"tcp://host:port or tls://host:port"):
        server_address(url)


def test_tls_checks_the_server_and_presents_brigade_s_certificate(
    tmp_path: Path,
) -> None:
    pki = make_pki(tmp_path)
    settings = Settings(
        tak_server="tls://localhost:8089",
        tak_cert=pki["client"],
        tak_key=pki["client_key"],
        tak_ca=pki["ca"],
    )
    context = client_context(settings)
    assert context is not None
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert len(context.get_ca_certs()) == 1  # the given CA, not the system's


def test_a_certificate_for_plain_tcp_is_a_mistake_said_at_start(
    tmp_path: Path,
) -> None:
    pki = make_pki(tmp_path)
    plain = Settings(tak_server="tcp://localhost:8087")
    assert client_context(plain) is None
    mistaken = plain.model_copy(
        update={"tak_cert": pki["client"], "tak_key": pki["client_key"]}
    )
    with pytest.raises(ValueError, match="use tls://"):
        client_context(mistaken)
