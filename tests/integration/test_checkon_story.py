"""A check-on round in a typhoon: the register, who sees what, and the counts.

The duty officer has four entries in the register, three in Qiaonan. In the
storm they send Chen Wei round Qiaonan: the highest risk is listed first; an
elder is evacuated (the operation's count moves), a bed-ridden man needs help
(an incident is reported at his door), a school is safe. Wu Min, not on the
round, sees none of it until dispatched near an entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from support import QUANZHOU, volunteer

from domain import commands as c
from domain.types import Role
from projections import access
from projections.catalog import all_views
from projections.rebuild import fold_log
from replay.report import build_report

if TYPE_CHECKING:
    from support import Scenario

    from domain.application import Brigade
    from projections.base import Row

LON, LAT = QUANZHOU


def entry(story: Scenario, name: str, area: str, risk: int, **more: Any) -> UUID:
    fields: dict[str, Any] = {
        "kind": "elderly_alone",
        "area": area,
        "lat": LAT,
        "lon": LON,
        "address": f"{name}'s door",
        "name": name,
        "contact": "+86 595 1234",
        "risk": risk,
        "consent": True,
    }
    return story.new(c.RegisterVulnerable, "entry_id", **(fields | more))


def views(brigade: Brigade) -> dict[str, dict[str, Row]]:
    folded = all_views()
    fold_log(brigade, folded.values(), brigade.recorder.max_notification_id() or 0)
    return {name: view.rows for name, view in folded.items()}


def test_a_round_from_start_to_evacuated(story: Scenario, brigade: Brigade) -> None:
    op = story.operation()
    flood = story.incident(op)
    story.ok(c.RecordEvacuation, incident_id=flood, count=3, destination="hall")
    chen, wu = story.ready_volunteer("Chen Wei"), story.ready_volunteer("Wu Min")
    elder = entry(story, "Zheng Meilan", "Qiaonan", 5, people=2)
    bedridden = entry(story, "Huang Bo", "Qiaonan", 3, kind="bedridden", lat=24.93)
    school = entry(story, "Qiaonan kindergarten", "Qiaonan", 2,
                   kind="children_facility", people=40)  # fmt: skip
    away = entry(story, "Lin Fang", "Shuangyang", 4, lat=24.99, lon=118.70)
    round_id = story.new(
        c.StartCheckRound, "round_id", operation_id=op, area="Qiaonan",
        volunteer_ids=[chen],
    )  # fmt: skip
    rows = views(brigade)
    pending = rows["checkons"][str(round_id)]["pending"]
    assert [p["id"] for p in pending] == [str(elder), str(bedridden), str(school)]
    assert rows["register_areas"]["Qiaonan"]["entries"] == 3
    assert rows["register_areas"]["Qiaonan"]["people"] == 2 + 1 + 40
    evacuated_before = rows["stats"][str(op)]["evacuated"]
    assert evacuated_before == 3

    # Only those given the round, only entries of its area.
    me = volunteer(chen)
    check: dict[str, Any] = {"round_id": round_id, "actor": me}
    not_given = story.do(c.RecordCheck, round_id=round_id, entry_id=elder,
                         outcome="safe", actor=volunteer(wu))  # fmt: skip
    assert not_given.rejection and not_given.rejection.code == "not_on_round"
    elsewhere = story.do(c.RecordCheck, entry_id=away, outcome="safe", **check)
    assert elsewhere.rejection and elsewhere.rejection.code == "not_in_area"

    story.ok(c.RecordCheck, entry_id=elder, outcome="evacuated", count=2,
             destination="Luojiang middle school", **check)  # fmt: skip
    help_ = story.ok(c.RecordCheck, entry_id=bedridden, outcome="needs_help",
                     note="oxygen running low", **check)  # fmt: skip
    incident = help_.result["incident_id"]
    rows = views(brigade)
    assert rows["stats"][str(op)]["evacuated"] == evacuated_before + 2
    round_row = rows["checkons"][str(round_id)]
    assert [p["id"] for p in round_row["pending"]] == [str(school)]
    assert round_row["evacuated"] == 2 and round_row["incidents"] == [incident]
    reported = rows["board"][incident]
    assert (reported["lat"], reported["severity"]) == (24.93, 3)
    assert reported["address"] == "Qiaonan"  # the area, never his address
    assert rows["register"][str(elder)]["last_check"]["outcome"] == "evacuated"

    story.ok(c.RecordCheck, entry_id=school, outcome="safe", **check)
    rows = views(brigade)
    assert rows["checkons"][str(round_id)]["pending"] == []
    data = build_report(brigade, [op]).data
    assert data["totals"]["people_evacuated"] == evacuated_before + 2

    # By need: Chen sees his round's area; Wu nothing, until sent near an entry.
    chen_sees = access.by_need("register", str(chen), rows)
    assert set(chen_sees) == {str(elder), str(bedridden), str(school)}
    assert list(access.by_need("checkons", str(chen), rows)) == [str(round_id)]
    assert access.by_need("register", str(wu), rows) == {}
    near_lin = story.ok(
        c.ReportIncident, operation_id=op, kind="flood", lat=24.992, lon=118.70,
        severity=3,
    ).result["incident_id"]  # fmt: skip
    story.ok(c.DispatchVolunteer, incident_id=UUID(near_lin), volunteer_id=wu)
    rows = views(brigade)
    assert set(access.by_need("register", str(wu), rows)) == {str(away)}
    assert not access.may_see(Role.OBSERVER, "register")
    assert access.may_see(Role.OBSERVER, "register_areas")


def test_an_entry_is_updated_and_its_counts_follow(
    story: Scenario, brigade: Brigade
) -> None:
    elder = entry(story, "Zheng Meilan", "Qiaonan", 2)
    story.ok(c.UpdateVulnerable, entry_id=elder, risk=5, people=3, needs="insulin")
    rows = views(brigade)
    assert rows["register"][str(elder)]["needs"] == "insulin"
    assert rows["register_areas"]["Qiaonan"]["by_risk"] == {"5": 1}
    assert rows["register_areas"]["Qiaonan"]["people"] == 3
    story.ok(c.ErasePerson, person_id=elder)
    refused = story.do(c.UpdateVulnerable, entry_id=elder, risk=1)
    assert refused.rejection and refused.rejection.code == "person_erased"
    rows = views(brigade)
    assert rows["register"][str(elder)]["needs"] == "erased"
    assert rows["register_areas"]["Qiaonan"]["entries"] == 1
