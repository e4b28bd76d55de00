"""Guards in front of standalone Voilà: kernel admission, clean 404s and a read-only contents listing.

Installed by ``voila_config/voila.py`` (:func:`install`), so ``purposecase serve``, the tests and the
benchmarks all run behind it. What it adds (issue 20):

- **Kernel admission.** Every ``/voila/render/…`` request starts a kernel (~1 CPU-s, 65–95 MB; DESIGN.md
  §9), also one from ``curl`` or a link preview. A page is refused with a small Dutch and English
  "het is nu erg druk" page (HTTP 503, ``Retry-After``) instead of a kernel when the server already holds
  :func:`limits` ``max_kernels`` page kernels, or when the client's address used up its kernel starts
  (a token bucket: ``starts_per_minute`` at once, refilled at that rate). Preheated kernels
  (``--preheat``) waiting in Voilà's pool are not page kernels and count against nobody; a page that
  takes one from the pool is a page like any other.
- **Pages that never connect.** A page whose websocket has not connected within
  ``unconnected_seconds`` after its HTML was sent (a ``curl``, a crawler, a link preview) has its kernel
  shut down then, not after the 120 s idle cull (``purposecase.cli.KERNEL_CULL_IDLE_SECONDS``), which
  still handles pages whose connection died later. A page that is open keeps its kernel.
- **Clean 404s** for paths Voilà 0.5.13 answers with a 500 and a traceback in the log: a template static
  path without a file (``/voila/templates/lab/static/``, ``…/static/..%2fconf.json``), ``/logout`` (no
  login in standalone Voilà), and render paths with control characters (``%00``) or that are not a
  notebook (``/voila/files/`` serves nothing, so Voilà's redirect there was a dead end anyway).
- **Contents listing read-only**: the tree page's ``/voila/api/contents`` answers only GET (Voilà) and
  now says ``"writable": false`` for every entry.

Client address: the connection's peer; when the peer is a trusted proxy and sends ``X-Real-IP``, that
header (``deploy/nginx/werkboek.conf`` and ``deploy/haproxy/werkboek.cfg`` set it to the real client).
Trusted are loopback addresses (a proxy on the same machine), plus the networks in
``PURPOSECASE_TRUSTED_PROXIES`` (comma-separated, e.g. a Kubernetes pod network where the ingress
controller runs; ``deploy/kubernetes/deployment.yaml``).
"""

from __future__ import annotations

import html
import ipaddress
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("Voila")

MAX_KERNELS_ENV = "PURPOSECASE_MAX_KERNELS"
STARTS_ENV = "PURPOSECASE_KERNEL_STARTS_PER_MINUTE"
UNCONNECTED_ENV = "PURPOSECASE_UNCONNECTED_CULL_SECONDS"
TRUSTED_PROXIES_ENV = "PURPOSECASE_TRUSTED_PROXIES"

DEFAULT_MAX_KERNELS = 40
"""Page kernels per server. Sized from deploy/README.md §4 and DESIGN.md §9: a kernel holds 65–95 MB, so
40 pages are ≈ 3.5 GB; a workshop of 30 opening a link at once plus second tabs fits, while 15 bare
``curl`` requests no longer add 0.65 GB each time (issue 20: 22 → 37 kernels, 2.07 → 2.72 GB in 5 s).
One core opens ~50 pages a minute, so 40 pages are ~1 minute of work for 2 cores."""
DEFAULT_STARTS_PER_MINUTE = 20
"""Kernel starts per client address: 20 at once, then 20 a minute. One person opening all nine chapters
and reloading a few stays far below it; a classroom behind one NAT address that opens a link at the
same moment may need more (raise it with ``PURPOSECASE_KERNEL_STARTS_PER_MINUTE``)."""
DEFAULT_UNCONNECTED_SECONDS = 60
"""Seconds after a page's HTML was sent within which its websocket must connect. A browser on its own
machine connects within a second or two of the page arriving, but in a burst on a busy server (ten
people opening a chapter at once on 2 cores: 35–60 s, ``benchmarks/burst.py``) 25 s culled pages that
were still loading; 60 s is still well inside the 2-minute idle cull."""
RETRY_AFTER_SECONDS = 30


