import pytest

from purposecase.cli import build_parser, voila_argv
from purposecase.paths import data_home, notebooks_dir


def test_voila_settings():
    argv = voila_argv(port=9999)
    assert argv[0] == str(notebooks_dir())
    assert "--port=9999" in argv and "--Voila.ip=127.0.0.1" in argv
    assert "--VoilaConfiguration.show_tracebacks=False" in argv
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=") for a in argv)
    config = next(a for a in argv if a.startswith("--Voila.config_file_paths="))
    assert "voila_config" in config
    assert "--no-browser" in argv
    assert "--preheat_kernel=True" in voila_argv(preheat=True)


def test_voila_config_file_sets_the_tornado_settings():
    import runpy

    from traitlets.config import Config

    from purposecase.cli import WEBSOCKET_MAX_BYTES
    from purposecase.paths import PACKAGE_DIR

    cfg = Config()
    runpy.run_path(str(PACKAGE_DIR / "voila_config" / "voila.py"), init_globals={"get_config": lambda: cfg})
    settings = cfg.Voila.tornado_settings
    assert settings["disable_check_xsrf"] is True
    assert settings["websocket_max_message_size"] == WEBSOCKET_MAX_BYTES
    assert "sleutel" in settings["extra_log_scrub_param_keys"]
    assert callable(settings["log_function"])


def test_log_filter_redacts_tokens():
    import logging

    from purposecase.voila_config.scrub import ScrubSecrets

    record = logging.LogRecord(
        "tornado.general", logging.WARNING, __file__, 1, "%d GET %s", (404, "/x?a=1&sleutel=GEHEIM&taal=en"), None
    )
    assert ScrubSecrets().filter(record)
    assert record.getMessage() == "404 GET /x?a=1&sleutel=[secret]&taal=en"


def test_parser_defaults():
    args = build_parser().parse_args(["serve"])
    assert args.port == 8866 and args.ip == "127.0.0.1" and not args.preheat


def test_data_home_is_created_outside_the_served_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PURPOSECASE_HOME", str(tmp_path / "gegevens"))
    assert data_home() == (tmp_path / "gegevens").resolve()
    assert data_home().is_dir()


def test_data_home_inside_notebooks_is_refused(monkeypatch):
    monkeypatch.setenv("PURPOSECASE_HOME", str(notebooks_dir() / "data"))
    with pytest.raises(ValueError):
        data_home()


# ------------------------------------------------- --help follows the user's language (issue 18)
def help_text(capsys, argv, monkeypatch, **env):
    from purposecase.cli import main

    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "PURPOSECASE_LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 0
    return capsys.readouterr().out


def test_help_is_dutch_by_default(capsys, monkeypatch):
    text = help_text(capsys, ["--help"], monkeypatch)
    assert text.startswith("gebruik: purposecase") and "toon deze hulp en stop" in text
    assert "start het werkboek in Voilà" in text and "usage" not in text and "show this help" not in text
    text = help_text(capsys, ["export", "--help"], monkeypatch, LANG="C.UTF-8")
    assert text.startswith("gebruik: purposecase export") and "bestandsformaat" in text and "opties:" in text


@pytest.mark.parametrize(
    ("argv", "env"),
    [(["--lang", "en", "--help"], {}), (["export", "--help"], {"LANG": "en_GB.UTF-8"}),
     (["import", "--help"], {"PURPOSECASE_LANG": "en"}), (["export", "--lang=en", "--help"], {"LANG": "nl_NL.UTF-8"})],
)
def test_help_is_english_when_asked(capsys, monkeypatch, argv, env):
    text = help_text(capsys, argv, monkeypatch, **env)
    assert text.startswith("usage: purposecase") and "usage: usage" not in text
    assert "show this help message and exit" in text and "gebruik" not in text and "opties" not in text
