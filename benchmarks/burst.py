"""A group opens the same chapter at the same moment: N = 1, 10, 30 (issue 19).

For each server mode (``cold``: ``purposecase serve``; ``preheat``: ``--preheat``, Voilà's pool of 2 per
notebook; ``workshop``: ``--workshop`` sized for the largest N) a fresh Voilà serves the chapter and
``bare.ipynb``. For each N, N Playwright browser contexts in one headless Chromium open the bare notebook
all at once, then (after the server settled) the chapter all at once. Measured per page: request → widgets
visible (the selectors of ``pages.py``) and → interactive; per burst: p50 and p95, the server's CPU seconds
(server process and its kernels, reaped ones included) per page open while the pages loaded and again once
the pool refilled, each page kernel's RSS and PSS, and the browser's CPU seconds. Ratios are against one
bare page opened the same way in the same mode (N = 1), and against one bare page on the cold server.

    .venv/bin/python benchmarks/burst.py [--sizes 1 10 30] [--modes cold workshop] [--chapter 03_voorbeelden]

With ``--clients remote`` the N people's browsers are taken off this machine, as in a real workshop
where everyone opens the link on their own laptop: one real Chromium page per notebook measures, in the
same run, what a browser asks of the server (every URL it fetches) and how long it takes to draw the
widgets once the server answered (``render_s`` = its time to widgets visible − a remote client's time
alone). Then N remote clients at once (aiohttp, :func:`remote_open`) do what those browsers do: fetch
the page and every asset the browser fetched, open the kernel's websocket and ask for the widgets' state
(ipywidgets' ``jupyter.widget.control`` comm, ``request_states``, as the widget manager does) until the
page's "visible" widget is there. Reported: the remote clients' times (``server_s``) and
``visible = server_s + render_s`` per person. On a 2-core machine this is the only way to see what the
server does for a class of 30: 30 Chromium pages on the same cores need 2–3 CPU-s each themselves.

JSON goes to ``benchmarks/results/burst-<timestamp>.json``. Helpers (pages, selectors, seeding, settling,
kernel ids) are shared with ``pages.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import PAGES, ROOT, page_kernel_id, query_for, seed_workspace, wait_until_settled  # noqa: E402

MODES = ("cold", "preheat", "workshop")
BARE = "bare.ipynb"


def percentile(values: list[float], q: float) -> float | None:
    """Return the nearest-rank ``q`` percentile (0–100) of ``values``, or None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _kernel_message(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> str:
    """Return a Jupyter message for a kernel's websocket (JSON form of the messaging protocol 5.3)."""
    return json.dumps({
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "", "session": session,
                   "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell", "buffers": [],
    })


def _decode(data: str | bytes) -> dict:
    """Return the message of a websocket frame (JSON, or Jupyter's binary frame: offsets, JSON, buffers)."""
    if isinstance(data, str):
        return json.loads(data)
    count = int.from_bytes(data[:4], "big")
    offsets = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(count)]
    return json.loads(data[offsets[0]:offsets[1] if count > 1 else None])


def is_visible(states: dict, selector: str) -> bool:
    """Return whether widget ``states`` (``request_states``' answer) hold what ``selector`` waits for.

    ``.widget-button``: a Button; ``.name``: a widget with the DOM class ``name``, or an HTML value
    holding an element of that class.
    """
    if selector == ".widget-button":
        return any(s.get("model_name") == "ButtonModel" for s in states.values())
    name = selector.lstrip(".").split()[0].split(":")[0]
    in_html = re.compile(rf'class="(?:[^"]*\s)?{re.escape(name)}(?:\s[^"]*)?"')
    for s in states.values():
        state = s.get("state", {})
        value = state.get("value")
        if name in state.get("_dom_classes", ()) or (isinstance(value, str) and in_html.search(value)):
            return True
    return False


