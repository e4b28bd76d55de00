"""Purpose Case werkboek: the Purpose Case instrument as a guided web workbook.

Notebook users start here::

    import purposecase
    case = purposecase.load_case("house-of-hospitality")
    case.to_frame()
"""

from __future__ import annotations

from .examples import list_cases, load_case, search
from .model import CaseFileError, Item, PurposeCase, compare
from .pieces import PIECE_KEYS, PIECES, get_piece

__all__ = [
    "PIECES",
    "PIECE_KEYS",
    "CaseFileError",
    "Item",
    "PurposeCase",
    "compare",
    "create_workspace",
    "open_workspace",
    "get_piece",
    "list_cases",
    "load_case",
    "search",
]

__version__ = "0.1.0"


def __getattr__(name: str):
    # imported on first use: the store pulls in SQLAlchemy, which pages without
    # a workspace (the examples) do not need
    if name in ("open_workspace", "create_workspace"):
        from . import workspace

        return getattr(workspace, name)
    raise AttributeError(f"module 'purposecase' has no attribute {name!r}")
