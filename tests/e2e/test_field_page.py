"""The field app's files over HTTP: one origin only, the worker's scope, gzip."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conftest import serving

from gateway.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path


def test_the_app_shell_is_served_with_a_strict_policy_and_gzipped(
    tmp_path: Path,
) -> None:
    with serving(Settings(data_dir=tmp_path / "data", secret="test")) as api:
        page = api.http.get("/field", headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200
        assert page.headers["content-encoding"] == "gzip"
        assert "<title>brigade · field</title>" in page.text
        policy = page.headers["content-security-policy"]
        assert "script-src 'self';" in policy
        assert "connect-src 'self';" in policy
        assert "unsafe" not in policy

        worker = api.http.get("/field/sw.js")
        assert worker.headers["service-worker-allowed"] == "/field"
        assert worker.headers["content-type"].startswith("text/javascript")
        # Every file the worker keeps is served.
        listed = worker.text[worker.text.index("const SHELL") : worker.text.index("];")]
        for path in [line.strip(' ",') for line in listed.splitlines()[1:]]:
            assert api.http.get(path).status_code == 200, path

        manifest = api.http.get("/field/manifest.webmanifest")
        assert manifest.headers["content-type"] == "application/manifest+json"
        assert manifest.json()["start_url"] == "/field"

        plain = api.http.get("/field/js/i18n.js", headers={"Accept-Encoding": ""})
        assert "content-encoding" not in plain.headers
        packed = api.http.get("/field/js/i18n.js", headers={"Accept-Encoding": "gzip"})
        assert packed.headers["content-encoding"] == "gzip"
        assert packed.content == plain.content  # what httpx unpacked
        assert int(packed.headers["content-length"]) < len(plain.content) / 2

        again = api.http.get(
            "/field/js/i18n.js", headers={"If-None-Match": plain.headers["etag"]}
        )
        assert again.status_code == 304

        for hidden in ("/field/.secret", "/field/js/../../app.py", "/field/x.py"):
            assert api.http.get(hidden).status_code == 404, hidden
