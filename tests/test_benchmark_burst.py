"""The burst benchmark's remote clients (``benchmarks/burst.py --clients remote``): no time is asserted."""

import asyncio
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
spec = importlib.util.spec_from_file_location("bench_burst", ROOT / "benchmarks" / "burst.py")
burst = importlib.util.module_from_spec(spec)
sys.modules["bench_burst"] = burst
spec.loader.exec_module(burst)


def run_async(make_coroutine):
    """Run a coroutine in a thread of its own (the browser tests' Playwright may hold this thread's loop)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def test_visible_means_the_selectors_widget_is_in_the_state():
    button = {"a": {"model_name": "ButtonModel", "state": {}}}
    html = {"b": {"model_name": "HTMLModel", "state": {"value": '<div class="x pc-canvas y">…</div>'}}}
    near = {"c": {"model_name": "HTMLModel", "state": {"value": '<div class="pc-canvas-view"></div>'}}}
    classed = {"d": {"model_name": "VBoxModel", "state": {"_dom_classes": ["pc-board"]}}}
    assert burst.is_visible(button, ".widget-button") and not burst.is_visible(html, ".widget-button")
    assert burst.is_visible(html, ".pc-canvas") and not burst.is_visible(near, ".pc-canvas")
    assert burst.is_visible(classed, ".pc-board") and not burst.is_visible(classed, ".pc-boa")
    assert burst.is_visible({**near, **classed}, ".pc-board:enabled")


def test_binary_frames_are_decoded_like_jupyters():
    message = {"header": {"msg_type": "comm_msg"}, "content": {"data": {"method": "update_states"}}}
    body = json.dumps(message).encode()
    buffer = b"\x00\x01\x02"
    offsets = [4 + 4 * 2, 4 + 4 * 2 + len(body)]
    frame = (2).to_bytes(4, "big") + b"".join(o.to_bytes(4, "big") for o in offsets) + body + buffer
    assert burst._decode(frame) == message
    assert burst._decode(json.dumps(message)) == message


def test_only_the_servers_static_files_are_replayed():
    base = "http://127.0.0.1:8866"
    urls = [
        f"{base}/voila/render/bare.ipynb?lang=nl",
        f"{base}/voila/static/voila.js",
        f"{base}/voila/static/voila.js",
        f"{base}/voila/templates/werkboek/static/index.css?v=abc",
        f"{base}/api/kernels/x/channels",
        f"{base}/voila/api/werkboek",
        "http://127.0.0.1:9999/other.js",
        "data:;base64,=",
    ]
    assert burst.browser_assets(urls, base) == [
        "/voila/static/voila.js",
        "/voila/templates/werkboek/static/index.css?v=abc",
    ]


@pytest.mark.browser
def test_a_remote_client_opens_a_page_and_its_widgets_like_a_browser(tmp_path):
    from conftest import VoilaServer

    served = tmp_path / "notebooks"
    served.mkdir()
    shutil.copy(ROOT / "benchmarks" / "bare.ipynb", served / "bare.ipynb")
    server = VoilaServer(tmp_path / "home", notebooks=served)
    try:
        slot: dict = {}

        async def run() -> None:
            import aiohttp

            async with aiohttp.ClientSession() as http:
                await burst.remote_open(http, server.base, server.url("bare.ipynb", ""), ["/voila/static/voila.js"],
                                        ".widget-button", slot)
                kernels = len(server.kernels())
                await burst.remote_close(http, server.base, slot)
                slot["kernels_open"] = kernels

        run_async(run)
        assert "error" not in slot, slot
        assert slot["server_s"] > 0 and slot["kernel_id"] and slot["kernels_open"] >= 1
        burst.wait_until_settled(server, 0, timeout=120)  # the page left: its kernel is shut down
    finally:
        server.stop()


def test_a_page_that_never_shows_is_an_error_not_a_hang():
    """``remote_open`` against a server that answers but never shows the widget gives up at its timeout."""
    from aiohttp import web

    async def run() -> dict:
        async def page(_request):
            return web.Response(text='{"kernelId": "bf4fbb9e-50da-44be-a2e8-fd3771a32a36"}')

        async def channels(request):
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            async for frame in ws:
                message = json.loads(frame.data)
                if message["header"]["msg_type"] == "comm_msg":
                    reply = {"header": {"msg_type": "comm_msg"},
                             "content": {"comm_id": message["content"]["comm_id"], "data": {"states": {}}}}
                    await ws.send_str(json.dumps(reply))
            return ws

        app = web.Application()
        app.router.add_get("/voila/render/x.ipynb", page)
        app.router.add_get("/api/kernels/{kernel}/channels", channels)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        slot: dict = {}
        import aiohttp

        async with aiohttp.ClientSession() as http:
            await burst.remote_open(http, base, f"{base}/voila/render/x.ipynb", [], ".pc-board", slot, timeout=1.0)
            ws = slot.pop("ws", None)
            if ws is not None:
                await ws.close()
        await runner.cleanup()
        return slot

    slot = run_async(run)
    assert slot["error"].startswith("TimeoutError") and "server_s" not in slot
