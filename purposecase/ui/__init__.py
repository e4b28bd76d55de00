"""ipywidgets components: one chapter component per notebook, plus shared widgets.

Attributes are imported lazily so that a chapter notebook only pays for the
component it shows (``from purposecase.ui import ExamplesChapter``).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ExamplesChapter": "purposecase.ui.examples",
    "ExamplesModel": "purposecase.ui.examples",
    "ZelfInvullenChapter": "purposecase.ui.zelf_invullen",
    "SamenPuzzelenChapter": "purposecase.ui.puzzelen",
    "WaardepropositieChapter": "purposecase.ui.waardepropositie",
    "DraftEditor": "purposecase.ui.draft",
    "CanvasView": "purposecase.ui.canvas",
    "NavBar": "purposecase.ui.nav",
    "WelkomChapter": "purposecase.ui.welkom",
    "WaardecreatieChapter": "purposecase.ui.waardecreatie",
    "InstrumentChapter": "purposecase.ui.instrument",
    "PresenterPanel": "purposecase.ui.trainer",
    "QuizPanel": "purposecase.ui.trainer",
    "canvas_html": "purposecase.ui.canvas",
    "DelenChapter": "purposecase.ui.delen",
    "ExportButton": "purposecase.ui.export_button",
    "ImpactRoadmapChapter": "purposecase.ui.roadmap",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'purposecase.ui' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)
