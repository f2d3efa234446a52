"""`brigade bench page`: does the command centre keep up, measured in the page?

Starts `brigade demo` (the simulated Typhoon Doksuri, 120x) in its own store and
opens the command centre in a real Chromium (Debian's, through Playwright; no
browser is downloaded). Two phases:

- **live**: the demo at 120x for 60 s (`--quick`: 20 s);
- **replay**: the same page switched to replay, seeking to the evening before
  landfall (2023-07-27 20:00, field time) and playing at 1000x for 60 s
  (`--quick`: 20 s): the night and the morning of the storm, 17 field hours.

Measured in the page: every main-thread task over 50 ms (PerformanceObserver
`longtask`, the longest reported), the time to apply each deltas frame to the
page's views (`Views.take`), and the time of each render that follows (once per
animation frame, however many frames arrived). Targets: no task over 200 ms, and
applying a deltas frame p99 at most 16 ms. The baseline, from the same run: an
empty animation frame's cost on this machine (the page idle before it connects),
so that a loaded machine shows as such.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from projections.stats import percentile

# Replay plays from the evening before landfall: the storm's busiest hours follow.
REPLAY_FROM = "2023-07-27T20:00:00"
LONGEST_TASK_MS = 200.0
FRAME_P99_MS = 16.0

# Installed before the page's own scripts: the long tasks, from the first.
OBSERVE = """
window.__bench = { longtasks: [], takes: [], renders: [] };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__bench.longtasks.push(entry.duration);
}).observe({ type: "longtask", buffered: true });
"""

# Wraps the page's own calls once it has started (window.brigade is its state).
HOOK = """
() => {
  const page = window.brigade;
  const views = page.views;
  const take = views.take.bind(views);
  views.take = (frame) => {
    const started = performance.now();
    take(frame);
    if (frame.type === "deltas") window.__bench.takes.push(performance.now() - started);
  };
  page.onRender = (ms) => window.__bench.renders.push(ms);
  return true;
}
"""

RESET = """
() => { const b = window.__bench; b.longtasks = []; b.takes = []; b.renders = [];
        return true; }
"""

# The cost of doing nothing for 120 animation frames: this machine's floor.
IDLE = """
async () => {
  const costs = [];
  let last = performance.now();
  for (let i = 0; i < 120; i++) {
    await new Promise((done) => requestAnimationFrame(done));
    const now = performance.now();
    costs.push(now - last);
    last = now;
  }
  return costs;
}
"""


def start_demo(port: int, data_dir: Path, seconds: int) -> tuple[Any, str]:
    """`brigade demo` in a subprocess; its process and the page's address."""
    brigade = shutil.which("brigade") or str(Path(sys.executable).with_name("brigade"))
    process = subprocess.Popen(
        [
            brigade,
            "demo",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            "--speed",
            "120",
            "--for",
            str(seconds),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 300
    for line in process.stdout:
        found = re.search(r"http://\S+#token=\S+", line)
        if found:
            return process, found.group(0)
        if time.monotonic() > deadline:
            break
    process.kill()
    msg = "the demo did not print its address"
    raise RuntimeError(msg)


def summary(name: str, data: dict[str, list[float]]) -> dict[str, Any]:
    takes, renders = sorted(data["takes"]), sorted(data["renders"])
    longest = max(data["longtasks"], default=0.0)
    found = {
        "phase": name,
        "longest_task_ms": round(longest, 1),
        "long_tasks": len(data["longtasks"]),
        "frames": len(takes),
        "take_p50_ms": round(percentile(takes, 0.5) or 0.0, 2),
        "take_p99_ms": round(percentile(takes, 0.99) or 0.0, 2),
        "take_max_ms": round(max(takes, default=0.0), 2),
        "renders": len(renders),
        "render_p50_ms": round(percentile(renders, 0.5) or 0.0, 2),
        "render_p99_ms": round(percentile(renders, 0.99) or 0.0, 2),
    }
    p99 = percentile(takes, 0.99) or 0.0
    found["met"] = longest <= LONGEST_TASK_MS and p99 <= FRAME_P99_MS
    return found


def wait_until(page: Page, check: str, seconds: float = 120) -> None:
    """Poll a check in the page (wait_for_function would eval a string, which the
    page's Content-Security-Policy forbids)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(check):
        if time.monotonic() > deadline:
            msg = f"the page never got to: {check}"
            raise TimeoutError(msg)
        page.wait_for_timeout(200)


def measure(page: Page, name: str, seconds: float) -> dict[str, Any]:
    page.evaluate(RESET)
    page.wait_for_timeout(seconds * 1000)
    return summary(name, page.evaluate("window.__bench"))


def run(quick: bool = False, port: int = 8765) -> int:
    seconds = 20 if quick else 60
    chromium = os.environ.get("BRIGADE_TEST_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        print("no chromium on the PATH: apt-get install -y chromium")
        return 1
    with tempfile.TemporaryDirectory(prefix="brigade-bench-page-") as tmp:
        # The demo runs through both phases, the page's start and a margin.
        demo, url = start_demo(port, Path(tmp) / "demo", int(seconds * 2 + 120))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium)
                context = browser.new_context(viewport={"width": 1600, "height": 900})
                page = context.new_page()
                page.add_init_script(OBSERVE)
                page.goto(url)
                idle = sorted(page.evaluate(IDLE))
                wait_until(page, "() => window.brigade?.views?.position > 0")
                page.evaluate(HOOK)
                page.wait_for_selector('#connection[data-state="connected"]')
                page.wait_for_timeout(3000)  # past the first snapshots
                live = measure(page, "live 120x", seconds)
                page.locator('#modes [data-mode="replay"]').click()
                page.wait_for_selector('#connection[data-state="connected"]')
                page.evaluate(
                    """(at) => { const box = document.getElementById("replay-moment");
                       box.value = at; box.dispatchEvent(new Event("change")); }""",
                    REPLAY_FROM,
                )
                page.locator("#replay-speed").select_option("1000")
                page.wait_for_timeout(2000)
                page.locator("#replay-play").click()
                replay = measure(page, "replay 1000x", seconds)
                browser.close()
        finally:
            demo.terminate()
            demo.wait(timeout=30)
    baseline = {
        "idle_frame_p50_ms": round(percentile(idle, 0.5) or 0.0, 2),
        "idle_frame_p99_ms": round(percentile(idle, 0.99) or 0.0, 2),
    }
    print(
        f"targets: no task over {LONGEST_TASK_MS:.0f} ms; a deltas frame applied "
        f"p99 <= {FRAME_P99_MS:.0f} ms"
    )
    print(
        f"baseline: an idle animation frame p50 {baseline['idle_frame_p50_ms']} ms, "
        f"p99 {baseline['idle_frame_p99_ms']} ms"
    )
    for found in (live, replay):
        print(
            f"{found['phase']:>13}: longest task {found['longest_task_ms']} ms "
            f"({found['long_tasks']} over 50 ms); {found['frames']} deltas frames "
            f"applied p50 {found['take_p50_ms']} ms, p99 {found['take_p99_ms']} ms "
            f"(max {found['take_max_ms']}); {found['renders']} renders p50 "
            f"{found['render_p50_ms']} ms, p99 {found['render_p99_ms']} ms: "
            + ("met" if found["met"] else "MISSED")
        )
    print(json.dumps({"baseline": baseline, "phases": [live, replay]}))
    return 0
