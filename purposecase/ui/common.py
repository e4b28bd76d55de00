"""Shared pieces of every chapter: page context, escaping, styles, safe callbacks."""

from __future__ import annotations

import functools
import html
import json
import logging
import os
import re
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as ipw

from ..messages import Translator, normalise_lang

log = logging.getLogger("purposecase.ui")


def esc(text: object) -> str:
    """Escape user or data text for HTML (quotes too). Every text enters HTML through here."""
    return html.escape(str(text), quote=True)


def preheated_kernel() -> bool:
    """Return whether this kernel was started by Voilà's pool before its page was asked for."""
    return os.environ.get("VOILA_PREHEAT", "False") == "True"


def query_string() -> str:
    """Return the page's query string inside Voilà ("" elsewhere).

    With preheated kernels (``VOILA_PREHEAT=True``) the notebook runs before anyone
    asks for the page, so Voilà fills ``QUERY_STRING`` only once the page is
    requested: :func:`wait_for_request` waits for it (DESIGN.md §5).
    """
    if preheated_kernel():  # pragma: no cover - Voilà preheat only
        wait_for_request()
    return os.environ.get("QUERY_STRING", "")


def request_info_url(env: Mapping[str, str] | None = None) -> str:
    """Return the websocket address where a preheated kernel hears about its request.

    Built from the environment variables Voilà gives its kernels, the same way as
    ``voila.utils.wait_for_request`` (voila 0.5.13): ``VOILA_WS_PROTOCOL``,
    ``VOILA_APP_IP``, ``VOILA_APP_PORT``, ``VOILA_WS_BASE_URL`` (default
    ``VOILA_SERVER_URL``) and ``VOILA_KERNEL_ID``:
    ``ws://127.0.0.1:8866/voila/query/<kernel id>``.
    """
    env = os.environ if env is None else env
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    ip = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{ip}:{port}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"


def wait_for_request(url: str | None = None, *, connect_for: float = 60.0) -> None:
    """Block until Voilà hands this preheated kernel its request, then put it in ``os.environ``.

    Voilà's own ``voila.utils.get_query_string`` does the same, but importing
    ``voila.utils`` pulls in jupyter_server and jupyterlab_server: about 1.2 s and
    60 MB in every kernel of the pool. This speaks the same small protocol with the
    ``websockets`` client alone: connect to :func:`request_info_url`, receive one
    JSON object of environment variables (``QUERY_STRING``, ``SCRIPT_NAME``, …).
    While Voilà fills its pools the two cores are busy, so connecting is retried for
    ``connect_for`` seconds (Voilà's own helper gives up after 5 s).

    Args:
        url: the websocket address (default :func:`request_info_url`).
        connect_for: seconds to keep trying to connect.

    Nothing is raised: if Voilà cannot be reached the page opens without its
    query string (no link, Dutch) and the problem is logged.
    """
    import time

    from websockets.sync.client import connect

    deadline = time.monotonic() + connect_for
    delay = 0.2
    while True:
        try:
            with connect(url or request_info_url(), open_timeout=max(1.0, min(10.0, connect_for))) as ws:
                info = json.loads(ws.recv())
            break
        except (OSError, TimeoutError) as exc:
            if time.monotonic() + delay >= deadline:
                log.warning("no request info from Voilà for this preheated kernel: %s", exc)
                return
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
        except Exception:  # noqa: BLE001 - anything else (closed early, bad JSON): open without a link
            log.warning("no request info from Voilà for this preheated kernel", exc_info=True)
            return
    if not isinstance(info, dict):
        log.warning("request info from Voilà is not an object")
        return
    for key, value in info.items():
        if isinstance(key, str) and isinstance(value, str):
            os.environ[key] = value


@dataclass(frozen=True)
class PageContext:
    """What a page knows from its address: the language and the secret key.

    Attributes:
        lang: ``"nl"`` (default) or ``"en"``, from ``?taal=``.
        sleutel: the workspace token from ``?sleutel=``, or ``""``.
    """

    lang: str = "nl"
    sleutel: str = ""

    @classmethod
    def from_query(cls, query: str | None = None) -> PageContext:
        """Parse ``query`` (default: :func:`query_string`); unknown parameters are ignored."""
        params = parse_qs(query if query is not None else query_string(), keep_blank_values=False)
        lang = normalise_lang((params.get("taal") or params.get("lang") or ["nl"])[0])
        sleutel = (params.get("sleutel") or [""])[0][:200]
        return cls(lang=lang, sleutel=sleutel)


@functools.lru_cache(maxsize=1)
def theme_css() -> str:
    """Return the workbook's stylesheet (``ui/theme.css``)."""
    return resources.files("purposecase.ui").joinpath("theme.css").read_text(encoding="utf-8")


def style_widget() -> ipw.HTML:
    """Return an HTML widget that injects the workbook's stylesheet once per page."""
    return ipw.HTML(f"<style>{theme_css()}</style>", layout=ipw.Layout(display="none"))


def message_html(text: str, kind: str = "info") -> str:
    """Return an escaped message box; ``kind`` is ``info``, ``warning`` or ``error``."""
    role = "alert" if kind == "error" else "status"
    return f'<div class="pc-msg pc-msg-{esc(kind)}" role="{role}">{esc(text)}</div>'


