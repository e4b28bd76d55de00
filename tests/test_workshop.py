"""Workshop mode (issue 19): the plan, the serve options, and a server whose pools refill in the background."""

from __future__ import annotations

import json
import shutil
import time
import urllib.request

import pytest
from conftest import ROOT, VoilaServer

from purposecase import cli
from purposecase.voila_config import guard, workshop
from purposecase.voila_config.workshop import Workshop, admission_for, resolve_chapters, workshop_from_env


def test_a_workshop_preheats_its_chapters_for_everyone_and_one_for_the_rest():
    plan = Workshop(30)
    assert plan.chapters == ("03_voorbeelden.ipynb", "04_zelf_invullen.ipynb")
    assert plan.pools() == {
        "default": {"pool_size": workshop.OTHER_POOL_SIZE},
        "03_voorbeelden.ipynb": {"pool_size": 30},
        "04_zelf_invullen.ipynb": {"pool_size": 30},
    }
    assert plan.kernels(9) == 60 + 7 * workshop.OTHER_POOL_SIZE
    line = plan.describe(9)
    assert "67 voorverwarmde kernels" in line and "GB" in line


def test_chapters_are_named_by_name_or_prefix():
    notebooks = ROOT / "notebooks"
    assert resolve_chapters("03, 05_samen_puzzelen.ipynb,03", notebooks) == (
        "03_voorbeelden.ipynb",
        "05_samen_puzzelen.ipynb",
    )
    with pytest.raises(ValueError, match="matches 9 notebooks"):
        resolve_chapters("0", notebooks)
    with pytest.raises(ValueError, match="matches 0"):
        resolve_chapters("99", notebooks)


@pytest.mark.parametrize("raw", ["x", "0.5", "-3", str(workshop.MAX_PEOPLE + 1)])
def test_a_bad_workshop_size_is_refused(monkeypatch, raw):
    monkeypatch.setenv(workshop.WORKSHOP_ENV, raw)
    with pytest.raises(ValueError, match="PURPOSECASE_WORKSHOP"):
        workshop_from_env()


def test_the_environment_names_the_workshop(monkeypatch):
    monkeypatch.delenv(workshop.WORKSHOP_ENV, raising=False)
    assert workshop_from_env() is None
    monkeypatch.setenv(workshop.WORKSHOP_ENV, "12")
    monkeypatch.setenv(workshop.CHAPTERS_ENV, "00,04")
    assert workshop_from_env() == Workshop(12, ("00_welkom.ipynb", "04_zelf_invullen.ipynb"))


def test_a_workshop_raises_the_guards_limits_but_never_lowers_them():
    assert admission_for(30, 40, 20) == (60, 30)
    assert admission_for(5, 40, 20) == (40, 20)
    assert admission_for(30, 100, 50) == (100, 50)


def test_serve_passes_the_workshop_on(monkeypatch, capsys):
    for name in (workshop.WORKSHOP_ENV, workshop.CHAPTERS_ENV, guard.MAX_KERNELS_ENV, guard.STARTS_ENV,
                 guard.UNCONNECTED_ENV, "JUPYTER_PATH"):
        monkeypatch.setenv(name, "")  # recorded, so what serve sets is undone after the test
        monkeypatch.delenv(name)
    seen = {}

    def fake_main():
        import os
        import sys

        seen["argv"] = list(sys.argv)
        names = (workshop.WORKSHOP_ENV, guard.MAX_KERNELS_ENV, guard.STARTS_ENV, guard.UNCONNECTED_ENV)
        seen["env"] = {k: os.environ.get(k) for k in names}
        return 0

    monkeypatch.setattr("voila.app.main", fake_main)
    assert cli.main(["serve", "--workshop", "30", "--port", "18999"]) == 0
    assert "--preheat_kernel=True" in seen["argv"] and f"--pool_size={workshop.OTHER_POOL_SIZE}" in seen["argv"]
    assert seen["env"] == {workshop.WORKSHOP_ENV: "30", guard.MAX_KERNELS_ENV: "60", guard.STARTS_ENV: "30",
                           guard.UNCONNECTED_ENV: "90"}
    out = capsys.readouterr().out
    assert "Workshopstand voor 30" in out and "/voila/api/werkboek" in out


def test_serve_refuses_an_unknown_chapter(monkeypatch, capsys):
    for name in (workshop.WORKSHOP_ENV, workshop.CHAPTERS_ENV):
        monkeypatch.setenv(name, "")
    monkeypatch.setattr("voila.app.main", lambda: pytest.fail("voila started"))
    assert cli.main(["serve", "--workshop", "3", "--workshop-chapters", "42"]) == cli.EXIT_BAD_INPUT
    assert "matches 0 notebooks" in capsys.readouterr().err


