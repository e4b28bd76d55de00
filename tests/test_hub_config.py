"""The JupyterHub settings without a hub: links under a hub prefix, the single-user config, the deploy files."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from tornado import web
from traitlets.config import Config, PyFileConfigLoader

from purposecase import hub
from purposecase.cli import IOPUB_TIMEOUT_SECONDS, KERNEL_CULL_IDLE_SECONDS, TEMPLATE, WEBSOCKET_MAX_BYTES
from purposecase.paths import PACKAGE_DIR, notebooks_dir
from purposecase.ui.links import chapter_url

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "jupyterhub"


# ------------------------------------------------------------------ links
@pytest.fixture()
def no_hub(monkeypatch):
    for name in ("JUPYTERHUB_SERVICE_PREFIX", "JUPYTERHUB_BASE_URL", "VOILA_REQUEST_URL", "PURPOSECASE_PUBLIC_URL",
                 "HTTP_X_FORWARDED_PROTO"):
        monkeypatch.delenv(name, raising=False)


def test_links_under_a_hub_go_through_user_redirect(no_hub, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ans/")
    monkeypatch.setenv("JUPYTERHUB_BASE_URL", "/")
    page = "https://werkboek.example.org/user/ans/voila/render/04_zelf_invullen.ipynb?sleutel=oud"
    assert chapter_url("04_zelf_invullen.ipynb", "s3cr3t", request_url=page) == (
        "https://werkboek.example.org/hub/user-redirect/voila/render/04_zelf_invullen.ipynb?sleutel=s3cr3t"
    )
    assert chapter_url("05_samen_puzzelen.ipynb", "s", "en", request_url=page) == (
        "https://werkboek.example.org/hub/user-redirect/voila/render/05_samen_puzzelen.ipynb?sleutel=s&taal=en"
    )


def test_links_under_a_hub_with_a_base_url(no_hub, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/werkboek/user/bas%40roc.nl/")
    monkeypatch.setenv("JUPYTERHUB_BASE_URL", "/werkboek/")
    monkeypatch.setenv("VOILA_REQUEST_URL", "http://h:8000/werkboek/user/bas%40roc.nl/voila/render/00_welkom.ipynb")
    assert chapter_url("03_voorbeelden.ipynb") == "http://h:8000/werkboek/hub/user-redirect/voila/render/03_voorbeelden.ipynb"


@pytest.mark.parametrize("prefix", [None, "/user/ans/"])
def test_links_outside_a_hub_prefix_are_unchanged(no_hub, monkeypatch, prefix):
    if prefix:  # a hub environment, but the page is not under the prefix (standalone Voilà next to it)
        monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", prefix)
    page = "http://127.0.0.1:8866/voila/render/04_zelf_invullen.ipynb?sleutel=x"
    assert chapter_url("05_samen_puzzelen.ipynb", "t", request_url=page) == (
        "http://127.0.0.1:8866/voila/render/05_samen_puzzelen.ipynb?sleutel=t"
    )
    assert chapter_url("05_samen_puzzelen.ipynb", "t", request_url="") == "05_samen_puzzelen.ipynb?sleutel=t"
    page = "http://127.0.0.1:8866/user/ansje/voila/render/04_zelf_invullen.ipynb"  # a look-alike prefix
    assert chapter_url("00_welkom.ipynb", request_url=page) == "http://127.0.0.1:8866/user/ansje/voila/render/00_welkom.ipynb"


def test_links_behind_a_tls_proxy_are_https(no_hub, monkeypatch):
    # nginx ends TLS and passes X-Forwarded-Proto; Voilà itself sees http (tried with nginx, deploy/README.md)
    page = "http://werkboek.example.org/voila/render/04_zelf_invullen.ipynb?sleutel=x"
    monkeypatch.setenv("HTTP_X_FORWARDED_PROTO", "https")
    assert chapter_url("04_zelf_invullen.ipynb", "t", request_url=page) == (
        "https://werkboek.example.org/voila/render/04_zelf_invullen.ipynb?sleutel=t"
    )
    monkeypatch.setenv("HTTP_X_FORWARDED_PROTO", "https, http")  # a chain of proxies: the client's is first
    assert chapter_url("00_welkom.ipynb", request_url=page).startswith("https://werkboek.example.org/")
    monkeypatch.setenv("HTTP_X_FORWARDED_PROTO", "javascript")  # anything else is ignored
    assert chapter_url("00_welkom.ipynb", request_url=page).startswith("http://werkboek.example.org/")


def test_a_configured_public_url_wins(no_hub, monkeypatch):
    monkeypatch.setenv("PURPOSECASE_PUBLIC_URL", "https://werkboek.example.org")
    monkeypatch.setenv("HTTP_X_FORWARDED_PROTO", "http")
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ans/")
    page = "http://10.0.0.7:8888/user/ans/voila/render/04_zelf_invullen.ipynb"
    assert chapter_url("04_zelf_invullen.ipynb", "t", request_url=page) == (
        "https://werkboek.example.org/hub/user-redirect/voila/render/04_zelf_invullen.ipynb?sleutel=t"
    )
    assert chapter_url("04_zelf_invullen.ipynb", "t", request_url="") == "04_zelf_invullen.ipynb?sleutel=t"


def test_serve_passes_the_forwarded_scheme_to_the_kernels():
    from purposecase.cli import voila_argv

    assert "--VoilaConfiguration.http_header_envs=['X-Forwarded-Proto']" in voila_argv()


# ---------------------------------------------------------- single-user config
def test_configure_singleuser_carries_the_serve_settings_over(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", "/elders")
    c = Config()
    hub.configure_singleuser(c)
    assert c.ServerApp.root_dir == str(notebooks_dir())
    assert c.ServerApp.default_url == hub.DEFAULT_URL == "/voila/render/00_welkom.ipynb"
    assert (notebooks_dir() / hub.DEFAULT_CHAPTER).exists()
    assert c.ServerApp.jpserver_extensions["voila.server_extension"] is True
    assert not any(c.ServerApp.jpserver_extensions[name] for name in ("jupyterlab", "jupyter_server_terminals"))
    assert c.ServerApp.terminals_enabled is False
    assert c.ServerApp.contents_manager_class is hub.ReadOnlyContentsManager
    assert c.ServerApp.tornado_settings["websocket_max_message_size"] == WEBSOCKET_MAX_BYTES
    assert "disable_check_xsrf" not in c.ServerApp.tornado_settings
    assert c.ServerApp.extra_log_scrub_param_keys == ["sleutel"]
    assert c.VoilaConfiguration.template == TEMPLATE
    assert c.VoilaConfiguration.show_tracebacks is False and c.VoilaConfiguration.file_allowlist == []
    assert c.VoilaConfiguration.http_header_envs == ["X-Forwarded-Proto"]
    assert c.MappingKernelManager.cull_idle_timeout == KERNEL_CULL_IDLE_SECONDS
    assert c.MappingKernelManager.cull_interval == 30
    assert c.MappingKernelManager.cull_connected is False
    assert c.VoilaExecutor.iopub_timeout == IOPUB_TIMEOUT_SECONDS
    assert c.MappingKernelManager.allow_tracebacks is False
    import os

    assert os.environ["JUPYTER_PATH"].split(os.pathsep) == [str(PACKAGE_DIR / "share" / "jupyter"), "/elders"]
    hub.ensure_template_path()  # idempotent
    assert os.environ["JUPYTER_PATH"].count("share") == 1


def test_kernels_take_only_the_messages_standalone_voila_allows():
    import inspect

    from voila import app

    source = inspect.getsource(app.Voila)
    for message in hub.ALLOWED_MESSAGE_TYPES:
        assert f'"{message}"' in source
    assert "execute_request" not in hub.ALLOWED_MESSAGE_TYPES


def test_the_contents_api_is_read_only(tmp_path):
    (tmp_path / "00_welkom.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    manager = hub.ReadOnlyContentsManager(root_dir=str(tmp_path))

    async def run():
        model = await manager.get("00_welkom.ipynb")
        assert model["type"] == "notebook"
        for call in (
            manager.save({"type": "file", "format": "text", "content": "x"}, "nieuw.txt"),
            manager.new(path="nieuw.ipynb"),
            manager.delete("00_welkom.ipynb"),
            manager.rename("00_welkom.ipynb", "weg.ipynb"),
            manager.create_checkpoint("00_welkom.ipynb"),
        ):
            with pytest.raises(web.HTTPError) as err:
                await call
            assert err.value.status_code == 403

    # in a thread of its own: a session-wide Playwright (sync API) may already run an event loop here
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["00_welkom.ipynb"]


# ------------------------------------------------------------------ deploy files
def load_hub_config(monkeypatch, **env) -> Config:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()


def test_jupyterhub_config(monkeypatch):
    url = "postgresql+psycopg://werkboek@db/werkboek"
    c = load_hub_config(monkeypatch, PURPOSECASE_DATABASE_URL=url, PURPOSECASE_HUB_CULL_TIMEOUT="1800")
    assert c.Spawner.default_url == hub.DEFAULT_URL
    assert c.Spawner.environment["PURPOSECASE_DATABASE_URL"] == url
    assert Path(c.Spawner.environment["PURPOSECASE_NOTEBOOKS"]).is_dir()
    assert c.Spawner.args == [f"--config={DEPLOY / 'jupyter_server_config.py'}"]
    assert Path(c.Spawner.cmd[0]).name == "jupyterhub-singleuser"
    (culler,) = c.JupyterHub.services
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"] and "--timeout=1800" in culler["command"]
    (role,) = c.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"] and "delete:servers" in role["scopes"]
    assert c.JupyterHub.bind_url.startswith("http://127.0.0.1:")


def test_jupyterhub_config_needs_the_database(monkeypatch):
    monkeypatch.delenv("PURPOSECASE_DATABASE_URL", raising=False)
    with pytest.raises(SystemExit, match="PURPOSECASE_DATABASE_URL"):
        load_hub_config(monkeypatch)


def test_jupyter_server_config_file_applies_the_workbook_settings(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", "")  # the file sets it for the server process; restore it afterwards
    c = PyFileConfigLoader("jupyter_server_config.py", path=str(DEPLOY)).load_config()
    assert c.VoilaConfiguration.template == TEMPLATE
    assert c.ServerApp.default_url == hub.DEFAULT_URL


def test_values_yaml_matches_the_hub_config(monkeypatch):
    values = yaml.safe_load((DEPLOY / "values.yaml").read_text())
    c = load_hub_config(monkeypatch, PURPOSECASE_DATABASE_URL="postgresql+psycopg://x@y/z")
    single = values["singleuser"]
    assert single["defaultUrl"] == c.Spawner.default_url
    assert single["cmd"] == "jupyterhub-singleuser"
    assert "secretKeyRef" in single["extraEnv"]["PURPOSECASE_DATABASE_URL"]["valueFrom"]
    assert single["extraEnv"]["JUPYTERHUB_ACTIVITY_INTERVAL"] == c.Spawner.environment["JUPYTERHUB_ACTIVITY_INTERVAL"]
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] == 3600
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "/etc/jupyter/jupyter_server_config.py" in dockerfile and "jupyterhub>=6.1,<7" in dockerfile


# ------------------------------------------------------------------ the load benchmark's own logic
def test_hub_load_percentiles_and_summary():
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_hub_load", ROOT / "benchmarks" / "hub_load.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_hub_load"] = bench
    spec.loader.exec_module(bench)
    assert bench.percentile([], 50) is None
    assert bench.percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert bench.percentile([float(i) for i in range(1, 21)], 95) == 19.0
    run = bench.Run(2, spawn_s=[10.0, 12.0], bare_s=[2.0, 4.0], page_s=[4.0, 6.0], user_rss_mb=[256.0, 256.0],
                    cpu_s_page_phase=3.0, cpu_s_spawn_phase=8.0)
    row = bench.summarise(run)
    assert row["page_over_bare"] == 2.0 and row["users_per_gib"] == 4.0
    assert row["cpu_s_per_page_open"] == 1.5 and row["page_opens_per_core_minute"] == 40.0
    assert "RSS MB/user" in bench.format_table([row])
