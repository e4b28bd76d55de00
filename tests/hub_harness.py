"""A temporary JupyterHub for tests and benchmarks: deploy/jupyterhub/jupyterhub_config.py on free ports.

Used by ``tests/test_hub.py`` and ``benchmarks/hub_load.py``. The hub loads the shipped config and
swaps in what a laptop or CI needs: the dummy authenticator (any password), the simple local-process
spawner (every user's server runs as this process's user, ``--allow-root`` when that is root), its
own SQLite file and cookie secret in a temporary folder, free ports, and a ``pytest`` service with
an API token (to stop a server the way jupyterhub-idle-culler does).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
DEPLOY_CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
LOCAL_PROXY = ROOT / ".cache" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORD = "wachtwoord"  # noqa: S105 - the dummy authenticator takes any password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proxy_command() -> str | None:
    """The configurable-http-proxy to use: the project-local one of ``make chp``, else one on PATH."""
    if LOCAL_PROXY.exists():
        return str(LOCAL_PROXY)
    return shutil.which("configurable-http-proxy")


@contextmanager
def postgres_schema(base_url: str):
    """Yield ``(schema_url, schema)``: connections of that URL use a fresh schema, dropped afterwards."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    schema = f"pc_hub_{secrets.token_hex(6)}"
    admin = create_engine(base_url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False), schema
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def via(url: str, host: str, port: int) -> str:
    """Return the database ``url`` with its host and port replaced (e.g. by a :class:`TcpRelay`)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(host=host, port=port).render_as_string(hide_password=False)


class TcpRelay:
    """A TCP relay on 127.0.0.1 in front of a server (PostgreSQL), which can cut all traffic for a while.

    While paused, open connections are closed and new ones are accepted and closed at once, the
    way a restarting database looks to its clients.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._paused = threading.Event()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._thread = threading.Thread(target=self._accept, name="tcp-relay", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self._paused.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                self._drop(s)

    def _drop(self, s: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(s)
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()

    def pause(self) -> None:
        """Cut every open connection and refuse new ones until :meth:`resume`."""
        self._paused.set()
        with self._lock:
            sockets = list(self._sockets)
        for s in sockets:
            self._drop(s)

    def resume(self) -> None:
        """Relay again."""
        self._paused.clear()

    def close(self) -> None:
        self.pause()
        self._stopped.set()
        self._server.close()
        self._thread.join(5)


class LocalHub:
    """JupyterHub with configurable-http-proxy on 127.0.0.1, started from the shipped config.

    Args:
        workdir: an empty folder for the hub's database, cookie secret, users' homes and log.
        database_url: the workbook's ``PURPOSECASE_DATABASE_URL`` for every user's server.
        notebooks: folder to serve (default: the project's ``notebooks/``).
        cull_timeout: ``PURPOSECASE_HUB_CULL_TIMEOUT`` for jupyterhub-idle-culler.
    """

    def __init__(self, workdir: Path, database_url: str, *, notebooks: Path | None = None,
                 cull_timeout: int = 3600) -> None:
        self.workdir = workdir
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(32)
        self.log_path = workdir / "jupyterhub.log"
        config = workdir / "jupyterhub_test_config.py"
        extra_args = ["--allow-root"] if os.geteuid() == 0 else []
        config.write_text(
            f"""c = get_config()  # noqa
load_subconfig({str(DEPLOY_CONFIG)!r})
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(workdir / "users" / "{username}")!r}
c.Spawner.args = c.Spawner.args + {extra_args!r}
c.JupyterHub.bind_url = {self.base!r}
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{self.hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{self.api_port}"
c.ConfigurableHTTPProxy.command = [{proxy_command()!r}]
c.ConfigurableHTTPProxy.pid_file = {str(workdir / "proxy.pid")!r}
c.JupyterHub.pid_file = {str(workdir / "jupyterhub.pid")!r}
c.JupyterHub.db_url = {f"sqlite:///{workdir / 'jupyterhub.sqlite'}"!r}
c.JupyterHub.cookie_secret_file = {str(workdir / "jupyterhub_cookie_secret")!r}
c.JupyterHub.services.append({{"name": "pytest", "api_token": {self.token!r}}})
c.JupyterHub.load_roles.append(
    {{"name": "pytest", "scopes": ["servers", "list:users", "read:users"], "services": ["pytest"]}}
)
"""
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTERHUB_", "VOILA_"))}
        env.pop("QUERY_STRING", None)
        env["PURPOSECASE_DATABASE_URL"] = database_url
        env["PURPOSECASE_HUB_CULL_TIMEOUT"] = str(cull_timeout)
        if notebooks is not None:
            env["PURPOSECASE_NOTEBOOKS"] = str(notebooks)
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(config)],
            cwd=str(workdir),
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._seen: dict[int, float] = {}
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited: {self.log_tail()}")
            try:
                self.api("GET", "/")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        raise RuntimeError(f"jupyterhub did not start within {timeout} s: {self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-chars:]

    # ------------------------------------------------------------- the hub's REST API
    def api(self, method: str, path: str, body: dict | None = None):
        """Call the hub's REST API (through the proxy) as the ``pytest`` service; return the JSON or None."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - a local http URL
            f"{self.base}/hub/api{path}", data=data, method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            text = response.read().decode()
        return json.loads(text) if text.strip() else None

    def server_running(self, user: str) -> bool:
        try:
            model = self.api("GET", f"/users/{user}")
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return False
            raise
        return bool(model.get("servers", {}).get("", {}).get("ready"))

    def stop_server(self, user: str, timeout: float = 60) -> None:
        """Stop ``user``'s server through the REST API, as jupyterhub-idle-culler does; wait until it is gone."""
        self.api("DELETE", f"/users/{user}/server")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{user}")
            if not model.get("servers"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{user}'s server did not stop within {timeout} s")

    # ------------------------------------------------------------- processes
    def processes(self) -> list:
        """Every live process under the hub (proxy, services, users' servers, kernels); remembered for stop()."""
        import psutil

        try:
            procs = [psutil.Process(self.proc.pid), *psutil.Process(self.proc.pid).children(recursive=True)]
        except psutil.Error:
            return []
        for p in procs:
            try:
                self._seen[p.pid] = p.create_time()
            except psutil.Error:
                continue
        return procs

    def user_processes(self, user: str) -> list:
        """``user``'s single-user server and its kernels."""
        import psutil

        out = []
        for p in self.processes():
            try:
                if "jupyterhub-singleuser" in " ".join(p.cmdline()) and p.environ().get("JUPYTERHUB_USER") == user:
                    out.append(p)
                    out.extend(p.children(recursive=True))
            except psutil.Error:
                continue
        return out

    def kernels(self, user: str) -> list:
        """The live kernel processes of ``user``'s server."""
        import psutil

        out = []
        for p in self.user_processes(user):
            try:
                if "ipykernel" in " ".join(p.cmdline()) and p.status() != psutil.STATUS_ZOMBIE:
                    out.append(p)
            except psutil.Error:
                continue
        return out

    def survivors(self) -> list:
        """Processes this hub started that are still alive (by pid and start time)."""
        import psutil

        alive = []
        for pid, created in self._seen.items():
            try:
                p = psutil.Process(pid)
                if p.create_time() == created and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(p)
            except psutil.Error:
                continue
        return alive

    def stop(self, timeout: float = 45) -> list[str]:
        """Stop the hub (it stops the proxy, the services and every user's server); kill what is left.

        Returns:
            The command lines of processes that had to be killed (empty when the hub cleaned up).
        """
        import psutil

        self.processes()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        deadline = time.monotonic() + 15
        while self.survivors() and time.monotonic() < deadline:
            time.sleep(0.3)
        killed = []
        for p in self.survivors():
            try:
                killed.append(" ".join(p.cmdline()))
                p.kill()
            except psutil.Error:
                continue
        self._log.close()
        return killed


def login(browser, hub: LocalHub, user: str, next_path: str, *, timeout_ms: int = 180_000):
    """Log ``user`` in through the hub's login form in a fresh browser context; land on ``next_path``.

    Returns:
        ``(context, page)``; the page is on ``next_path`` (after any spawn) when this returns.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(f"{hub.base}/hub/login?next={quote(next_path, safe='')}")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login_submit")
    return context, page


def redirect_path(notebook: str, sleutel: str | None = None) -> str:
    """``/hub/user-redirect/voila/render/<notebook>?sleutel=…``: a workbook link for whoever opens it."""
    return f"/hub/user-redirect/voila/render/{notebook}" + (f"?sleutel={sleutel}" if sleutel else "")
