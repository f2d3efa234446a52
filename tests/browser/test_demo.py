"""The newcomer's first minute in a real browser: `brigade demo`, then the printed
address, and the storm unfolding on the page."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from conftest import free_port
from playwright.sync_api import expect

if TYPE_CHECKING:
    from browser.conftest import Window

BRIGADE = str(Path(sys.executable).parent / "brigade")
ADDRESS = re.compile(r"^\s+(http://127\.0\.0\.1:\d+/#token=\S+)$")


def test_the_printed_address_opens_the_storm_playing_live(
    tmp_path: Path, window: Window
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIGADE_")}
    with (tmp_path / "stderr").open("w") as stderr:
        demo = subprocess.Popen(
            [BRIGADE, "demo", "--port", str(free_port())],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    assert demo.stdout is not None
    try:
        for line in demo.stdout:  # up to the address; the rest is not read
            found = ADDRESS.match(line)
            if found:
                break
        else:
            raise AssertionError((tmp_path / "stderr").read_text())
        page = window.page
        page.goto(found.group(1))

        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        expect(page.locator("#operation")).to_have_text(
            "Typhoon Doksuri response, Luojiang", timeout=30_000
        )
        expect(page.locator("#map path.operation-area")).to_be_visible()
        expect(page.locator('body[data-role="commander"]')).to_have_count(1)
        # The storm keeps coming: the field clock moves on past the morning's start
        # and incidents arrive on the board while the page is open.
        board = page.locator("#board tbody tr")
        expect(board.first).to_be_visible(timeout=30_000)
        seen = board.count()
        expect(board).not_to_have_count(seen, timeout=60_000)
        assert board.count() > seen
        expect(page.locator("#clock")).to_contain_text("2023-07-28 0")
    finally:
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=30)
        demo.stdout.close()
    assert demo.returncode == 0, (tmp_path / "stderr").read_text()
