"""Where things live: the data folder (store, config) and the served notebooks.

The data folder is ``PURPOSECASE_HOME`` or, by default, the user's data
directory (``platformdirs.user_data_dir("purposecase")``, e.g.
``~/.local/share/purposecase`` on Linux). It is never inside the served
``notebooks/`` folder (DESIGN.md §4).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def data_home() -> Path:
    """Return (and create) the data folder; ``PURPOSECASE_HOME`` overrides the default.

    Raises:
        ValueError: if the folder would lie inside the served notebooks folder.
    """
    env = os.environ.get("PURPOSECASE_HOME")
    if env:
        home = Path(env).expanduser()
    else:
        from platformdirs import user_data_dir

        home = Path(user_data_dir("purposecase", appauthor=False))
    home = home.resolve()
    served = notebooks_dir().resolve()
    if home == served or served in home.parents:
        raise ValueError(f"PURPOSECASE_HOME ({home}) must not lie inside the served folder {served}")
    private_dir(home)
    return home


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) readable by its owner only (0700); return it.

    Private drafts live in the store there: under the usual umask 022 a new folder would be readable by
    every local user. A folder that already exists keeps its mode (an administrator may have chosen it).
    """
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path, 0o700)  # mkdir's mode is masked by the umask; say it explicitly
    return path


def private_file(path: Path) -> Path:
    """Make sure the file ``path`` exists with mode 0600 (owner read/write only); return it.

    Used for the SQLite store before SQLite opens it: SQLite gives its ``-wal`` and ``-shm`` files the
    mode of the database file, so they are private too. An existing file of ours that others can read
    (made by an older version under umask 022) is tightened.
    """
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        info = os.fstat(fd)
        if info.st_uid == os.geteuid() and info.st_mode & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return path


def notebooks_dir() -> Path:
    """Return the folder of chapter notebooks (``PURPOSECASE_NOTEBOOKS`` overrides)."""
    env = os.environ.get("PURPOSECASE_NOTEBOOKS")
    return Path(env).expanduser() if env else PROJECT_DIR / "notebooks"


STORE_FILENAME = "werkboek.sqlite3"
"""File name of the embedded SQLite store inside :func:`data_home`."""


def database_url() -> str:
    """Return the store's SQLAlchemy URL.

    ``PURPOSECASE_DATABASE_URL`` wins when set (e.g.
    ``postgresql+psycopg://user@host/db`` for hosted, multi-user use);
    otherwise the embedded SQLite file ``<data_home()>/werkboek.sqlite3``
    (DESIGN.md §4).

    Raises:
        ValueError: if the default data folder would lie inside the served folder.
    """
    env = os.environ.get("PURPOSECASE_DATABASE_URL", "").strip()
    if env:
        return env
    return f"sqlite:///{data_home() / STORE_FILENAME}"