class StatusLine(ipw.HTML):
    """A one-line message area for a component; empty when there is nothing to say."""

    frozen = False
    """True once :meth:`freeze` fixed what the line says (a stopped page): later messages are not shown."""

    def show(self, text: str, kind: str = "info") -> None:
        """Show ``text`` (escaped) as a message of ``kind`` (not on a frozen line)."""
        if not self.frozen:
            self.value = message_html(text, kind)

    def clear(self) -> None:
        """Remove the message (not on a frozen line)."""
        if not self.frozen:
            self.value = ""

    def freeze(self, text: str | None = None) -> None:
        """Show ``text`` as an error (or nothing) for good: a stopped page says only why it stopped.

        A click on a stopped page (its partner removed) would otherwise replace "you were removed" by the
        store's refusal ("this link was revoked, ask for a new one"), which says something else.
        """
        self.frozen = False
        self.value = message_html(text, "error") if text else ""
        self.frozen = True


ERROR_MESSAGES = {
    "forbidden": "fout.niet_toegestaan",
    "unavailable": "opslag.onbereikbaar",
    "conflict": "fout.conflict",
    "revoked_token": "toegang.ingetrokken",
    "invalid_token": "toegang.onbekend",
    "invalid_unicode": "fout.tekens",
}
"""Store errors (by their ``code``) that get their own message instead of the generic one."""


def error_key(exc: BaseException) -> str:
    """Return the message key for an error in a callback: its own for a known store ``code``, else ``fout.onverwacht``.

    Text with a broken character (an unpaired UTF-16 surrogate, which a crafted widget message
    can carry) gets ``fout.tekens`` whether the store or a record (pydantic) refused it.
    Also for code that catches its own errors outside a callback (autosave in a timer thread).
    """
    key = ERROR_MESSAGES.get(getattr(exc, "code", ""))
    if key:
        return key
    if isinstance(exc, UnicodeError) or _broken_unicode(exc):
        return "fout.tekens"
    return "fout.onverwacht"


def _broken_unicode(exc: BaseException) -> bool:
    """Return whether ``exc`` is a pydantic validation error about text that is not valid Unicode."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return False
    try:
        found = errors()
    except Exception:  # noqa: BLE001 - not a pydantic error after all
        return False
    return bool(found) and all(isinstance(e, dict) and e.get("type") == "string_unicode" for e in found)


def safe_callback(status: StatusLine, t: Translator) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a widget callback so no exception ever reaches the page.

    The error is logged (with traceback, to the kernel's stderr, which Voilà
    keeps off the page) and ``status`` shows the translated ``fout.onverwacht``
    message instead; a store error with a known ``code`` (a write the link's role
    may not do, a database that is unreachable, a conflict, text that is not valid
    Unicode) gets its own message.

    A click on a button is the user's next action: the message of the action before
    ("… is toegevoegd", "2 items zijn samengevoegd", an import that is done) is no
    longer news, so ``status`` is cleared before the click's handler runs; the handler
    says what is true now. Changes of a value (typing, ticking) leave the message alone:
    they also arrive from code (a reload, a link between widgets), not only from the user.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if args and isinstance(args[0], ipw.Button):
                status.clear()  # a new action: the last one's message is no longer true
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
                key = error_key(exc)
                if key == "fout.onverwacht":
                    log.error("callback %s failed:\n%s", fn.__qualname__, traceback.format_exc())
                    print(traceback.format_exc(), file=sys.__stderr__)
                status.show(t(key), "error")
                return None

        return wrapper

    return decorate


def keep_focus(widget: ipw.Widget, *key: str) -> ipw.Widget:
    """Mark a text field so the page gives it back the focus and the cursor after a live redraw.

    A redraw that re-creates the field's view (its row moved, a row above it came or went) would take the
    cursor from someone typing; ``werkboek.js`` finds the new field by the class ``pc-keep-<key>`` and
    focuses it, with the keys typed in between. The key must name one field of one item on the page.

    Args:
        widget: a ``Text`` or ``Textarea``.
        key: parts of the key (e.g. ``"comment", item id``); ids are ``[A-Za-z0-9_-]`` (model.py).

    Returns:
        ``widget``.

    Raises:
        ValueError: a key part with other characters (it would not be a CSS class).
    """
    name = "-".join(key)
    if not name or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ValueError(f"not a field key: {name!r}")
    widget.add_class(f"pc-keep-{name}")
    return widget


def header_html(title: str, intro: str = "") -> str:
    """Return a chapter header: ``<h1>`` and an optional intro paragraph (escaped)."""
    intro_html = f'<p class="pc-intro">{esc(intro)}</p>' if intro else ""
    return f'<header class="pc-header"><h1>{esc(title)}</h1>{intro_html}</header>'


def subtitle_html(title: str, hint: str = "") -> str:
    """Return a section heading ``<h3>`` with an optional hint paragraph (escaped)."""
    hint_html = f'<p class="pc-hint">{esc(hint)}</p>' if hint else ""
    return f'<h3 class="pc-subtitle">{esc(title)}</h3>{hint_html}'