async def remote_open(http, base: str, url: str, assets: list[str], visible: str, slot: dict,
                      timeout: float = 300.0) -> None:
    """Do what one person's browser asks of the server until the page's widgets can be drawn.

    Fetches the page and every asset in ``assets`` (paths; the browser's cache is empty, as for a person
    opening the link), opens the page kernel's websocket and asks for the widgets' state every 0.1 s
    until ``visible`` is there (at most ``timeout`` s). Sets ``slot["server_s"]`` (s), ``slot["kernel_id"]``
    and ``slot["ws"]`` (kept open, as the page stays open), or ``slot["error"]``.
    """
    t0 = time.perf_counter()
    deadline = t0 + timeout
    try:
        async with http.get(url) as answer:
            html = await answer.text()
            if answer.status != 200:
                raise RuntimeError(f"HTTP {answer.status}")
        kernel_id = page_kernel_id(html)
        if not kernel_id:
            raise RuntimeError("no kernel in the page")
        slot["kernel_id"] = kernel_id

        async def fetch(path: str) -> None:
            async with http.get(base + path) as answer:
                await answer.read()

        fetched = asyncio.gather(*(fetch(a) for a in assets))
        session = uuid.uuid4().hex
        ws = await http.ws_connect(f"ws{base[4:]}/api/kernels/{kernel_id}/channels?session_id={session}",
                                   max_msg_size=0)
        slot["ws"] = ws
        comm = uuid.uuid4().hex
        await ws.send_str(_kernel_message("comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control",
                                                        "data": {}}, session, {"version": "1.0.0"}))
        while True:
            await ws.send_str(_kernel_message("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}},
                                              session))
            states = None
            while states is None:
                frame = await asyncio.wait_for(ws.receive(), timeout=max(0.1, deadline - time.perf_counter()))
                if frame.type not in (1, 2):  # text, binary
                    raise RuntimeError(f"websocket closed ({frame.type})")
                message = _decode(frame.data)
                content = message.get("content", {})
                if message["header"]["msg_type"] == "comm_msg" and content.get("comm_id") == comm:
                    states = content["data"].get("states", {})
            if is_visible(states, visible):
                break
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{visible} not in the widgets' state after {timeout:.0f} s")
            await asyncio.sleep(0.1)
        await fetched
        slot["server_s"] = time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - a page that never shows is a result, not a crash
        slot["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"


async def remote_close(http, base: str, slot: dict) -> None:
    """Leave the page as a browser does: close the websocket and ask Voilà to shut the kernel down."""
    ws = slot.pop("ws", None)
    if ws is not None:
        await ws.close()
    if slot.get("kernel_id"):
        xsrf = next((c.value for c in http.cookie_jar if c.key == "_xsrf"), "")
        try:
            async with http.post(f"{base}/voila/api/shutdown/{slot['kernel_id']}", data={"_xsrf": xsrf},
                                 headers={"X-XSRFToken": xsrf}) as answer:
                await answer.read()
        except Exception as exc:  # noqa: BLE001 - the server culls it anyway
            slot["close_error"] = str(exc)


NGINX_STATIC = ROOT / "deploy" / "nginx" / "werkboek-static.conf"


class NginxFront:
    """Debian's nginx in front of a Voilà server, with the deploy config's static-file cache
    (``deploy/nginx/werkboek-static.conf``, included as it is) and websockets passed on."""

    def __init__(self, voila_base: str, folder: Path) -> None:
        import socket
        import subprocess

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        upstream = voila_base.removeprefix("http://")
        conf = folder / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""  # workers must reach the temporary folder
        conf.write_text(f"""
{user}
worker_processes auto;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log {folder}/access.log combined;
    log_format cache '$upstream_cache_status $uri';
    proxy_cache_path {folder}/cache levels=1:2 keys_zone=werkboek_static:10m max_size=200m inactive=1h
                     use_temp_path=off;
    proxy_temp_path {folder}/tmp;
    client_body_temp_path {folder}/body;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream werkboek {{ server {upstream}; }}
    server {{
        listen 127.0.0.1:{port};
        access_log {folder}/cache.log cache;
        include {NGINX_STATIC};
        location / {{
            proxy_pass http://werkboek;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 3600s;
            proxy_buffering off;
        }}
    }}
}}
""")
        self.proc = subprocess.Popen(["/usr/sbin/nginx", "-p", str(folder), "-c", str(conf), "-g", "daemon off;"])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not start: {(folder / 'error.log').read_text(errors='replace')[-500:]}")

    def cpu_seconds(self) -> float:
        """Return the CPU seconds of nginx's master and workers."""
        return tree_cpu_seconds(self.proc.pid)

    def hits(self, wait_for: tuple[str, int] | None = None, timeout: float = 10.0) -> dict[str, int]:
        """Return the static cache's answers so far by status (HIT, MISS, …).

        nginx writes a request's log line in its log phase, after the answer has been sent, so a client can have
        read the whole answer before the line is there. ``wait_for=("HIT", 2)`` waits up to ``timeout`` seconds
        until at least two HITs are logged, then returns all counts (the caller still checks them exactly).
        """
        log_file = self.folder / "cache.log"
        deadline = time.monotonic() + timeout
        while True:
            counts: dict[str, int] = {}
            for line in log_file.read_text().splitlines() if log_file.exists() else []:
                status = line.split(" ", 1)[0]
                if status != "-":
                    counts[status] = counts.get(status, 0) + 1
            if wait_for is None or counts.get(wait_for[0], 0) >= wait_for[1] or time.monotonic() > deadline:
                return counts
            time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def tree_cpu_seconds(pid: int) -> float:
    """Return the CPU seconds (user + system) of process ``pid``, its children, and its reaped children."""
    try:
        root = psutil.Process(pid)
        times = root.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for child in root.children(recursive=True):
            try:
                t = child.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                continue
        return total
    except psutil.Error:
        return 0.0


def own_cpu_seconds(pid: int) -> float:
    """Return the CPU seconds of process ``pid`` alone (the Voilà server's own work: pages, files, websockets)."""
    try:
        times = psutil.Process(pid).cpu_times()
        return times.user + times.system
    except psutil.Error:
        return 0.0


def browser_cpu_seconds(server_pid: int) -> float:
    """Return the CPU seconds of this process's children other than the Voilà server (Chromium, driver)."""
    total = 0.0
    for child in psutil.Process().children(recursive=False):
        if child.pid == server_pid:
            continue
        total += tree_cpu_seconds(child.pid)
    return total


def kernel_memory(server, kernel_id: str | None) -> tuple[float, float] | None:
    """Return ``(RSS, PSS)`` in MB of the kernel ``kernel_id`` of ``server``, or None."""
    if not kernel_id:
        return None
    for proc in server.kernels():
        try:
            if kernel_id in " ".join(proc.cmdline()):
                info = proc.memory_full_info()
                return info.rss / 2**20, getattr(info, "pss", info.rss) / 2**20
        except psutil.Error:
            continue
    return None


def server_status(server) -> dict:
    """Return the server's ``voila/api/werkboek`` answer."""
    with urllib.request.urlopen(server.base + "/voila/api/werkboek", timeout=10) as answer:  # noqa: S310
        return json.loads(answer.read())


def wait_for_pools(server, timeout: float = 900) -> int:
    """Wait until every pool is full of warm kernels and the server is idle; return the pool's kernels."""
    deadline = time.monotonic() + timeout
    while True:
        status = server_status(server)
        if status["ready"] >= status["target"] or time.monotonic() > deadline:
            break
        time.sleep(1)
    wait_until_settled(server, status["target"], timeout=max(30, deadline - time.monotonic()))
    return status["target"]


async def _open(browser, url: str, selectors: tuple[str, str]) -> dict:
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    page = await context.new_page()
    return {"context": context, "page": page, "url": url, "selectors": selectors}


async def _load(slot: dict) -> None:
    page = slot["page"]
    visible, interactive = slot["selectors"]
    if "record" in slot:  # what a browser asks of the server (the remote clients replay it)
        page.on("request", lambda request: slot["record"].append(request.url))
    t0 = time.perf_counter()
    try:
        await page.goto(slot["url"], wait_until="commit", timeout=300_000)
        await page.wait_for_selector(visible, state="visible", timeout=300_000)
        slot["visible_s"] = time.perf_counter() - t0
        await page.wait_for_selector(interactive, timeout=300_000)
        slot["interactive_s"] = time.perf_counter() - t0
        slot["kernel_id"] = page_kernel_id(await page.content())
    except Exception as exc:  # noqa: BLE001 - a page that never shows is a result, not a crash
        slot["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"


def browser_assets(urls: list[str], base: str) -> list[str]:
    """Return the paths of the static files a page's browser fetched from ``base`` (no page, API or socket)."""
    paths = []
    for url in urls:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != base or parts.path.startswith(("/api/", "/voila/render/")):
            continue
        if parts.path.startswith("/voila/api/"):
            continue
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return list(dict.fromkeys(paths))


async def burst(browser, server, name: str, n: int, query: str, idle_kernels: int, *,
                record: list[str] | None = None, remote: dict | None = None) -> dict:
    """Open ``name`` ``n`` times at once; return the burst's measurements.

    Args:
        record: for ``n`` = 1 in a browser: a list that receives every URL the page fetched.
        remote: ``{"assets": [paths], "render_s": s}``: remote clients (:func:`remote_open`) instead of
            browser contexts; ``visible`` = their time + ``render_s``.
    """
    visible, interactive = PAGES[name][:2]
    if remote is not None:
        return await remote_burst(server, name, n, query, idle_kernels, remote)
    slots = [await _open(browser, server.url(name, query), (visible, interactive)) for _ in range(n)]
    if record is not None:
        slots[0]["record"] = record
    died_before = server.log_path.read_text(errors="replace").count("died, removing from map")
    cpu0, browser0 = tree_cpu_seconds(server.proc.pid), browser_cpu_seconds(server.proc.pid)
    t0 = time.perf_counter()
    await asyncio.gather(*(_load(s) for s in slots))
    wall = time.perf_counter() - t0
    cpu_loaded = tree_cpu_seconds(server.proc.pid) - cpu0
    browser_cpu = browser_cpu_seconds(server.proc.pid) - browser0
    memory = [m for m in (kernel_memory(server, s.get("kernel_id")) for s in slots) if m]
    died = server.log_path.read_text(errors="replace").count("died, removing from map") - died_before
    # the pool refills (workshop, preheat) while the pages that have a kernel stay open
    await asyncio.to_thread(wait_until_settled, server, idle_kernels + len(memory), 300)
    cpu_settled = tree_cpu_seconds(server.proc.pid) - cpu0
    for s in slots:
        await s["page"].close(run_before_unload=True)
        await s["context"].close()
    await asyncio.to_thread(wait_until_settled, server, idle_kernels, 300)
    vis = [s["visible_s"] for s in slots if "visible_s" in s]
    inter = [s["interactive_s"] for s in slots if "interactive_s" in s]
    return {
        "page": name,
        "n": n,
        "errors": [s["error"] for s in slots if "error" in s],
        "kernels_died": died,
        "pages_with_kernel": len(memory),
        "visible_s": vis,
        "interactive_s": inter,
        "visible_p50": percentile(vis, 50),
        "visible_p95": percentile(vis, 95),
        "interactive_p50": percentile(inter, 50),
        "interactive_p95": percentile(inter, 95),
        "wall_s": wall,
        "server_cpu_s_per_open": cpu_loaded / n,
        "server_cpu_s_per_open_incl_refill": cpu_settled / n,
        "browser_cpu_s_per_open": browser_cpu / n,
        "kernel_rss_mb": statistics.median([m[0] for m in memory]) if memory else None,
        "kernel_pss_mb": statistics.median([m[1] for m in memory]) if memory else None,
        "load_avg_1m": os.getloadavg()[0],
    }


async def remote_burst(server, name: str, n: int, query: str, idle_kernels: int, remote: dict) -> dict:
    """Open ``name`` with ``n`` remote clients at once (people's browsers elsewhere); see :func:`burst`.

    ``remote["front"]``: an :class:`NginxFront` the clients go through (its CPU counts as the server's).
    """
    import aiohttp

    visible = PAGES[name][0]
    slots: list[dict] = [{} for _ in range(n)]
    sessions = [aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=6)) for _ in range(n)]  # 6: a browser
    front = remote.get("front")
    base = front.base if front is not None else server.base
    url = base + server.url(name, query).removeprefix(server.base)
    nginx0 = front.cpu_seconds() if front is not None else 0.0
    died_before = server.log_path.read_text(errors="replace").count("died, removing from map")
    cpu0, own0 = tree_cpu_seconds(server.proc.pid), own_cpu_seconds(server.proc.pid)
    t0 = time.perf_counter()
    await asyncio.gather(*(remote_open(h, base, url, remote["assets"], visible, s)
                           for h, s in zip(sessions, slots, strict=True)))
    wall = time.perf_counter() - t0
    nginx_cpu = (front.cpu_seconds() - nginx0) if front is not None else 0.0
    cpu_loaded = tree_cpu_seconds(server.proc.pid) - cpu0 + nginx_cpu
    own_loaded = own_cpu_seconds(server.proc.pid) - own0
    memory = [m for m in (kernel_memory(server, s.get("kernel_id")) for s in slots) if m]
    died = server.log_path.read_text(errors="replace").count("died, removing from map") - died_before
    await asyncio.to_thread(wait_until_settled, server, idle_kernels + len(memory), 300)
    cpu_settled = tree_cpu_seconds(server.proc.pid) - cpu0
    await asyncio.gather(*(remote_close(h, base, s) for h, s in zip(sessions, slots, strict=True)))
    for h in sessions:
        await h.close()
    await asyncio.to_thread(wait_until_settled, server, idle_kernels, 300)
    srv = [s["server_s"] for s in slots if "server_s" in s]
    vis = [t + remote["render_s"] for t in srv]
    return {
        "page": name,
        "n": n,
        "clients": "remote",
        "render_s": remote["render_s"],
        "assets": len(remote["assets"]),
        "errors": [s["error"] for s in slots if "error" in s],
        "kernels_died": died,
        "pages_with_kernel": len(memory),
        "server_s": srv,
        "server_p50": percentile(srv, 50),
        "server_p95": percentile(srv, 95),
        "visible_s": vis,
        "visible_p50": percentile(vis, 50),
        "visible_p95": percentile(vis, 95),
        "interactive_s": [],
        "interactive_p50": None,
        "interactive_p95": None,
        "wall_s": wall,
        "server_cpu_s_per_open": cpu_loaded / n,
        "server_cpu_s_per_open_incl_refill": cpu_settled / n,
        "server_process_cpu_s_per_open": own_loaded / n,
        "nginx_cpu_s_per_open": nginx_cpu / n if front is not None else None,
        "static_cache": front.hits() if front is not None else None,
        "browser_cpu_s_per_open": None,
        "kernel_rss_mb": statistics.median([m[0] for m in memory]) if memory else None,
        "kernel_pss_mb": statistics.median([m[1] for m in memory]) if memory else None,
        "load_avg_1m": os.getloadavg()[0],
    }


