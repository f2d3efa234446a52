"""The simulated Doksuri's typhoon warning: blue as the operation opens, orange the
night before landfall, red at dawn, lifted the day after; the same at every moment
replayed as folded afresh, each revision a valid CAP alert."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pytest
from capcheck import valid_alert

from gateway.cap.alerts import alert_xml
from projections.catalog import all_views
from projections.rebuild import fold_log
from projections.warnings import Warnings
from replay.sim.model import CST
from replay.timetravel import TimeTravel

if TYPE_CHECKING:
    from conftest import Played

# Shuangyang, in the heart of the district; and Xiamen, far outside it.
SHUANGYANG = (118.646, 24.958)
XIAMEN = (118.09, 24.48)


@pytest.mark.parametrize(
    ("moment", "level", "status"),
    [
        ("2023-07-27T15:59:00", None, None),
        ("2023-07-27T18:00:00", "blue", "active"),
        ("2023-07-28T00:00:00", "orange", "active"),
        ("2023-07-28T09:55:00", "red", "active"),
        ("2023-07-29T12:00:00", "red", "cancelled"),
    ],
)
def test_the_warning_at_each_moment_of_the_week(
    published_year: Played, moment: str, level: str | None, status: str | None
) -> None:
    brigade, simulation = published_year.brigade, published_year.simulation
    at = TimeTravel(brigade).at_field_time(
        datetime.fromisoformat(moment).replace(tzinfo=CST)
    )
    view = at.views["warnings"]
    assert isinstance(view, Warnings)
    row = view.rows.get(str(simulation.warning))
    assert (row and row["level"], row and row["status"]) == (level, status)
    standing = status == "active"
    assert [r["id"] for r in view.covering(*SHUANGYANG)] == (
        [str(simulation.warning)] if standing else []
    )
    assert view.covering(*XIAMEN) == []
    # Replayed from a seek point, the same rows as folded from the start.
    afresh = all_views()
    fold_log(brigade, afresh.values(), at.position)
    assert afresh["warnings"].rows == view.rows


def test_every_alert_of_the_week_is_valid_cap_and_names_those_before(
    published_year: Played,
) -> None:
    brigade, simulation = published_year.brigade, published_year.simulation
    views = all_views()
    fold_log(brigade, views.values(), brigade.recorder.max_notification_id() or 0)
    view = views["warnings"]
    assert isinstance(view, Warnings)
    row = view.rows[str(simulation.warning)]
    identifiers = [a["identifier"] for a in row["alerts"]]
    assert [a["msg_type"] for a in row["alerts"]] == [
        "Alert", "Update", "Update", "Cancel",
    ]  # fmt: skip
    read = [valid_alert(alert_xml(view.revision(i) or {})) for i in identifiers]
    assert [str(a["cap_info"][1]["cap_severity"]) for a in read] == [
        "Minor", "Severe", "Extreme", "Extreme",
    ]  # fmt: skip
    for n, alert in enumerate(read):
        named = str(alert.get("cap_references", "")).split()
        assert [ref.split(",")[1] for ref in named] == identifiers[:n]
