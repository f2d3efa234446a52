"""A check-on round on /ws/me, a real server: started naming the volunteer, it is
a `round:<id>` row on their phone with the area's entries as the register has
them; a check recorded from the phone marks its entry; another volunteer's phone
gets nothing of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldphone import Phone, channel, operation, ready

from domain.types import Role

if TYPE_CHECKING:
    from conftest import Api


def test_a_round_reaches_the_phone_of_the_volunteer_it_names(api: Api) -> None:
    op = operation(api)
    chen, wu = ready(api, "Chen Wei", op), ready(api, "Wu Min", op)
    place = {"area": "Qiaonan", "lat": 24.91, "lon": 118.59, "consent": True}
    elder = api.commander(
        "RegisterVulnerable", kind="elderly_alone", address="3 Lane",
        name="Zheng Meilan", contact="+86 595 1234", people=2, risk=5,
        needs="wheelchair", **place,
    )["result"]["entry_id"]  # fmt: skip
    with channel(api, chen) as ws, channel(api, wu) as other:
        phone, idle = Phone(ws), Phone(other)
        phone.take()
        idle.take()
        round_id = api.commander(
            "StartCheckRound", operation_id=op, area="Qiaonan", volunteer_ids=[chen]
        )["result"]["round_id"]
        key = f"round:{round_id}"
        rows = phone.until(lambda rows: key in rows)
        [entry] = rows[key]["entries"]
        assert (entry["id"], entry["name"], entry["needs"], entry["risk"]) == (
            elder, "Zheng Meilan", "wheelchair", 5,
        )  # fmt: skip
        assert (entry["outcome"], rows[key]["left"]) == (None, 1)

        school = api.commander(
            "RegisterVulnerable", kind="children_facility", address="1 School Rd",
            name="Qiaonan kindergarten", people=40, risk=2, **place,
        )["result"]["entry_id"]  # fmt: skip
        rows = phone.until(lambda rows: len(rows[key]["entries"]) == 2)
        assert [e["id"] for e in rows[key]["entries"]] == [elder, school]

        answer = api.send(
            "RecordCheck", api.token(Role.VOLUNTEER, chen), round_id=round_id,
            entry_id=elder, outcome="evacuated", count=2, destination="school",
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
        rows = phone.until(lambda rows: rows[key]["left"] == 1)
        first = rows[key]["entries"][0]
        assert (first["outcome"], first["count"], first["destination"]) == (
            "evacuated", 2, "school",
        )  # fmt: skip
        # Wu is on shift in the operation too: a broadcast after it all reaches him,
        # and nothing of the round came before it.
        api.commander("BroadcastMessage", operation_id=op, text="stay dry")
        idle.until(lambda rows: rows["broadcasts"]["items"])
        assert not any(k.startswith("round:") for k in idle.rows)