async def run_mode(mode: str, sizes: list[int], chapter: str, tmp: Path, unconnected: int = 0,
                   clients: str = "browsers", proxy: str = "none") -> dict:
    """Serve bare + ``chapter`` in ``mode`` and run every burst size; return the mode's results.

    ``clients``: ``browsers`` (N Chromium contexts on this machine) or ``remote`` (see the module);
    ``proxy``: ``nginx`` puts :class:`NginxFront` between the remote clients and Voilà.
    """
    from conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer
    from playwright.async_api import async_playwright

    from purposecase.voila_config import guard, workshop

    served = tmp / f"notebooks-{mode}"
    served.mkdir()
    for name in (BARE, chapter):
        shutil.copy(ROOT / ("benchmarks" if name == BARE else "notebooks") / name, served / name)
    role = PAGES[chapter][2]
    home = tmp / f"home-{mode}"
    tokens = seed_workspace(home) if role else {}
    people = max(sizes) if mode == "workshop" else 0
    # every browser is on 127.0.0.1: the per-address start limit would turn a classroom away
    env = {guard.STARTS_ENV: "1000", guard.MAX_KERNELS_ENV: str(4 * max(sizes) + 10),
           workshop.CHAPTERS_ENV: f"{BARE},{chapter}"}
    if unconnected:
        env[guard.UNCONNECTED_ENV] = str(unconnected)
    t_start = time.monotonic()
    server = VoilaServer(home, notebooks=served, preheat=mode == "preheat", workshop=people, env=env)
    rows = []
    front = None
    try:
        if proxy == "nginx":
            front = NginxFront(server.base, tmp / f"nginx-{mode}")
        idle = wait_for_pools(server) if mode != "cold" else 0
        filled_s = time.monotonic() - t_start
        pool_rss = [p.memory_info().rss / 2**20 for p in server.kernels()]
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            remote: dict[str, dict] = {}
            for name in (BARE, chapter):  # warm-up: caches of the server and the browser
                urls: list[str] = []
                single = await burst(browser, server, name, 1, query_for(PAGES[name][2], tokens), idle, record=urls)
                if clients == "remote":  # one real browser tells what it asks and how long it draws
                    assets = browser_assets(urls, server.base)
                    alone = await burst(browser, server, name, 1, query_for(PAGES[name][2], tokens), idle,
                                        remote={"assets": assets, "render_s": 0.0})
                    again = await burst(browser, server, name, 1, query_for(PAGES[name][2], tokens), idle)
                    browser_s = statistics.median([single["visible_p50"], again["visible_p50"]])
                    remote[name] = {"assets": assets, "render_s": max(0.0, browser_s - alone["server_p50"]),
                                    "browser_single_s": browser_s, "remote_single_s": alone["server_p50"],
                                    "front": front}
                    print(f"{mode:9} {name:26} one browser {browser_s:.2f} s, one remote client "
                          f"{alone['server_p50']:.2f} s ({len(assets)} assets): render "
                          f"{remote[name]['render_s']:.2f} s", flush=True)
            for n in sizes:
                for name in (BARE, chapter):
                    row = await burst(browser, server, name, n, query_for(PAGES[name][2], tokens), idle,
                                      remote=remote.get(name))
                    rows.append(row)
                    print(f"{mode:9} {name:26} N={n:3} visible p50 {row['visible_p50'] or 0:6.2f} "
                          f"p95 {row['visible_p95'] or 0:6.2f} s  "
                          + (f"(remote clients p95 {row['server_p95'] or 0:.2f} s)  " if "server_p95" in row else "")
                          + (f"(Voilà process {row['server_process_cpu_s_per_open']:.2f} s) "
                             if "server_process_cpu_s_per_open" in row else "")
                          + f"server CPU/open "
                          f"{row['server_cpu_s_per_open']:.2f} s  errors {len(row['errors'])}  "
                          f"died {row['kernels_died']}  "
                          f"load {row['load_avg_1m']:.1f}", flush=True)
            await browser.close()
    finally:
        if front is not None:
            front.stop()
        server.stop()
    return {
        "mode": mode,
        "proxy": proxy,
        "workshop": people,
        "pool_kernels": idle,
        "pool_fill_s": filled_s if mode != "cold" else 0,
        "pool_kernel_rss_mb": statistics.median(pool_rss) if pool_rss else None,
        "clients": clients,
        "rows": rows,
    }


