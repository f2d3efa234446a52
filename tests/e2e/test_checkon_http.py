"""A check-on round over HTTP, as the command centre and a volunteer's phone do it.

The duty officer registers an elder and a school, starts a round of Qiaonan with
Chen Wei; Chen's phone reads his round (only his), evacuates the elder, and the
operation's evacuated count on the stats view moves by two. An observer sees the
area's counts and never a name; Wu Min, on no round, sees nothing of the register.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from badinput import ready_volunteer
from support import eventually

from domain.types import Role

if TYPE_CHECKING:
    from conftest import Api


def view(api: Api, name: str, role: Role, subject: str = "duty-officer") -> Any:
    return api.http.get(f"/views/{name}", headers=api.token(role, subject))


def test_a_round_from_start_to_evacuated_moves_the_count(api: Api) -> None:
    op = api.commander("OpenOperation", name="Doksuri", kind="typhoon")["result"][
        "operation_id"
    ]
    chen, wu = ready_volunteer(api, "Chen Wei"), ready_volunteer(api, "Wu Min")
    place = {"area": "Qiaonan", "lat": 24.91, "lon": 118.59, "consent": True}
    elder = api.commander(
        "RegisterVulnerable", kind="elderly_alone", address="3 Lane",
        name="Zheng Meilan", contact="+86 595 1234", people=2, risk=5, **place,
    )["result"]["entry_id"]  # fmt: skip
    api.commander(
        "RegisterVulnerable", kind="children_facility", address="1 School Rd",
        name="Qiaonan kindergarten", people=40, risk=2, **place,
    )  # fmt: skip
    round_id = api.commander(
        "StartCheckRound", operation_id=op, area="Qiaonan", volunteer_ids=[chen]
    )["result"]["round_id"]
    at = api.position()

    rounds = view(api, "checkons", Role.VOLUNTEER, chen).json()
    assert rounds["position"] >= at and list(rounds["rows"]) == [round_id]
    pending = rounds["rows"][round_id]["pending"]
    assert [p["name"] for p in pending] == ["Zheng Meilan", "Qiaonan kindergarten"]
    assert view(api, "checkons", Role.VOLUNTEER, wu).json()["rows"] == {}
    assert view(api, "register", Role.VOLUNTEER, wu).json()["rows"] == {}
    assert len(view(api, "register", Role.VOLUNTEER, chen).json()["rows"]) == 2
    for name in ("register", "checkons"):
        refused = view(api, name, Role.OBSERVER)
        assert (refused.status_code, refused.json()["code"]) == (
            403,
            "view_not_allowed",
        )
    areas = view(api, "register_areas", Role.OBSERVER).json()["rows"]
    assert areas["Qiaonan"]["entries"] == 2 and "Zheng" not in str(areas)

    def evacuated() -> int:
        rows = view(api, "stats", Role.OBSERVER).json()["rows"]
        return int(rows.get(op, {}).get("evacuated", 0))

    before = evacuated()
    answer = api.send(
        "RecordCheck", api.token(Role.VOLUNTEER, chen), round_id=round_id,
        entry_id=elder, outcome="evacuated", count=2,
        destination="Luojiang middle school",
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    eventually(lambda: evacuated() == before + 2, what="the count never moved")
    left = view(api, "checkons", Role.COMMANDER).json()["rows"][round_id]
    assert [p["name"] for p in left["pending"]] == ["Qiaonan kindergarten"]
    assert left["evacuated"] == 2

    wrong = api.send(
        "RecordCheck", api.token(Role.VOLUNTEER, wu), round_id=round_id,
        entry_id=elder, outcome="safe",
    )  # fmt: skip
    assert (wrong.status_code, wrong.json()["code"]) == (403, "not_on_round")
