"""Erasure by crypto-shredding, on SQLite and PostgreSQL.

A volunteer, a shop owner and a register entry are written; the store's raw
bytes never hold their names or phones. Erasing one deletes their key: the live
views, a rebuild, a replay to a moment before the erasure, the aggregate and the
report all read "erased", while every count and every event stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest
from psycopg.sql import SQL, Identifier
from support import LANDFALL, QUANZHOU, eventually, volunteer

from domain import commands as c
from domain.application import Brigade
from domain.model.premises import Premises
from domain.model.volunteer import Volunteer
from domain.privacy import ERASED
from domain.store.config import store_env
from projections.catalog import all_views
from projections.follower import Follower
from projections.rebuild import fold_log, rebuild
from replay.report import build_report
from replay.timetravel import TimeTravel

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from support import Scenario

    from domain.write import CommandWriter

NAME, PHONE = "Lin Xiaoyu", "+86 138 5555 0101"
OWNER = "Huang Dapeng"
ELDER, ELDER_PHONE = "Grandma Zheng Meilan", "+86 595 2288 7766"
SECRETS = (NAME, PHONE, OWNER, ELDER, ELDER_PHONE)


def raw_bytes(store_url: str) -> bytes:
    """Every byte the store holds: the SQLite files, or every row of the schema."""
    if store_url.startswith("sqlite"):
        path = Path(urlsplit(store_url).path[1:])
        files = [path, Path(f"{path}-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    schema = parse_qs(urlsplit(store_url).query)["schema"][0]
    server = urlsplit(store_url)._replace(query="").geturl()
    found = bytearray()
    with psycopg.connect(server) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (schema,),
        ).fetchall()
        for (table,) in tables:
            rows = conn.execute(
                SQL("SELECT * FROM {}.{}").format(Identifier(schema), Identifier(table))
            ).fetchall()
            for row in rows:
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        found += bytes(value)
                    elif value is not None:
                        found += str(value).encode()
    return bytes(found)


def leaked(store_url: str) -> list[str]:
    data = raw_bytes(store_url)
    return [s for s in SECRETS if s.encode() in data]


def tell(story: Scenario) -> dict[str, UUID]:
    """A volunteer who serves (enough positions for a snapshot), a shop, an elder."""
    op = story.operation()
    lin = story.ready_volunteer(NAME, on_shift=False)
    story.ok(c.StartShift, volunteer_id=lin, actor=volunteer(lin), operation_id=op)
    lon, lat = QUANZHOU
    for i in range(100):  # crosses a snapshot of the volunteer
        story.ok(
            c.ReportPosition,
            volunteer_id=lin,
            actor=volunteer(lin),
            lat=lat + i * 1e-5,
            lon=lon,
        )
    shop = story.new(
        c.RegisterPremises,
        "premises_id",
        name="Xiao Li noodles",
        address="12 Shuangyang Street",
        lat=lat,
        lon=lon,
        owner=OWNER,
    )
    elder = story.new(
        c.RegisterVulnerable,
        "entry_id",
        actor=volunteer(lin),
        kind="elderly_alone",
        area="Shuangyang",
        lat=lat,
        lon=lon,
        address="3 Qiaonan Lane",
        name=ELDER,
        contact=ELDER_PHONE,
        needs="walks with a frame",
        risk=4,
        consent=True,
    )
    story.ok(c.RateSatisfaction, volunteer_id=lin, rating=5)
    return {"op": op, "lin": lin, "shop": shop, "elder": elder}


def names(brigade: Brigade) -> dict[str, Any]:
    views = all_views()
    fold_log(brigade, views.values(), brigade.recorder.max_notification_id() or 0)
    return {
        "roster": {k: r["name"] for k, r in views["roster"].rows.items()},
        "register": {k: r["name"] for k, r in views["register"].rows.items()},
        "counts": views["register_areas"].rows["Shuangyang"]["entries"],
        "hours": {k: r["ratings"] for k, r in views["roster"].rows.items()},
    }


def test_the_log_never_holds_a_name_or_a_phone(story: Scenario, store_url: str) -> None:
    tell(story)
    assert leaked(store_url) == []


def test_an_erased_volunteer_reads_erased_everywhere(
    story: Scenario,
    brigade: Brigade,
    writer: CommandWriter,
    store_url: str,
    open_brigade: Callable[[], Brigade],
) -> None:
    ids = tell(story)
    lin = str(ids["lin"])
    follower = Follower(brigade)
    writer.on_commit(follower.wake)
    follower.start()
    try:
        before = names(brigade)
        assert before["roster"][lin] == NAME
        rebuild(brigade, brigade.checkpoints)  # a checkpoint holding the name
        events_before = brigade.recorder.max_notification_id() or 0
        erased_at = events_before

        outcome = story.ok(c.ErasePerson, person_id=ids["lin"], reason="asked")
        assert outcome.result == {"person_id": lin, "kind": "volunteer"}

        # Live: the running views were told.
        def live_erased() -> bool:
            rows = follower.deltas.snapshot("roster").rows
            return rows.get(lin, {}).get("name") == ERASED

        eventually(live_erased, what="the live roster kept the name")
    finally:
        follower.stop()

    # A fresh process: the aggregate (from its snapshot), a rebuild, a replay.
    again = open_brigade()
    assert again.get(Volunteer, ids["lin"]).name == ERASED
    after = names(again)
    assert after["roster"][lin] == ERASED
    assert after["hours"] == before["hours"]  # counts and history stay
    assert after["register"] == before["register"]  # someone else's data stays
    rebuilt = rebuild(again, again.checkpoints)
    assert rebuilt["roster"].rows[lin]["name"] == ERASED
    moment = TimeTravel(again).at_position(erased_at)  # before the erasure
    assert moment.rows("roster")[lin]["name"] == ERASED
    assert lin in moment.rows("roster")  # they were there; only the name is gone
    report = build_report(again, [ids["op"]])
    assert NAME not in report.html(LANDFALL)
    assert ERASED in report.html(LANDFALL)
    # Every event is still there, with one more: the erasure.
    assert (again.recorder.max_notification_id() or 0) == events_before + 1
    assert NAME not in leaked(store_url) and PHONE not in leaked(store_url)

    refused = story.do(c.ErasePerson, person_id=ids["lin"])
    assert refused.rejection is not None
    assert refused.rejection.code == "already_erased"


def test_erasing_an_owner_and_an_entry_keeps_the_shop_and_the_count(
    story: Scenario, store_url: str, open_brigade: Callable[[], Brigade]
) -> None:
    ids = tell(story)
    story.ok(c.ErasePerson, person_id=ids["shop"])
    story.ok(c.ErasePerson, person_id=ids["elder"])
    brigade = open_brigade()
    shop = brigade.get(Premises, ids["shop"])
    assert shop.id == ids["shop"]
    after = names(brigade)
    assert after["register"][str(ids["elder"])] == ERASED
    assert after["counts"] == 1  # the area still counts the entry
    assert after["roster"][str(ids["lin"])] == NAME  # the volunteer keeps theirs
    assert leaked(store_url) == []
    with_other = [e for e in [OWNER, ELDER, ELDER_PHONE] if e in repr(after)]
    assert with_other == []


def test_nobody_else_is_erased_by_a_wrong_id(story: Scenario) -> None:
    tell(story)
    refused = story.do(c.ErasePerson, person_id=story.operation())
    assert refused.rejection is not None
    assert refused.rejection.code == "person_not_found"


@pytest.mark.parametrize("kind", ["sqlite"])
def test_the_key_is_gone_from_the_file(kind: str, tmp_path: Path, clock: Any) -> None:
    """SQLite overwrites the erased key where it lay, and the WAL is emptied."""
    from support import Scenario

    from domain.write import CommandWriter

    url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    brigade = Brigade(env=store_env(url, tmp_path), clock=clock)
    writer = CommandWriter(brigade)
    try:
        story = Scenario(writer)
        lin = story.registered(NAME)
        key = brigade.mapper.keys.table.select_keys([str(lin)])[str(lin)]  # type: ignore[attr-defined]
        assert key is not None and key in raw_bytes(url)
        story.ok(c.ErasePerson, person_id=lin)
        assert key not in raw_bytes(url), kind
    finally:
        writer.close()
        brigade.close()


def test_views_saved_from_before_an_erasure_are_refused(
    story: Scenario, brigade: Brigade
) -> None:
    """A process that had not yet read the erasure cannot save the name back."""
    ids = tell(story)
    before = brigade.recorder.max_notification_id() or 0
    story.ok(c.ErasePerson, person_id=ids["lin"])
    after = brigade.recorder.max_notification_id() or 0
    recorder: Any = brigade.recorder
    recorder.save_checkpoint("views", before, NAME.encode())
    assert brigade.checkpoints.select_checkpoint("views") is None
    assert recorder.save_seek_point(before, None, 1, NAME.encode()) is False
    assert recorder.select_seek_points() == []
    # Folded from the log after the erasure, a point before it reads "erased".
    assert recorder.save_seek_point(before, None, 1, b"fresh", fresh=True) is True
    recorder.save_checkpoint("views", after, b"live")
    assert brigade.checkpoints.select_checkpoint("views") == (after, b"live")
