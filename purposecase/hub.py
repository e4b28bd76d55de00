"""The workbook on JupyterHub: the settings of every user's single-user Jupyter server.

Through JupyterHub each user gets their own Jupyter server (``/user/<name>/``); the workbook runs
there as Voilà's *server extension* (``/user/<name>/voila/render/<chapter>``) instead of the
standalone ``voila`` application that ``purposecase serve`` starts. :func:`configure_singleuser`
applies to a Jupyter server config what ``purposecase serve`` sets on Voilà, and closes the rest of
the Jupyter server, so users see only the read-only workbook:

- template ``werkboek`` (``JUPYTER_PATH``), tracebacks hidden, ``/voila/files/`` allows nothing;
- kernels accept only the widget messages standalone Voilà allows (no code from the browser),
  idle kernels without a page are culled like under ``serve``;
- JupyterLab, the classic notebook, terminals and the language servers are switched off, and the
  contents API is read-only (no notebook can be uploaded and then rendered);
- uploads up to :data:`purposecase.cli.WEBSOCKET_MAX_BYTES`; ``sleutel=`` is scrubbed from logs.

What does *not* carry over: ``--preheat`` (the kernel pool exists only in standalone Voilà) and
``disable_check_xsrf``: JupyterHub sets the ``_xsrf`` cookie that the page-close beacon sends, and
with a login session the XSRF check stays on. Address, port and URL prefix come from the hub.

``deploy/jupyterhub/jupyter_server_config.py`` calls :func:`configure_singleuser`; see
``deploy/README.md``.
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado import web

from .paths import PACKAGE_DIR, notebooks_dir

DEFAULT_CHAPTER = "00_welkom.ipynb"
"""The chapter a user's server opens on (``Spawner.default_url``)."""

DEFAULT_URL = f"/voila/render/{DEFAULT_CHAPTER}"
"""Default URL of a single-user server, relative to its prefix ``/user/<name>/``."""

ALLOWED_MESSAGE_TYPES = (
    "comm_open",
    "comm_close",
    "comm_msg",
    "comm_info_request",
    "kernel_info_request",
    "shutdown_request",
)
"""Kernel messages a browser may send: the list standalone Voilà uses (``voila/app.py``)."""

DISABLED_EXTENSIONS = (
    "jupyterlab",
    "notebook",
    "nbclassic",
    "notebook_shim",
    "jupyter_lsp",
    "jupyter_server_terminals",
)
"""Jupyter server extensions switched off in a workbook user's server."""

VOILA_EXTENSION = "voila.server_extension"


class ReadOnlyContentsManager(AsyncLargeFileManager):
    """The default contents manager without writes: saving, renaming, deleting and checkpoints answer 403.

    Voilà only reads notebooks; a user who could write one into the served folder could have the
    server run it.
    """

    @staticmethod
    def _refuse() -> web.HTTPError:
        return web.HTTPError(403, "The workbook is read-only")

    async def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        """Refuse: the served folder is read-only."""
        raise self._refuse()

    async def delete_file(self, path: str) -> None:
        """Refuse: the served folder is read-only."""
        raise self._refuse()

    async def rename_file(self, old_path: str, new_path: str) -> None:
        """Refuse: the served folder is read-only."""
        raise self._refuse()

    async def create_checkpoint(self, path: str) -> dict[str, Any]:
        """Refuse: the served folder is read-only."""
        raise self._refuse()

    async def restore_checkpoint(self, checkpoint_id: str, path: str) -> None:
        """Refuse: the served folder is read-only."""
        raise self._refuse()

    async def delete_checkpoint(self, checkpoint_id: str, path: str) -> None:
        """Refuse: the served folder is read-only."""
        raise self._refuse()


def ensure_template_path() -> str:
    """Put the package's ``share/jupyter`` first on ``JUPYTER_PATH`` of this process; return the new value.

    Voilà's server extension collects template folders when it loads, after the config files ran,
    so setting it here is enough even when the spawner did not pass ``JUPYTER_PATH``.
    """
    share = str(PACKAGE_DIR / "share" / "jupyter")
    parts = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if share not in parts:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([share, *parts])
    return os.environ["JUPYTER_PATH"]


def configure_singleuser(c: Any, *, notebooks: str | None = None) -> None:
    """Apply the workbook's settings to a single-user Jupyter server's config object ``c``.

    Args:
        c: the ``traitlets`` config of ``jupyterhub-singleuser`` (``get_config()`` in a
            ``jupyter_server_config.py``).
        notebooks: the folder of chapter notebooks to serve (default
            :func:`purposecase.paths.notebooks_dir`, i.e. ``PURPOSECASE_NOTEBOOKS`` or the project's
            ``notebooks/``).
    """
    from .cli import IOPUB_TIMEOUT_SECONDS, TEMPLATE, WEBSOCKET_MAX_BYTES, cull_seconds
    from .voila_config.scrub import install

    ensure_template_path()
    c.ServerApp.root_dir = str(notebooks or notebooks_dir())
    c.ServerApp.default_url = DEFAULT_URL
    c.ServerApp.jpserver_extensions = {VOILA_EXTENSION: True, **{name: False for name in DISABLED_EXTENSIONS}}
    c.ServerApp.terminals_enabled = False
    c.ServerApp.contents_manager_class = ReadOnlyContentsManager
    c.ServerApp.tornado_settings = {"websocket_max_message_size": WEBSOCKET_MAX_BYTES}
    c.ServerApp.extra_log_scrub_param_keys = ["sleutel"]

    c.VoilaConfiguration.template = TEMPLATE
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.file_allowlist = []
    c.VoilaConfiguration.http_header_envs = ["X-Forwarded-Proto"]
    c.VoilaExecutor.iopub_timeout = IOPUB_TIMEOUT_SECONDS  # as under ``serve``: busy machines answer late

    c.MappingKernelManager.allowed_message_types = list(ALLOWED_MESSAGE_TYPES)
    c.MappingKernelManager.allow_tracebacks = False
    c.MappingKernelManager.cull_idle_timeout, c.MappingKernelManager.cull_interval = cull_seconds()
    c.MappingKernelManager.cull_connected = False
    install()
