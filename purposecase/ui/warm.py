"""One line for the trainer: how many preheated pages this server has ready (workshop mode, issue 19).

The server answers ``GET <base>voila/api/werkboek`` with its pools (``voila_config/workshop.py``); the
page's kernel asks it over 127.0.0.1 at the port Voilà gives its kernels (``VOILA_APP_PORT``,
``VOILA_SERVER_URL``) and refreshes the line every :data:`REFRESH_SECONDS` while the server answers.
Outside Voilà (tests, JupyterLab) or without preheated kernels the line stays empty.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from collections.abc import Mapping

import ipywidgets as ipw

from ..messages import Translator
from .common import esc

STATUS_PATH = "voila/api/werkboek"
REFRESH_SECONDS = 5.0


def status_url(env: Mapping[str, str] | None = None) -> str | None:
    """Return the server's status address for this kernel, or None outside a Voilà kernel."""
    env = os.environ if env is None else env
    port = env.get("VOILA_APP_PORT")
    if not port:
        return None
    return f"http://127.0.0.1:{port}{env.get('VOILA_SERVER_URL', '/')}{STATUS_PATH}"


def warm_text(status: Mapping, t: Translator) -> str:
    """Return the line for a status answer ("" when the server keeps no preheated kernels).

    Counts the workshop's chapters when there is a workshop, else every pool.
    """
    pools = status.get("pools") or {}
    chosen = [pools[c] for c in status.get("chapters") or [] if c in pools] or list(pools.values())
    target = sum(int(p.get("target", 0)) for p in chosen)
    if not target:
        return ""
    ready = sum(int(p.get("ready", 0)) for p in chosen)
    key = "server.warm_workshop" if status.get("workshop") else "server.warm"
    return t(key, klaar=ready, doel=target, groep=status.get("workshop") or 0)


def _fetch(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as answer:  # noqa: S310 - our own server on 127.0.0.1
            return json.loads(answer.read())
    except Exception:  # noqa: BLE001 - no server, an old server, a timeout: no line
        return None


def warm_line(t: Translator, env: Mapping[str, str] | None = None) -> ipw.HTML:
    """Return an HTML widget with the server's warm pages, refreshed in the background (empty outside Voilà)."""
    line = ipw.HTML("")
    line.add_class("pc-warm-line")
    url = status_url(env)
    if url is None:
        return line
    stop = threading.Event()

    def refresh() -> None:
        while not stop.is_set():
            if line.comm is None:  # the page closed (e.g. a preheated page built for another address)
                return
            status = _fetch(url)
            if status is None:
                return
            text = warm_text(status, t)
            line.value = f'<p class="pc-hint pc-no-print">{esc(text)}</p>' if text else ""
            stop.wait(REFRESH_SECONDS)

    threading.Thread(target=refresh, name="pc-warm-line", daemon=True).start()
    return line
