"""The README's examples, run as written against `brigade serve` on a fresh clone.

The commands, the frames typed into the WebSocket client and the output the README
shows are all read from README.md (the blocks after `<!-- example: ... -->` and
`<!-- output: ... -->`), so the README cannot drift from what brigade does. In the
shown output, `...` stands for anything. The one liberty taken: the server listens
on a free port instead of 8000 (BRIGADE_PORT, and the URLs rewritten to match).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx
from conftest import free_port
from support import eventually

README = Path(__file__).parents[2] / "README.md"
VENV = Path(sys.executable).parent.parent
# What the interactive client writes to keep a terminal tidy: cursor moves.
TERMINAL = re.compile(r"\x1b(?:\[[0-9;]*[A-Za-z]|[78])|\r")


def block(marker: str) -> list[str]:
    """The lines of the fenced block that follows `<!-- marker -->` in the README."""
    text = README.read_text()
    start = text.index(f"<!-- {marker} -->")
    fence = text.index("```", start)
    body = text.index("\n", fence) + 1
    return text[body : text.index("```", body)].splitlines()


def joined(lines: list[str]) -> list[str]:
    """Shell commands, one each, with backslash-continued lines put together."""
    commands, current = [], ""
    for line in lines:
        if line.endswith("\\"):
            current += line[:-1]
        else:
            commands.append(current + line)
            current = ""
    return commands


def shown(line: str) -> re.Pattern[str]:
    """A line of output as the README shows it; `...` matches anything."""
    return re.compile(".*?".join(re.escape(part) for part in line.split("...")))


def clean_env(port: int) -> dict[str, str]:
    """No BRIGADE_* configuration at all, except the port the test chose."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIGADE_")}
    return {**env, "BRIGADE_PORT": str(port)}


def on_port(text: str, port: int) -> str:
    return text.replace("localhost:8000", f"localhost:{port}")


def lines_of(stream: IO[str]) -> tuple[queue.Queue[str], threading.Thread]:
    """Everything a process writes, line by line, as it comes (until it ends)."""
    found: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        with stream:
            for line in stream:
                found.put(TERMINAL.sub("", line).rstrip("\n"))

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return found, thread


def next_matching(lines: queue.Queue[str], prefix: str) -> str:
    deadline = time.monotonic() + 20
    while True:
        line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        if line.startswith(prefix):
            return line


def test_the_readme_examples_work_as_written(tmp_path: Path) -> None:
    (tmp_path / ".venv").symlink_to(VENV)
    port = free_port()
    env = clean_env(port)

    # The HTTP example starts the server in the background: it outlives the script,
    # in the script's own process group, which the test stops at the end.
    with (tmp_path / "http.out").open("w+") as out, (tmp_path / "err").open("w") as err:
        http = subprocess.Popen(
            ["bash", "-e", "-c", on_port("\n".join(block("example: http")), port)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            assert http.wait(timeout=60) == 0, (tmp_path / "err").read_text()
            out.seek(0)
            printed = [line for line in out.read().splitlines() if line[:1] == "{"]
            expected = block("output: http")
            assert len(printed) == len(expected), printed
            for line, want in zip(printed, expected, strict=True):
                assert shown(want).fullmatch(line), (line, want)
            # "Run the registration again": the first outcome, replayed.
            commands = joined(block("example: http"))
            again = subprocess.run(
                [
                    "bash",
                    "-e",
                    "-c",
                    on_port(
                        "\n".join(
                            [c for c in commands if c.startswith("TOKEN=")]
                            + [commands[-1]]
                        ),
                        port,
                    ),
                ],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            first, repeated = json.loads(printed[-1]), json.loads(again.stdout)
            assert "RegisterVolunteer" in commands[-1]
            assert (repeated["replayed"], repeated["positions"]) == (
                True,
                first["positions"],
            )

            session = block("example: websocket")
            transcript(tmp_path, env, port, session)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(http.pid, signal.SIGTERM)


def transcript(
    tmp_path: Path, env: dict[str, str], port: int, lines: list[str]
) -> None:
    """Run the `$` lines, type the `>` lines into the client, check the `<` lines."""
    commands = [line[2:] for line in lines if line.startswith("$ ")]
    assert commands[-1].startswith(".venv/bin/python -m websockets ")
    script = on_port("\n".join([*commands[:-1], f"exec {commands[-1]}"]), port)
    client = subprocess.Popen(
        ["bash", "-e", "-c", script],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert client.stdin is not None and client.stdout is not None
    output, reading = lines_of(client.stdout)
    answers = 0
    try:
        for line in lines:
            if line.startswith("Connected to "):
                got = next_matching(output, "Connected to ")
                assert shown(on_port(line, port)).fullmatch(got), (got, line)
            elif line.startswith("> "):
                client.stdin.write(line[2:] + "\n")
                client.stdin.flush()
            elif line.startswith("< "):
                got = next_matching(output, "< ")
                answers += 1
                assert shown(line).fullmatch(got), (got, line)
        client.stdin.close()  # Ctrl-D
        assert client.wait(timeout=20) == 0
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()
        reading.join(timeout=10)
    assert answers == 3


def test_serve_starts_on_a_fresh_data_dir_with_no_configuration(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = clean_env(port)
    server = subprocess.Popen(
        [str(VENV / "bin" / "brigade"), "serve"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            assert server.poll() is None, "brigade serve exited"
            try:
                return httpx.get(f"{base}/ready", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        eventually(ready, 30, every=0.1, what="brigade serve did not get ready")
        token = subprocess.run(
            [str(VENV / "bin" / "brigade"), "token", "create", "--role", "commander"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        opened = httpx.post(
            f"{base}/commands/OpenOperation",
            json={"name": "Night drill", "kind": "drill"},
            headers={"Authorization": f"Bearer {token}"},
        )
    finally:
        server.send_signal(signal.SIGTERM)
        out, _ = server.communicate(timeout=30)
    assert opened.status_code == 200, opened.text
    # The token's issue is the log's first fact (the server honours it from there)
    assert opened.json()["position"] == 2
    assert f"SQLite {tmp_path / 'brigade-data'}" in out
    assert (tmp_path / "brigade-data" / "brigade.sqlite3").exists()