@dataclass(frozen=True)
class Limits:
    """The admission limits of one server.

    Attributes:
        max_kernels: page kernels at most (preheated kernels in the pool not counted).
        starts_per_minute: kernel starts per client address, as a burst and per minute.
        unconnected_seconds: a page kernel whose websocket has not connected this long after the
            page was sent is shut down.
    """

    max_kernels: int = DEFAULT_MAX_KERNELS
    starts_per_minute: int = DEFAULT_STARTS_PER_MINUTE
    unconnected_seconds: float = DEFAULT_UNCONNECTED_SECONDS


def _env_number(name: str, default: float, minimum: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum:g}, got {raw!r}")
    return value


def limits() -> Limits:
    """Return the limits from the environment (``purposecase serve`` sets it from its options).

    ``PURPOSECASE_MAX_KERNELS`` (≥ 1), ``PURPOSECASE_KERNEL_STARTS_PER_MINUTE`` (≥ 1) and
    ``PURPOSECASE_UNCONNECTED_CULL_SECONDS`` (≥ 5) override the defaults.

    Raises:
        ValueError: if a variable is not a number or below its minimum.
    """
    trusted_proxies()  # fail at start, not on every request
    return Limits(
        max_kernels=int(_env_number(MAX_KERNELS_ENV, DEFAULT_MAX_KERNELS, 1)),
        starts_per_minute=int(_env_number(STARTS_ENV, DEFAULT_STARTS_PER_MINUTE, 1)),
        unconnected_seconds=_env_number(UNCONNECTED_ENV, DEFAULT_UNCONNECTED_SECONDS, 5),
    )


