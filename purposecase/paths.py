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
    home.mkdir(parents=True, exist_ok=True)
    return home


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
