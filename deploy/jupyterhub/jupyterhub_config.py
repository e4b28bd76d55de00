"""JupyterHub for the Purpose Case werkboek on one machine (``jupyterhub -f deploy/jupyterhub/jupyterhub_config.py``).

Every user who logs in gets their own Jupyter server that shows only the workbook: Voilà's server
extension with the welcome chapter as default URL, read-only (``jupyter_server_config.py`` next to
this file, i.e. :func:`purposecase.hub.configure_singleuser`). All servers share one PostgreSQL
store through ``PURPOSECASE_DATABASE_URL``; servers idle for ``PURPOSECASE_HUB_CULL_TIMEOUT`` seconds
(default one hour) are stopped by jupyterhub-idle-culler. Secret workspace links made under the hub
have the form ``<hub>/hub/user-redirect/voila/render/<chapter>?sleutel=…``, so they open in the
*receiving* user's own server (``purposecase.ui.links.chapter_url``).

Environment of the hub process:
    PURPOSECASE_DATABASE_URL     required, e.g. ``postgresql+psycopg://werkboek:…@db.internal/werkboek``.
    PURPOSECASE_HUB_CULL_TIMEOUT seconds of inactivity before a user's server is stopped (default 3600).
    PURPOSECASE_HUB_URL          where users reach the hub (default ``http://127.0.0.1:8000``; behind
                                 nginx with TLS keep it on 127.0.0.1, see ``deploy/README.md``).

Authentication and spawner are JupyterHub's defaults here: PAM (the machine's own accounts) and
``LocalProcessSpawner`` (each user's server runs as that account). For a training day
``c.JupyterHub.authenticator_class = "shared-password"`` with
``c.SharedPasswordAuthenticator.user_password`` is the simplest; for an organisation, an
OAuthenticator (GitHub, Azure AD, any OpenID Connect). The Kubernetes equivalent of this file is
``values.yaml`` (Zero to JupyterHub). ``tests/test_hub.py`` loads this very file and only swaps in
the dummy authenticator, a local-process spawner and free ports.
"""

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
BIN = Path(sys.executable).parent

c = get_config()  # noqa: F821 - provided by traitlets when the file is loaded

database_url = os.environ.get("PURPOSECASE_DATABASE_URL", "").strip()
if not database_url:
    raise SystemExit(
        "Set PURPOSECASE_DATABASE_URL (postgresql+psycopg://…): under JupyterHub every user has their own "
        "server, and they work together only through one shared database."
    )
cull_timeout = int(os.environ.get("PURPOSECASE_HUB_CULL_TIMEOUT", "3600"))

c.JupyterHub.bind_url = os.environ.get("PURPOSECASE_HUB_URL", "http://127.0.0.1:8000")

# configurable-http-proxy: the project-local npm install of `make chp`, else one on PATH.
local_proxy = PROJECT / ".cache" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [
    str(local_proxy) if local_proxy.exists() else shutil.which("configurable-http-proxy") or "configurable-http-proxy"
]

# Each user's server: jupyterhub-singleuser of this environment, the workbook only.
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.args = [f"--config={HERE / 'jupyter_server_config.py'}"]
c.Spawner.default_url = "/voila/render/00_welkom.ipynb"
c.Spawner.environment = {
    "PURPOSECASE_DATABASE_URL": database_url,
    "PURPOSECASE_NOTEBOOKS": os.environ.get("PURPOSECASE_NOTEBOOKS", str(PROJECT / "notebooks")),
    # servers report activity every minute (default five), so the culler sees recent typing
    "JUPYTERHUB_ACTIVITY_INTERVAL": "60",
}
# A server's first start takes 10-20 s on a busy 2-core machine (imports); allow for more.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60

# Stop idle servers (and their kernels). Autosave keeps unsaved text to seconds, so a stopped server
# loses at most what was typed in the last few seconds; the link opens a fresh server.
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={cull_timeout}",
            f"--cull-every={max(30, min(600, cull_timeout // 4))}",
        ],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