def test_trusted_proxies_pass_the_real_address(monkeypatch):
    headers = {"X-Real-IP": "192.0.2.7"}
    monkeypatch.delenv(guard.TRUSTED_PROXIES_ENV, raising=False)
    assert guard.client_address("10.1.2.3", headers) == "10.1.2.3"  # an unknown peer's header is ignored
    assert guard.client_address("127.0.0.1", headers) == "192.0.2.7"
    monkeypatch.setenv(guard.TRUSTED_PROXIES_ENV, "10.0.0.0/8, fd00::/8")
    assert guard.client_address("10.1.2.3", headers) == "192.0.2.7"
    assert guard.client_address("192.0.2.99", headers) == "192.0.2.99"
    monkeypatch.setenv(guard.TRUSTED_PROXIES_ENV, "the ingress")
    with pytest.raises(ValueError, match="PURPOSECASE_TRUSTED_PROXIES"):
        guard.limits()


def _status(server) -> dict:
    with urllib.request.urlopen(server.base + "/voila/api/werkboek", timeout=10) as answer:  # noqa: S310
        return json.loads(answer.read())


def _wait_for(server, predicate, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status = _status(server)
        if predicate(status) or time.monotonic() > deadline:
            return status
        time.sleep(0.5)


def test_pools_fill_serve_pages_past_the_cap_and_refill_in_the_background(tmp_path):
    """Two warm kernels for 00; a page cap of 1 does not count them; taken kernels come back."""
    served = tmp_path / "notebooks"
    served.mkdir()
    for name in ("00_welkom.ipynb", "02_purpose_case.ipynb"):
        shutil.copy(ROOT / "notebooks" / name, served / name)
    server = VoilaServer(
        tmp_path / "home", notebooks=served, workshop=2,
        env={workshop.CHAPTERS_ENV: "00", guard.MAX_KERNELS_ENV: "1", guard.STARTS_ENV: "10"},
    )
    try:
        status = _wait_for(server, lambda s: s["ready"] == 3)
        assert status["pools"] == {
            "00_welkom.ipynb": {"ready": 2, "warming": 0, "target": 2},
            "02_purpose_case.ipynb": {"ready": 1, "warming": 0, "target": 1},
        }
        assert (status["workshop"], status["page_kernels"], status["max_kernels"]) == (2, 0, 1)
        with urllib.request.urlopen(server.base + "/voila/api/werkboek/ready", timeout=10) as answer:  # noqa: S310
            assert json.loads(answer.read()) == {"ready": True}
        # a page takes a warm kernel although the cap is one page kernel and three kernels run
        with urllib.request.urlopen(server.url("00_welkom.ipynb"), timeout=60) as answer:  # noqa: S310
            page = answer.read().decode()
        assert answer.status == 200 and "pc-busy" not in page
        taken = _status(server)
        assert taken["pools"]["00_welkom.ipynb"]["ready"] == 1 and taken["page_kernels"] == 1
        assert b"Using pre-heated kernel" in server.log_path.read_bytes()
        # the replacement waits for a quiet moment, then the pool is full again
        refilled = _wait_for(server, lambda s: s["pools"]["00_welkom.ipynb"]["ready"] == 2, timeout=90)
        assert refilled["pools"]["00_welkom.ipynb"] == {"ready": 2, "warming": 0, "target": 2}
        kernels = server.kernels()
    finally:
        server.stop()
    assert kernels and not [k for k in kernels if k.is_running()]  # SIGTERM ended the pool's kernels too


def test_the_trainer_sees_how_many_pages_are_warm():
    from purposecase.messages import Translator
    from purposecase.ui import warm

    assert warm.STATUS_PATH == "voila/api/werkboek"  # the address workshop.install serves
    assert warm.status_url({}) is None
    assert warm.status_url({"VOILA_APP_PORT": "8866", "VOILA_SERVER_URL": "/w/"}) == (
        "http://127.0.0.1:8866/w/voila/api/werkboek"
    )
    status = {
        "workshop": 30,
        "chapters": ["03_voorbeelden.ipynb"],
        "pools": {"03_voorbeelden.ipynb": {"ready": 28, "warming": 2, "target": 30},
                  "00_welkom.ipynb": {"ready": 1, "warming": 0, "target": 1}},
    }
    nl, en = Translator("nl"), Translator("en")
    assert warm.warm_text(status, nl) == "Klaar voor een groep van 30: 28 van 30 voorverwarmde pagina's op deze server."
    assert warm.warm_text(status, en) == "Ready for a group of 30: 28 of 30 preheated pages on this server."
    assert warm.warm_text({"workshop": 0, "pools": {"a": {"ready": 1, "target": 2}}}, nl) == (
        "Klaar op deze server: 1 van 2 voorverwarmde pagina's."
    )
    assert warm.warm_text({"workshop": 0, "pools": {}}, nl) == ""
    assert warm.warm_line(nl, {}).value == ""  # outside Voilà: no line, no thread


def test_the_trainer_line_reads_a_live_server(tmp_path):
    import http.server
    import threading

    from purposecase.messages import Translator
    from purposecase.ui import warm

    body = json.dumps({"workshop": 2, "chapters": ["03_voorbeelden.ipynb"],
                       "pools": {"03_voorbeelden.ipynb": {"ready": 2, "warming": 0, "target": 2}}}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        line = warm.warm_line(Translator("nl"), {"VOILA_APP_PORT": str(server.server_port)})
        deadline = time.monotonic() + 10
        while not line.value and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "Klaar voor een groep van 2: 2 van 2" in line.value
    finally:
        server.shutdown()
