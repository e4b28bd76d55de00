"""deploy/nginx: the site config passes ``nginx -t``; Voilà's files come from nginx's cache (issue 19).

Debian's nginx (``make nginx``); skipped without it.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NGINX = Path("/usr/sbin/nginx")
pytestmark = pytest.mark.skipif(not NGINX.exists(), reason="Debian's nginx is not installed (make nginx)")


def _burst():
    spec = importlib.util.spec_from_file_location("bench_burst_nginx", ROOT / "benchmarks" / "burst.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec.loader.exec_module(module)
    return module


def test_the_site_config_is_valid(tmp_path):
    """The deploy config as shipped (with a throw-away certificate and local paths) passes ``nginx -t``."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=werkboek.example.org"], check=True, capture_output=True)
    site = (ROOT / "deploy" / "nginx" / "werkboek.conf").read_text()
    for old, new in (
        ("/etc/letsencrypt/live/werkboek.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/werkboek.example.org/privkey.pem", str(key)),
        ("/etc/nginx/snippets/werkboek-static.conf", str(ROOT / "deploy" / "nginx" / "werkboek-static.conf")),
        ("/var/cache/nginx/werkboek", str(tmp_path / "cache")),
        ("/var/log/nginx/", f"{tmp_path}/"),
    ):
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n include {tmp_path}/site.conf;\n}}\n"
    )
    check = subprocess.run([str(NGINX), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


@pytest.mark.browser
def test_voilas_files_come_from_the_cache_and_pages_still_work(tmp_path):
    """Through nginx with werkboek-static.conf: a file asked for twice reaches Voilà once; a page, its kernel
    websocket and its widgets work as without nginx (a remote client as in benchmarks/burst.py)."""
    from concurrent.futures import ThreadPoolExecutor

    from conftest import VoilaServer

    burst = _burst()
    served = tmp_path / "notebooks"
    served.mkdir()
    shutil.copy(ROOT / "benchmarks" / "bare.ipynb", served / "bare.ipynb")
    server = VoilaServer(tmp_path / "home", notebooks=served)
    front = None
    try:
        front = burst.NginxFront(server.base, tmp_path / "nginx")
        for _ in range(3):
            with urllib.request.urlopen(front.base + "/voila/static/voila.js", timeout=30) as answer:  # noqa: S310
                assert answer.status == 200 and b"voila" in answer.read().lower()
        assert front.hits(wait_for=("HIT", 2)) == {"MISS": 1, "HIT": 2}
        slot: dict = {}

        async def run() -> None:
            import aiohttp

            async with aiohttp.ClientSession() as http:
                url = front.base + server.url("bare.ipynb", "").removeprefix(server.base)
                await burst.remote_open(http, front.base, url, ["/voila/static/voila.js"], ".widget-button", slot,
                                        timeout=120)
                await burst.remote_close(http, front.base, slot)

        import asyncio

        with ThreadPoolExecutor(1) as pool:
            pool.submit(lambda: asyncio.run(run())).result()
        assert "error" not in slot and slot["server_s"] > 0, slot
        assert front.hits(wait_for=("HIT", 3))["HIT"] == 3  # the page itself and its websocket are never cached
    finally:
        if front is not None:
            front.stop()
        server.stop()