def add_ratios(results: list[dict]) -> None:
    """Add ratios against a single bare page (same mode, and the cold server when it was measured)."""
    cold = next((r for r in results if r["mode"] == "cold"), None)

    def single_bare(result: dict) -> float | None:
        row = next((x for x in result["rows"] if x["page"] == BARE and x["n"] == 1), None)
        return row["visible_p50"] if row else None

    cold_bare = single_bare(cold) if cold else None
    for result in results:
        base = single_bare(result)
        for row in result["rows"]:
            p95 = row["visible_p95"]
            row["p95_over_single_bare"] = p95 / base if p95 and base else None
            row["p95_over_single_cold_bare"] = p95 / cold_bare if p95 and cold_bare else None


def format_table(results: list[dict]) -> str:
    """Return a Markdown table of every burst."""
    lines = [
        "| mode | page | N | visible p50 / p95 s | p95 / single bare (same mode) | p95 / single bare (cold) "
        "| server CPU s per open (+ refill) | browser CPU s per open | kernel RSS / PSS MB | errors / kernels died "
        "| load 1 min |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def f(v, spec="{:.2f}"):
        return spec.format(v) if v is not None else "–"

    for result in results:
        for r in result["rows"]:
            lines.append(
                f"| {result['mode']}{' (remote)' if result.get('clients') == 'remote' else ''}"
                f"{' + nginx' if result.get('proxy') == 'nginx' else ''} | "
                f"{r['page'].removesuffix('.ipynb')} | {r['n']} | {f(r['visible_p50'])} / "
                f"{f(r['visible_p95'])} | {f(r['p95_over_single_bare'])} | {f(r['p95_over_single_cold_bare'])} | "
                f"{f(r['server_cpu_s_per_open'])} ({f(r['server_cpu_s_per_open_incl_refill'])}) | "
                f"{f(r['browser_cpu_s_per_open'])} | {f(r['kernel_rss_mb'], '{:.0f}')} / "
                f"{f(r['kernel_pss_mb'], '{:.0f}')} | {len(r['errors'])} / {r['kernels_died']} | "
                f"{r['load_avg_1m']:.1f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the bursts, print the table, write JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 30])
    ap.add_argument("--modes", nargs="+", choices=MODES, default=["cold", "workshop"])
    ap.add_argument("--chapter", default="03_voorbeelden", help="notebook (prefix) the group opens")
    ap.add_argument("--unconnected", type=int, default=0, metavar="S",
                    help="seconds a page may take to connect before its kernel is shut down "
                    "(default: the server's, 25 s; 90 s in workshop mode)")
    ap.add_argument("--clients", choices=("browsers", "remote"), default="browsers",
                    help="N Chromium contexts here, or N remote clients + one browser's drawing time (module doc)")
    ap.add_argument("--proxy", choices=("none", "nginx"), default="none",
                    help="nginx: the remote clients go through Debian's nginx with deploy/nginx/werkboek-static.conf")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    if args.proxy == "nginx" and args.clients != "remote":
        raise SystemExit("--proxy nginx needs --clients remote")
    if args.proxy == "nginx" and not Path("/usr/sbin/nginx").exists():
        raise SystemExit("--proxy nginx needs Debian's nginx (make nginx, or apt-get install nginx)")
    matches = [name for name in PAGES if name.startswith(args.chapter) and name != BARE]
    if len(matches) != 1:
        raise SystemExit(f"--chapter {args.chapter!r}: choose one of {', '.join(PAGES)}")
    sizes = sorted(set(args.sizes))
    if sizes[0] != 1:
        sizes.insert(0, 1)  # the single bare page is the baseline
    tmp = Path(tempfile.mkdtemp(prefix="pc-burst-"))
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    load_before = os.getloadavg()
    try:
        results = [asyncio.run(run_mode(mode, sizes, matches[0], tmp, args.unconnected, args.clients, args.proxy))
                   for mode in args.modes]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    add_ratios(results)
    print(format_table(results))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"burst-{time.strftime('%Y%m%d-%H%M%S')}.json"
    machine = {"cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
               "load_avg_before": load_before, "load_avg_after": os.getloadavg(), "started": started}
    path.write_text(json.dumps({"machine": machine, "chapter": matches[0], "sizes": sizes,
                                "unconnected_s": args.unconnected, "results": results},
                               indent=2))
    print(f"\nwritten: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
