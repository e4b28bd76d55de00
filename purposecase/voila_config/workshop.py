"""Workshop mode, the pool of preheated kernels, a status endpoint and a graceful stop.

Installed by ``voila_config/voila.py`` (:func:`install`) after :mod:`purposecase.voila_config.guard`.
What it adds (issue 19):

- **Workshop mode** (``purposecase serve --workshop N``, or ``PURPOSECASE_WORKSHOP=N``): Voilà's pool of
  preheated kernels (a kernel that already ran the chapter's imports and waits for its page) holds N
  kernels for each chapter a group opens (:data:`DEFAULT_CHAPTERS`, or ``--workshop-chapters`` /
  ``PURPOSECASE_WORKSHOP_CHAPTERS``) and :data:`OTHER_POOL_SIZE` for every other chapter. Voilà's pool
  is per notebook (``VoilaKernelManager.kernel_pools_config``).
- **Refilling in the background** (every preheated run, ``--preheat`` too): a kernel the pool hands out is
  replaced, but the replacement waits until no page asked for a kernel for :data:`REFILL_QUIET_SECONDS`
  (at most :data:`REFILL_MAX_WAIT_SECONDS`), and at most :data:`REFILL_PARALLEL` replacements warm up at a
  time, each until its kernel is idle. Voilà's own refill starts every replacement one second after its
  page, so 30 pages opened at once would start 30 more kernels on the same cores while the 30 pages still
  load. A page that finds no warm kernel gets a fresh one at once instead of waiting for one that is
  still warming (:meth:`get_pool_size` counts warm kernels only).
- **Status**: ``GET <base>voila/api/werkboek`` answers JSON: warm and warming kernels per chapter, the
  workshop size, page kernels and the cap of the guard, and whether the server is stopping. No tokens, no
  workspace data. ``GET <base>voila/api/werkboek/ready`` answers 200, or 503 once the server stops
  (a load balancer's or Kubernetes' readiness check; the status address serves as liveness check).
  ``GET <base>voila/api/werkboek/verbonden/<kernel id>`` answers how many websockets that kernel has
  (a page's kernel asks it for itself: who is here).
- **A graceful stop**: on SIGTERM Voilà stops its loop and shuts every kernel down with a
  ``shutdown_request`` (``shutdown_all(now=False)``), so each page's editors save what was typed
  (``ui/draft.py`` registers the save at the kernel's exit). :data:`SHUTDOWN_WAIT_SECONDS` gives a kernel
  time to save before it is terminated; this module logs the stop and marks the server as stopping.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("Voila")

WORKSHOP_ENV = "PURPOSECASE_WORKSHOP"
CHAPTERS_ENV = "PURPOSECASE_WORKSHOP_CHAPTERS"

DEFAULT_CHAPTERS = ("03_voorbeelden.ipynb", "04_zelf_invullen.ipynb")
"""What a group opens at the same moment: the examples (a trainer's session; ``serve`` prints this link)
and step 1–2 (where every partner's personal link lands)."""
OTHER_POOL_SIZE = 1
"""Preheated kernels for each other chapter in workshop mode: the first person to go on is quick."""
MAX_PEOPLE = 200
"""Largest workshop one process preheats for (200 × 2 chapters ≈ 15 GB of kernels)."""
KERNEL_MB = 75
"""Memory of one preheated kernel, MB: measured 65–79 MB RSS (45–59 MB PSS) per kernel waiting for its
page, on every chapter (README, "Workshop mode"). Used for the estimate ``serve`` prints."""
REFILL_QUIET_SECONDS = 3.0
"""A replacement kernel starts once no page asked for a kernel for this long…"""
REFILL_MAX_WAIT_SECONDS = 30.0
"""…or at the latest this long after it was due."""
REFILL_PARALLEL = max(1, (os.cpu_count() or 2) // 2)
"""Kernels warming up at the same time (half the cores: the other half serves the pages)."""
WARM_TIMEOUT_SECONDS = 30.0
"""A kernel counts as warm when its process is idle, or at the latest this long after it started."""
SHUTDOWN_WAIT_SECONDS = 20.0
"""How long a kernel may take to save and exit after its ``shutdown_request`` before it is terminated
(``KernelManager.shutdown_wait_time``; jupyter_client sends SIGTERM after half of it). Under load 30
kernels save at once; the default of 5 s (SIGTERM after 2.5 s) could cut a save short."""

DRAINING = False
"""True once the server received SIGTERM (the readiness check answers 503)."""


@dataclass(frozen=True)
class Workshop:
    """A workshop's preheating plan.

    Attributes:
        people: how many people open a chapter at the same moment.
        chapters: notebook file names that get ``people`` preheated kernels each.
    """

    people: int
    chapters: tuple[str, ...] = DEFAULT_CHAPTERS

    def pools(self) -> dict[str, dict[str, int]]:
        """Return Voilà's ``kernel_pools_config``: ``people`` per workshop chapter, else :data:`OTHER_POOL_SIZE`."""
        pools = {"default": {"pool_size": OTHER_POOL_SIZE}}
        pools.update({name: {"pool_size": self.people} for name in self.chapters})
        return pools

    def kernels(self, notebooks: int) -> int:
        """Return the preheated kernels kept for ``notebooks`` served notebooks."""
        others = max(0, notebooks - len(self.chapters))
        return self.people * len(self.chapters) + OTHER_POOL_SIZE * others

    def describe(self, notebooks: int) -> str:
        """Return one line for the console: kernels kept ready and their memory (Dutch)."""
        n = self.kernels(notebooks)
        names = ", ".join(c.removesuffix(".ipynb") for c in self.chapters)
        return (
            f"Workshopstand voor {self.people}: {n} voorverwarmde kernels ({self.people} per hoofdstuk voor "
            f"{names}, {OTHER_POOL_SIZE} voor elk ander), samen ongeveer {n * KERNEL_MB / 1024:.1f} GB geheugen."
        )


def resolve_chapters(spec: str, notebooks: Path) -> tuple[str, ...]:
    """Return the notebook names ``spec`` names: comma-separated names or unique prefixes (``03,04``).

    Raises:
        ValueError: if a name matches no notebook, or more than one.
    """
    available = sorted(p.name for p in notebooks.glob("*.ipynb"))
    out: list[str] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        match = [n for n in available if n == part or n == f"{part}.ipynb"] or [
            n for n in available if n.startswith(part)
        ]
        if len(match) != 1:
            raise ValueError(
                f"workshop chapter {part!r} matches {len(match)} notebooks; choose from {', '.join(available)}"
            )
        if match[0] not in out:
            out.append(match[0])
    if not out:
        raise ValueError("name at least one workshop chapter")
    return tuple(out)


def workshop_from_env(notebooks: Path | None = None) -> Workshop | None:
    """Return the workshop ``PURPOSECASE_WORKSHOP`` (and ``PURPOSECASE_WORKSHOP_CHAPTERS``) ask for, or None.

    Raises:
        ValueError: if the size is not a whole number from 1 to :data:`MAX_PEOPLE`, or a chapter is unknown.
    """
    raw = os.environ.get(WORKSHOP_ENV, "").strip()
    if not raw or raw == "0":
        return None
    try:
        people = int(raw)
    except ValueError:
        raise ValueError(f"{WORKSHOP_ENV} must be a whole number, got {raw!r}") from None
    if not 1 <= people <= MAX_PEOPLE:
        raise ValueError(f"{WORKSHOP_ENV} must be between 1 and {MAX_PEOPLE}, got {people}")
    spec = os.environ.get(CHAPTERS_ENV, "").strip()
    if not spec:
        return Workshop(people)
    if notebooks is None:
        from purposecase.paths import notebooks_dir

        notebooks = notebooks_dir()
    return Workshop(people, resolve_chapters(spec, notebooks))


UNCONNECTED_SECONDS = 90.0
"""In workshop mode a page's websocket may take this long to connect before its kernel is shut down (the
guard's default is 25 s). When 30 pages open at once on 2 cores the browsers fetch their scripts from a
busy server: in ``benchmarks/burst.py`` 29 of 30 cold pages lost their kernel to the 25 s rule."""


def apply_limits(plan: Workshop | None) -> None:
    """Set the guard's limits in the environment for ``plan`` where they are not set (see :func:`admission_for`).

    Also gives pages :data:`UNCONNECTED_SECONDS` to connect. Nothing changes without a workshop.
    """
    if plan is None:
        return
    from purposecase.voila_config import guard

    current = guard.limits()
    cap, starts = admission_for(plan.people, current.max_kernels, current.starts_per_minute)
    os.environ.setdefault(guard.MAX_KERNELS_ENV, str(cap))
    os.environ.setdefault(guard.STARTS_ENV, str(starts))
    os.environ.setdefault(guard.UNCONNECTED_ENV, str(int(max(current.unconnected_seconds, UNCONNECTED_SECONDS))))


def admission_for(people: int, max_kernels: int, starts_per_minute: int) -> tuple[int, int]:
    """Return the guard's ``(max_kernels, starts_per_minute)`` for a workshop of ``people``.

    Every participant may have two chapters open (``2 × people`` page kernels), and a classroom behind
    one address (NAT) opens the link at the same moment (``people`` starts at once); limits that are
    already larger stay.
    """
    return max(max_kernels, 2 * people), max(starts_per_minute, people)


# ----------------------------------------------------------------- the pool
def _process_pid(manager: Any, kernel_id: str) -> int | None:
    try:
        return manager.get_kernel(kernel_id).provisioner.process.pid
    except Exception:  # noqa: BLE001 - not started, already gone, or another provisioner
        return None


async def _wait_until_idle(pid: int | None, timeout: float = WARM_TIMEOUT_SECONDS) -> None:
    """Wait until process ``pid`` uses under 10 % of a core for two samples in a row (or ``timeout``)."""
    if pid is None:
        return
    import psutil

    deadline = time.monotonic() + timeout
    try:
        proc = psutil.Process(pid)
        proc.cpu_percent(None)
        quiet = 0
        while time.monotonic() < deadline and quiet < 2:
            await asyncio.sleep(0.3)
            quiet = quiet + 1 if proc.cpu_percent(None) < 10.0 else 0
    except psutil.Error:
        return


def pool_class(cls: type) -> type:
    """Return ``cls`` (Voilà's preheating kernel manager) with the workbook's refill rules and status."""

    class WorkbookPool(cls):  # type: ignore[misc, valid-type]
        """Voilà's kernel pool, refilled in the background; counts only warm kernels as available."""

        def __init__(self, **kwargs: Any) -> None:
            self._pc_demand = 0.0
            self._pc_warm: set[str] = set()
            self._pc_gate: asyncio.Semaphore | None = None
            super().__init__(**kwargs)

        def _pc_stamp(self) -> None:
            self._pc_demand = time.monotonic()

        async def _initialize(self, notebook_path: str, kernel_id: str | None = None, **kwargs: Any) -> Any:
            if kernel_id is not None:  # a restart, not a pool start
                return await super()._initialize(notebook_path, kernel_id, **kwargs)
            if self._pc_gate is None:
                self._pc_gate = asyncio.Semaphore(REFILL_PARALLEL)
            due = time.monotonic()
            async with self._pc_gate:
                while (
                    time.monotonic() - self._pc_demand < REFILL_QUIET_SECONDS
                    and time.monotonic() - due < REFILL_MAX_WAIT_SECONDS
                ):
                    await asyncio.sleep(0.5)
                result = await super()._initialize(notebook_path, None, **kwargs)
                await _wait_until_idle(_process_pid(self, result["kernel_id"]))
                self._pc_warm.add(result["kernel_id"])
            return result

        def _pc_ready(self, notebook_name: str) -> list[Any]:
            ready = []
            for task in self._pools.get(notebook_name, []):
                try:
                    if task.done() and task.result()["kernel_id"] in self._pc_warm:
                        ready.append(task)
                except Exception:  # noqa: BLE001, S112 - a start that failed is not ready
                    continue
            return ready

        def get_pool_size(self, notebook_name: str) -> int:
            """Return the warm kernels waiting for ``notebook_name`` (Voilà: all, warming ones too)."""
            return len(self._pc_ready(notebook_name))

        async def get_rendered_notebook(self, notebook_name: str, *args: Any, **kwargs: Any) -> Any:
            self._pc_stamp()
            ready = self._pc_ready(notebook_name)
            pool = self._pools.get(notebook_name, [])
            if ready and pool and pool[0] is not ready[0]:  # hand out a warm one, not the first in line
                pool.remove(ready[0])
                pool.insert(0, ready[0])
            result = await super().get_rendered_notebook(notebook_name, *args, **kwargs)
            self._pc_warm.discard(result[2])
            return result

        async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
            self._pc_stamp()  # a page without a warm kernel: also demand
            return await super().start_kernel(*args, **kwargs)

        def pool_status(self) -> dict[str, dict[str, int]]:
            """Return ``{notebook: {"ready", "warming", "target"}}`` for every pool."""
            out = {}
            defaults = self.kernel_pools_config.get("default", {})
            for name, pool in sorted(self._pools.items()):
                if name is None:
                    continue
                ready = len(self._pc_ready(name))
                target = self.kernel_pools_config.get(name, defaults).get("pool_size", defaults.get("pool_size", 1))
                out[name] = {"ready": ready, "warming": len(pool) - ready, "target": int(target)}
            return out

    WorkbookPool.__name__ = WorkbookPool.__qualname__ = cls.__name__  # config sections keep their name
    return WorkbookPool


def status(manager: Any) -> dict[str, Any]:
    """Return the server's status for ``GET voila/api/werkboek`` (no tokens, no workspace data)."""
    from purposecase.voila_config import guard

    pools = manager.pool_status() if hasattr(manager, "pool_status") else {}
    admission = guard.ADMISSION
    live = set(manager.list_kernel_ids())
    plan = None
    try:
        plan = workshop_from_env()
    except ValueError:
        pass
    return {
        "workshop": plan.people if plan else 0,
        "chapters": list(plan.chapters) if plan else [],
        "pools": pools,
        "ready": sum(p["ready"] for p in pools.values()),
        "warming": sum(p["warming"] for p in pools.values()),
        "target": sum(p["target"] for p in pools.values()),
        "page_kernels": admission.page_kernels(live) if admission else None,
        "max_kernels": admission.limits.max_kernels if admission else None,
        "draining": DRAINING,
    }


# ----------------------------------------------------------------- install
def install(config: Any) -> None:
    """Configure the pool for a workshop, wrap Voilà's pool, add the status handlers and the SIGTERM log.

    Args:
        config: the traitlets config object of ``voila_config/voila.py``.

    Raises:
        ValueError: if ``PURPOSECASE_WORKSHOP`` or ``PURPOSECASE_WORKSHOP_CHAPTERS`` is not valid.
    """
    import tornado.web
    import voila.app as voila_app
    from jupyter_server.utils import url_path_join
    from voila.app import Voila

    plan = workshop_from_env()
    if plan is not None:
        config.VoilaConfiguration.preheat_kernel = True
        config.VoilaConfiguration.default_pool_size = OTHER_POOL_SIZE
        config.VoilaKernelManager.kernel_pools_config = plan.pools()
        config.VoilaKernelManager.fill_delay = 0.0  # the refill rules above decide when
    config.KernelManager.shutdown_wait_time = SHUTDOWN_WAIT_SECONDS

    factory = getattr(voila_app.voila_kernel_manager_factory, "purposecase_original",
                      voila_app.voila_kernel_manager_factory)

    def kernel_manager_factory(base_class: type, preheat_kernel: bool, *args: Any, **kwargs: Any) -> type:
        cls = factory(base_class, preheat_kernel, *args, **kwargs)
        return pool_class(cls) if preheat_kernel else cls

    kernel_manager_factory.purposecase_original = factory  # type: ignore[attr-defined]
    voila_app.voila_kernel_manager_factory = kernel_manager_factory

    class StatusHandler(tornado.web.RequestHandler):
        """``GET voila/api/werkboek``: pool and kernel counts as JSON."""

        def set_default_headers(self) -> None:
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.set_header("Referrer-Policy", "same-origin")

        def get(self) -> None:
            self.finish(json.dumps(status(self.settings["kernel_manager"])))

    class ReadyHandler(StatusHandler):
        """``GET voila/api/werkboek/ready``: 200 while the server takes pages, 503 once it stops."""

        def get(self) -> None:
            if DRAINING:
                self.set_status(503)
            self.finish(json.dumps({"ready": not DRAINING}))

    class ConnectedHandler(StatusHandler):
        """``GET voila/api/werkboek/verbonden/<kernel id>``: how many websockets a page kernel has now.

        A page's kernel asks this for itself (``ui/presence.py``: who is here drops a page whose browser
        went away without closing it, long before the kernel is culled). Only whoever knows a kernel's
        id learns anything; an unknown id answers 404.
        """

        def get(self, kernel_id: str) -> None:
            manager = self.settings["kernel_manager"]
            if kernel_id not in manager.list_kernel_ids():
                self.set_status(404)
                self.finish(json.dumps({"connections": None}))
                return
            connections = getattr(manager, "_kernel_connections", {}).get(kernel_id, 0)
            self.finish(json.dumps({"connections": int(connections)}))

    handlers_before = getattr(Voila.init_handlers, "purposecase_workshop_inner", Voila.init_handlers)

    def init_handlers(self: Any) -> list:
        ours = [
            (url_path_join(self.server_url, r"/voila/api/werkboek/?"), StatusHandler),
            (url_path_join(self.server_url, r"/voila/api/werkboek/ready"), ReadyHandler),
            (url_path_join(self.server_url, r"/voila/api/werkboek/verbonden/([0-9a-f-]{36})"), ConnectedHandler),
        ]
        return ours + handlers_before(self)

    init_handlers.purposecase_workshop_inner = handlers_before  # type: ignore[attr-defined]
    init_handlers.purposecase_original = getattr(handlers_before, "purposecase_original", handlers_before)  # type: ignore[attr-defined]
    Voila.init_handlers = init_handlers

    stop_before = getattr(Voila._handle_signal_stop, "purposecase_original", Voila._handle_signal_stop)

    def handle_signal_stop(self: Any, sig: int, frame: Any) -> None:
        global DRAINING

        DRAINING = True
        try:
            count = len(self.kernel_manager.list_kernel_ids())
        except Exception:  # noqa: BLE001 - only for the log line
            count = -1
        log.info("Signal %s: stopping; every page saves what was typed, then its kernel ends (%d kernels)",
                 sig, count)
        stop_before(self, sig, frame)

    handle_signal_stop.purposecase_original = stop_before  # type: ignore[attr-defined]
    Voila._handle_signal_stop = handle_signal_stop
