"""The domain reference names every error code and every command clients can send."""

from __future__ import annotations

from pathlib import Path

from domain.errors import Code, DomainError
from gateway.schemas import command_classes

DOMAIN_DOC = (Path(__file__).parents[2] / "docs" / "domain.md").read_text()


def test_every_error_code_is_documented_with_its_kind() -> None:
    kinds = {cls.kind for cls in DomainError.__subclasses__()}
    for code in Code:
        rows = [
            line for line in DOMAIN_DOC.splitlines() if f"| `{code.value}` |" in line
        ]
        assert rows, f"{code.value} is not in docs/domain.md"
        assert rows[0].split("|")[2].strip() in kinds


def test_every_command_is_documented() -> None:
    # The commands clients can send: those the gateway makes a route and body for.
    names = [cls.__name__ for cls in command_classes()]
    missing = [name for name in names if name not in DOMAIN_DOC]
    assert names and not missing