class Admission:
    """Decide whether a page may start a kernel: the server's cap and a token bucket per address.

    Pure bookkeeping (no Tornado): :meth:`admit` reserves a place, :meth:`started` ties it to a kernel,
    :meth:`release` gives an unused reservation back. The count is reservations plus the tracked page
    kernels that are still alive, so fifty requests arriving before any kernel has started cannot pass
    the cap.
    """

    MAX_ADDRESSES = 10_000
    """Buckets kept at most; full buckets are forgotten first (a full bucket is the default anyway)."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        """Start with no page kernels and every address's bucket full."""
        self.limits = limits
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._reserved = 0
        self.kernels: set[str] = set()
        self.refused = {"cap": 0, "rate": 0}

    def _tokens(self, address: str, now: float) -> float:
        burst = float(self.limits.starts_per_minute)
        tokens, then = self._buckets.get(address, (burst, now))
        return min(burst, tokens + (now - then) * burst / 60.0)

    def page_kernels(self, live: set[str] | None = None) -> int:
        """Return the page kernels counted against the cap (forgetting tracked ids not in ``live``)."""
        if live is not None:
            self.kernels &= live
        return len(self.kernels) + self._reserved

    def admit(self, address: str, live: set[str] | None = None) -> str | None:
        """Reserve a kernel start for ``address``; return ``None``, or why not: ``"cap"`` or ``"rate"``.

        Args:
            address: the client's address (any string; one bucket per value).
            live: ids of the kernels that exist now (tracked ids not among them are gone).
        """
        now = self._clock()
        if self.page_kernels(live) >= self.limits.max_kernels:
            self.refused["cap"] += 1
            return "cap"
        tokens = self._tokens(address, now)
        if tokens < 1.0:
            self.refused["rate"] += 1
            return "rate"
        if len(self._buckets) >= self.MAX_ADDRESSES and address not in self._buckets:
            self._forget_full(now)
        self._buckets[address] = (tokens - 1.0, now)
        self._reserved += 1
        return None

    def started(self, kernel_id: str) -> None:
        """Turn one reservation into the page kernel ``kernel_id``."""
        self.kernels.add(kernel_id)

    def release(self) -> None:
        """Give one reservation back (the request has its kernel, or ended without one)."""
        self._reserved = max(0, self._reserved - 1)

    def _forget_full(self, now: float) -> None:
        burst = float(self.limits.starts_per_minute)
        for address in [a for a in self._buckets if self._tokens(a, now) >= burst]:
            del self._buckets[address]
        if len(self._buckets) >= self.MAX_ADDRESSES:  # all busy: forget the oldest half
            for address in sorted(self._buckets, key=lambda a: self._buckets[a][1])[: self.MAX_ADDRESSES // 2]:
                del self._buckets[address]


def trusted_proxies() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Return the networks of ``PURPOSECASE_TRUSTED_PROXIES`` (besides loopback, which is always trusted).

    Raises:
        ValueError: if an entry is not an address or network (``10.0.0.0/8``, ``fd00::/8``).
    """
    raw = os.environ.get(TRUSTED_PROXIES_ENV, "")
    try:
        return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in raw.split(",") if p.strip())
    except ValueError:
        raise ValueError(f"{TRUSTED_PROXIES_ENV} must list addresses or networks, got {raw!r}") from None


def client_address(peer: str, headers: Any) -> str:
    """Return the address a request is counted against.

    Args:
        peer: the connection's remote address (``request.remote_ip``).
        headers: the request's headers (``X-Real-IP`` is trusted only from a proxy: a loopback peer or one in
            ``PURPOSECASE_TRUSTED_PROXIES``).
    """
    try:
        address = ipaddress.ip_address(peer)
        loopback = address.is_loopback or any(address in net for net in trusted_proxies())
    except ValueError:
        loopback = False
    if loopback:
        real = (headers.get("X-Real-IP") or "").strip()
        try:
            return str(ipaddress.ip_address(real))
        except ValueError:
            pass
    return peer


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def render_path_ok(path: str | None) -> bool:
    """Return whether a ``/voila/render/<path>`` may be rendered: a notebook, no control characters."""
    return bool(path) and not _CONTROL.search(path) and path.lower().endswith(".ipynb")


def busy_page(reason: str) -> str:
    """Return the small bilingual HTML page shown instead of a kernel when the server is busy.

    Args:
        reason: ``"cap"`` or ``"rate"`` (kept in a comment for whoever reads the source).
    """
    from purposecase.messages import Translator

    parts = []
    for lang in ("nl", "en"):
        t = Translator(lang)
        parts.append(
            f'<section lang="{lang}"><h1>{html.escape(t("server.druk_titel"))}</h1>'
            f"<p>{html.escape(t('server.druk_tekst'))}</p></section>"
        )
    reload_label = html.escape(Translator("nl")("server.opnieuw") + " / " + Translator("en")("server.opnieuw"))
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(Translator('nl')('server.druk_titel'))}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;"
        "color:#1d2a33;line-height:1.5}h1{font-size:1.4em}section+section{border-top:1px solid #d9d4cc;"
        "margin-top:1.5em;color:#4a5863}a{color:#1f5f8b;font-weight:600}</style></head>"
        f"<body><!-- {html.escape(reason)} -->{''.join(parts)}"
        f'<p><a href="" class="pc-busy-reload">{reload_label}</a></p></body></html>\n'
    )


class _Recording:
    """A stand-in for the kernel manager that reports the kernel a page gets to ``on_kernel``."""

    def __init__(self, manager: Any, on_kernel: Callable[[str], None]) -> None:
        self._manager = manager
        self._on_kernel = on_kernel

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        from nbclient.util import ensure_async

        kernel_id = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        self._on_kernel(kernel_id)
        return kernel_id

    async def get_rendered_notebook(self, *args: Any, **kwargs: Any) -> Any:
        result = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._on_kernel(result[2])
        return result


ADMISSION: Admission | None = None
"""The server's admission (set by :func:`install`)."""


