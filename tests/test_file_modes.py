"""The data folder and the SQLite store are private to their owner (issue 20, item 8).

Under the usual umask 022 the store was created 0644: every local user could read private drafts.
"""

from __future__ import annotations

import os
import stat

import pytest

from purposecase.paths import data_home, private_file
from purposecase.store import open_store


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture()
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_data_folder_is_created_0700(tmp_path, monkeypatch, umask_022):
    monkeypatch.setenv("PURPOSECASE_HOME", str(tmp_path / "nieuw" / "home"))
    home = data_home()
    assert mode(home) == 0o700


def test_the_sqlite_store_and_its_journal_are_0600(tmp_path, umask_022):
    folder = tmp_path / "data"
    store = open_store(f"sqlite:///{folder / 'werkboek.sqlite3'}")
    store.create_workspace("Privé")
    assert mode(folder) == 0o700
    files = sorted(folder.iterdir())
    assert any(f.name == "werkboek.sqlite3" for f in files)
    for f in files:  # the database, and its -wal/-shm while open
        assert mode(f) == 0o600, (f.name, oct(mode(f)))
    store.close()


def test_an_existing_world_readable_store_is_tightened(tmp_path, umask_022):
    db = tmp_path / "werkboek.sqlite3"
    db.write_bytes(b"")
    os.chmod(db, 0o644)
    private_file(db)
    assert mode(db) == 0o600
