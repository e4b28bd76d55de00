import pytest

from purposecase.cli import build_parser, voila_argv
from purposecase.paths import data_home, notebooks_dir


def test_voila_settings():
    argv = voila_argv(port=9999)
    assert argv[0] == str(notebooks_dir())
    assert "--port=9999" in argv and "--Voila.ip=127.0.0.1" in argv
    assert "--VoilaConfiguration.show_tracebacks=False" in argv
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=") for a in argv)
    assert any("disable_check_xsrf" in a for a in argv)
    assert "--no-browser" in argv
    assert "--preheat_kernel=True" in voila_argv(preheat=True)


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
