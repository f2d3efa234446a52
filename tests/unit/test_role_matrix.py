"""The role matrix of docs/domain.md is what each command allows, role by role."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.types import Role
from gateway.schemas import command_classes

DOMAIN_DOC = (Path(__file__).parents[2] / "docs" / "domain.md").read_text()
ROLES = (Role.COMMANDER, Role.OFFICER, Role.VOLUNTEER, Role.OWNER)


def matrix() -> dict[str, dict[Role, str]]:
    """Command name -> what each role may do, as the table says it."""
    section = DOMAIN_DOC.split("## Who may do what", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["command", *(role.value for role in ROLES)]
    found: dict[str, dict[Role, str]] = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        for name in cells[0].split(","):
            assert name.strip() not in found, f"{name} is in the matrix twice"
            found[name.strip()] = dict(zip(ROLES, cells[1:], strict=True))
    return found


def test_every_command_has_a_row_and_no_row_names_a_command_that_is_not() -> None:
    names = {cls.__name__ for cls in command_classes()}
    documented = set(matrix())
    assert names - documented == set(), "commands missing from the role matrix"
    assert documented - names == set(), "the matrix names commands that do not exist"


@pytest.mark.parametrize("cls", command_classes(), ids=lambda cls: cls.__name__)
def test_the_matrix_says_what_the_command_allows_for_each_role(cls: type) -> None:
    row = matrix()[cls.__name__]
    for role in ROLES:
        assert (row[role] != "no") == (role in cls.allowed), (cls.__name__, role)  # type: ignore[attr-defined]


def test_observers_send_nothing() -> None:
    assert all(Role.OBSERVER not in cls.allowed for cls in command_classes())
    assert "Observers send no commands." in DOMAIN_DOC
