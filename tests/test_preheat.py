"""Preheated kernels: the page's query string arrives over Voilà's request-info websocket."""

from __future__ import annotations

import json
import os
import sys
import threading

import pytest
from websockets.sync.server import serve

from purposecase.ui.common import PageContext, request_info_url, wait_for_request


def test_the_address_follows_voilas_environment_variables():
    env = {
        "VOILA_APP_IP": "10.0.0.5",
        "VOILA_APP_PORT": "9000",
        "VOILA_SERVER_URL": "/user/ans/",
        "VOILA_KERNEL_ID": "abc-123",
    }
    assert request_info_url(env) == "ws://10.0.0.5:9000/user/ans/voila/query/abc-123"
    env["VOILA_WS_BASE_URL"] = "/proxy/"
    env["VOILA_WS_PROTOCOL"] = "wss"
    assert request_info_url(env) == "wss://10.0.0.5:9000/proxy/voila/query/abc-123"
    assert request_info_url({}) == "ws://127.0.0.1:8866/voila/query/"


@pytest.fixture()
def request_info_server():
    """A websocket server that sends one request-info message, like Voilà's QueryStringSocketHandler."""
    sent = {"QUERY_STRING": "sleutel=abc&taal=en", "SCRIPT_NAME": "/voila/render/04_zelf_invullen.ipynb", "x": 1}
    paths = []

    def handler(ws):
        paths.append(ws.request.path)
        ws.send(json.dumps(sent))

    with serve(handler, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"ws://127.0.0.1:{server.socket.getsockname()[1]}", paths
        server.shutdown()


def test_the_request_reaches_the_environment_and_the_page_context(request_info_server, monkeypatch):
    base, paths = request_info_server
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("SCRIPT_NAME", raising=False)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-1")
    monkeypatch.setenv("VOILA_APP_PORT", base.rsplit(":", 1)[1])
    context = PageContext.from_query()
    assert (context.sleutel, context.lang) == ("abc", "en")
    assert os.environ["SCRIPT_NAME"] == "/voila/render/04_zelf_invullen.ipynb"
    assert "x" not in os.environ  # only text values become environment variables
    assert paths == ["/voila/query/k-1"]


def test_an_unreachable_voila_opens_the_page_without_a_link(monkeypatch, caplog):
    monkeypatch.delenv("QUERY_STRING", raising=False)
    from conftest import free_port

    wait_for_request(f"ws://127.0.0.1:{free_port()}/voila/query/k", connect_for=1.5)
    assert "QUERY_STRING" not in os.environ
    assert "no request info" in caplog.text
    assert PageContext.from_query("") == PageContext()


def test_the_page_modules_never_import_voila_utils():
    """voila.utils costs ~1.2 s and ~60 MB per kernel; a chapter must not pull it in."""
    import subprocess

    code = (
        "import sys, purposecase.ui as ui\n"
        "for name in ('ExamplesChapter', 'ZelfInvullenChapter', 'SamenPuzzelenChapter', 'DelenChapter',"
        " 'ImpactRoadmapChapter', 'WaardepropositieChapter', 'WelkomChapter'):\n"
        "    getattr(ui, name)\n"
        "print('voila.utils' in sys.modules, 'jupyter_server' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_connecting_is_retried_while_voila_is_busy(monkeypatch):
    """The request-info server comes up only after the kernel first tries: the kernel keeps trying."""
    from conftest import free_port

    monkeypatch.delenv("QUERY_STRING", raising=False)
    port = free_port()
    started = threading.Event()

    def late_server():
        import time

        time.sleep(1.0)
        with serve(lambda ws: ws.send(json.dumps({"QUERY_STRING": "sleutel=laat"})), "127.0.0.1", port) as server:
            started.set()
            server.serve_forever()

    threading.Thread(target=late_server, daemon=True).start()
    wait_for_request(f"ws://127.0.0.1:{port}/voila/query/k", connect_for=20)
    assert started.is_set()
    assert os.environ["QUERY_STRING"] == "sleutel=laat"
