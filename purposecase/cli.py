"""Command line: ``purposecase serve`` (more commands arrive with their issues).

``serve`` starts Voilà on the chapter notebooks with the workbook's settings:
bound to 127.0.0.1, tracebacks hidden, kernels shut down when a page closes and
idle kernels culled, the data folder outside the served folder.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .paths import data_home, notebooks_dir

DEFAULT_PORT = 8866
START_CHAPTER = "03_voorbeelden.ipynb"

KERNEL_CULL_IDLE_SECONDS = 600
"""A kernel with no open page, idle this long, is shut down (the page-close beacon normally does it first)."""

WEBSOCKET_MAX_BYTES = 16 * 1024 * 1024
"""Tornado's websocket message limit for uploads (DESIGN.md §5): 16 MiB."""


TEMPLATE = "werkboek"
"""Our Voilà template (``purposecase/share/jupyter/voila/templates/werkboek``), based on ``lab``."""


def voila_env() -> dict[str, str]:
    """Return the environment additions Voilà needs to find the workbook's template.

    ``JUPYTER_PATH`` gets the package's ``share/jupyter`` folder prepended.
    """
    import os

    from .paths import PACKAGE_DIR

    share = str(PACKAGE_DIR / "share" / "jupyter")
    current = os.environ.get("JUPYTER_PATH", "")
    return {"JUPYTER_PATH": share + (os.pathsep + current if current else "")}


def voila_argv(
    *,
    port: int = DEFAULT_PORT,
    ip: str = "127.0.0.1",
    preheat: bool = False,
    open_browser: bool = False,
    base_url: str = "/",
    notebooks: str | None = None,
) -> list[str]:
    """Return the Voilà command-line arguments ``serve`` uses (also used by tests and benchmarks).

    Args:
        port: TCP port.
        ip: address to bind; keep 127.0.0.1 unless a proxy with TLS is in front.
        preheat: keep a pool of preheated kernels.
        open_browser: let Voilà open a browser.
        base_url: URL prefix (behind a proxy or JupyterHub).
        notebooks: folder to serve (default :func:`purposecase.paths.notebooks_dir`).

    Returns:
        ``[notebooks folder, --flags…]`` for ``python -m voila``.
    """
    argv = [
        str(notebooks or notebooks_dir()),
        f"--port={port}",
        f"--Voila.ip={ip}",
        f"--Voila.base_url={base_url}",
        f"--template={TEMPLATE}",
        "--VoilaConfiguration.show_tracebacks=False",
        # The page's beforeunload beacon posts /voila/api/shutdown/<id> with the
        # _xsrf cookie, which voila 0.5.13 never sets, so the POST is refused
        # and kernels pile up (DESIGN.md §5). There is no login session for
        # XSRF to protect; kernel ids are random UUIDs.
        "--Voila.tornado_settings="
        + repr({"disable_check_xsrf": True, "websocket_max_message_size": WEBSOCKET_MAX_BYTES}),
        f"--MappingKernelManager.cull_idle_timeout={KERNEL_CULL_IDLE_SECONDS}",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=False",
        "--VoilaConfiguration.file_allowlist=[]",
    ]
    if not open_browser:
        argv.append("--no-browser")
    if preheat:
        argv += [
            "--preheat_kernel=True",
            "--pool_size=2",
        ]
    return argv


def serve(args: argparse.Namespace) -> int:
    """Run Voilà in the foreground until interrupted; return its exit code."""
    home = data_home()
    os.environ["PURPOSECASE_HOME"] = str(home)
    os.environ.update(voila_env())
    argv = voila_argv(port=args.port, ip=args.ip, preheat=args.preheat, open_browser=args.open)
    url = f"http://{args.ip}:{args.port}/voila/render/{START_CHAPTER}"
    print(f"Purpose Case werkboek: open {url}", flush=True)
    print(f"Gegevens worden bewaard in {home}", flush=True)
    from voila.app import main as voila_main

    sys.argv = ["voila", *argv]
    try:
        return voila_main() or 0
    except KeyboardInterrupt:  # pragma: no cover - interactive stop
        return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``purposecase`` command."""
    parser = argparse.ArgumentParser(prog="purposecase", description="Purpose Case werkboek")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="start the workbook in Voilà")
    p.add_argument("--port", type=int, default=int(os.environ.get("PURPOSECASE_PORT", DEFAULT_PORT)))
    p.add_argument("--ip", default=os.environ.get("PURPOSECASE_IP", "127.0.0.1"))
    p.add_argument("--preheat", action="store_true", help="keep preheated kernels ready (faster first page)")
    p.add_argument("--open", action="store_true", help="open a browser")
    p.set_defaults(func=serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``purposecase`` command."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
