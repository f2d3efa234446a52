"""Stories for the owner's and the office's pages, on a real `brigade serve`."""

# Chinese text is written with Chinese punctuation.
# ruff: noqa: RUF001

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from conftest import Api, gateway_processes
from PIL import Image

from domain.types import Role
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import ViewportSize

PHONE: ViewportSize = {"width": 390, "height": 844}


@contextmanager
def brigade_serve(tmp_path: Path, **env: str) -> Iterator[Api]:
    """One `brigade serve` process on an embedded store in `tmp_path`."""
    settings = Settings(data_dir=tmp_path / "data", secret="test")
    variables = {
        "BRIGADE_DATA_DIR": str(settings.data_dir),
        "BRIGADE_DATABASE_URL": "",
        "BRIGADE_REDIS_URL": "",
        "BRIGADE_SECRET": "test",
        "BRIGADE_REMINDER_EVERY": "0.5",
        **env,
    }
    with gateway_processes(variables, tmp_path) as (url,):
        api = Api(url, settings)
        try:
            yield api
        finally:
            api.http.close()


def png(colour: tuple[int, int, int], size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def upload(api: Api, data: bytes, role: Role = Role.COMMANDER) -> str:
    response = api.http.post(
        "/images", content=data, headers=api.token(role, "inspector")
    )
    assert response.status_code == 201, response.text
    sha: str = response.json()["sha256"]
    return sha


def shop_with_hazard(
    api: Api, *, due_in: timedelta, colour: tuple[int, int, int] = (200, 40, 40)
) -> dict[str, Any]:
    """A tea shop with a blocked exit found (with the inspector's photo) and its
    rectification ordered; the owner's token and link for it."""
    operation = api.commander(
        "OpenOperation", name="2026 shop checks, Luojiang", kind="programme"
    )["result"]["operation_id"]
    premises = api.commander(
        "RegisterPremises", name="陈记茶叶店", address="洛江区万安路12号",
        lat=24.95, lon=118.62, owner="陈女士", category="shop",
    )["result"]["premises_id"]  # fmt: skip
    photo = upload(api, png(colour))
    hazard = api.commander(
        "RecordHazard", premises_id=premises, operation_id=operation,
        kind="安全出口堵塞 blocked exit", severity=4, photo_sha256=photo,
        note="后门堆放纸箱，请清理 boxes stacked at the back door",
    )["result"]["hazard_id"]  # fmt: skip
    deadline = datetime.now(UTC) + due_in
    api.commander(
        "OrderRectification", premises_id=premises, hazard_id=hazard,
        deadline=deadline.isoformat(),
    )  # fmt: skip
    issued = api.commander("IssueOwnerToken", premises_id=premises, name="陈女士")
    return {
        "operation": operation,
        "premises": premises,
        "hazard": hazard,
        "photo": photo,
        **issued["result"],
    }


def hazard_row(api: Api, hazard: str) -> dict[str, Any]:
    response = api.http.get("/views/hazards", headers=api.token(Role.COMMANDER))
    row: dict[str, Any] = response.json()["rows"][hazard]
    return row