def install(config: Any) -> None:
    """Wrap Voilà's handler list: guarded render handler, clean 404s, read-only contents listing.

    Args:
        config: the traitlets config object of ``voila_config/voila.py`` (unused; kept for symmetry).

    Raises:
        ValueError: if a limit in the environment is not valid (see :func:`limits`).
    """
    global ADMISSION

    import tornado.web
    from jupyter_server.utils import url_path_join
    from voila.app import Voila
    from voila.static_file_handler import TemplateStaticFileHandler
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.handler import TornadoVoilaHandler

    ADMISSION = admission = Admission(limits())

    class SameOrigin(tornado.web.RequestHandler):
        """Send ``Referrer-Policy: same-origin`` also from handlers outside jupyter_server's base."""

        def set_default_headers(self) -> None:
            super().set_default_headers()
            self.set_header("Referrer-Policy", "same-origin")

    class NotFound(SameOrigin):
        """Answer 404 to every method, without a traceback."""

        def prepare(self) -> None:
            raise tornado.web.HTTPError(404)

    class SafeTemplateStatic(SameOrigin, TemplateStaticFileHandler):
        """Voilà's template static files; a path without ``<template>/static/<file>`` is a 404."""

        def parse_url_path(self, path: str) -> str:
            try:
                return super().parse_url_path(path)
            except (ValueError, AssertionError):
                raise tornado.web.HTTPError(404) from None

        @classmethod
        def get_absolute_path(cls, root: str, path: str) -> str:
            try:
                return super().get_absolute_path(root, path)
            except (ValueError, AssertionError):
                raise tornado.web.HTTPError(404) from None

    class ReadOnlyContents(VoilaContentsHandler):
        """The tree page's listing, marked read-only (it never accepted writes)."""

        def _finish_model(self, model: dict, location: bool = True) -> None:
            model["writable"] = False
            for entry in model.get("content") or [] if model.get("type") == "directory" else []:
                entry["writable"] = False
            super()._finish_model(model, location=location)

    class GuardedVoilaHandler(TornadoVoilaHandler):
        """Voilà's page handler behind kernel admission and a path check."""

        _pc_kernel: str | None = None
        _pc_reserved = False

        @property
        def kernel_manager(self) -> Any:
            return _Recording(self.settings["kernel_manager"], self._pc_got_kernel)

        def _pc_got_kernel(self, kernel_id: str) -> None:
            self._pc_kernel = kernel_id
            admission.started(kernel_id)
            self._pc_release()

        def _pc_release(self) -> None:
            if self._pc_reserved:
                self._pc_reserved = False
                admission.release()

        async def get(self, path: str | None = None) -> None:
            if not render_path_ok(path):
                raise tornado.web.HTTPError(404)
            manager = self.settings["kernel_manager"]
            address = client_address(self.request.remote_ip or "", self.request.headers)
            refusal = admission.admit(address, set(manager.list_kernel_ids()))
            if refusal is not None:
                log.warning("Busy (%s): no kernel for %s; %d page kernels", refusal, address,
                            admission.page_kernels())
                self.set_status(503)
                self.set_header("Retry-After", str(RETRY_AFTER_SECONDS))
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                self.finish(busy_page(refusal))
                return
            self._pc_reserved = True
            try:
                await super().get(path)
            finally:
                self._pc_release()

        def on_finish(self) -> None:
            self._pc_release()
            self._pc_watch()

        def on_connection_close(self) -> None:
            super().on_connection_close()
            self._pc_release()
            self._pc_watch()

        def _pc_watch(self) -> None:
            kernel_id, self._pc_kernel = self._pc_kernel, None
            if kernel_id is None:
                return
            manager = self.settings["kernel_manager"]
            from tornado.ioloop import IOLoop

            IOLoop.current().call_later(admission.limits.unconnected_seconds, _cull_if_unconnected,
                                        manager, kernel_id)

    original = getattr(Voila.init_handlers, "purposecase_original", Voila.init_handlers)

    def init_handlers(self: Any) -> list:
        handlers = []
        for spec in original(self):
            pattern, handler, *rest = spec
            if handler is TornadoVoilaHandler:
                handler = GuardedVoilaHandler
            elif handler is TemplateStaticFileHandler:
                handler = SafeTemplateStatic
            elif handler is VoilaContentsHandler:
                handler = ReadOnlyContents
            handlers.append((pattern, handler, *rest))
        closed = [(url_path_join(self.server_url, p), NotFound) for p in ("/logout", "/login")]
        return closed + handlers

    init_handlers.purposecase_original = original  # type: ignore[attr-defined]
    Voila.init_handlers = init_handlers


async def _cull_if_unconnected(manager: Any, kernel_id: str) -> None:
    """Shut ``kernel_id`` down if no websocket is connected to it (its page never connected)."""
    try:
        if kernel_id not in manager.list_kernel_ids():
            return
        if manager._kernel_connections.get(kernel_id, 0) > 0:
            return
        log.info("Kernel %s: its page never connected; shutting it down", kernel_id)
        await manager.shutdown_kernel(kernel_id)
    except Exception:  # noqa: BLE001 - a kernel that went away meanwhile is no error
        log.debug("unconnected cull of %s", kernel_id, exc_info=True)
