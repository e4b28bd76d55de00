"""Plotly figures as PNG images (kaleido 1.x, driving the system's Chromium).

kaleido 1.x renders through ``choreographer``, which starts a Chromium; it
looks at ``BROWSER_PATH`` first. Nothing here may download a browser: when
``BROWSER_PATH`` is unset and Debian's ``/usr/bin/chromium`` exists, we point
kaleido at it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")


class FigureExportError(RuntimeError):
    """A figure could not be turned into an image (no Chromium, kaleido failed)."""

    code = "figure_export"


def use_system_chromium() -> None:
    """Set ``BROWSER_PATH`` to ``/usr/bin/chromium`` when it is unset and that file exists."""
    if not os.environ.get("BROWSER_PATH") and SYSTEM_CHROMIUM.exists():
        os.environ["BROWSER_PATH"] = str(SYSTEM_CHROMIUM)


def figure_png(figure: Any, *, width: int = 1600, height: int = 900, scale: float = 1.0) -> bytes:
    """Return a plotly figure as PNG bytes.

    Args:
        figure: a ``plotly.graph_objects.Figure``.
        width: image width in CSS pixels.
        height: image height in CSS pixels.
        scale: pixel ratio (2 for sharper images).

    Raises:
        FigureExportError: if kaleido cannot render (no Chromium found, browser crashed).
    """
    use_system_chromium()
    try:
        return figure.to_image(format="png", width=width, height=height, scale=scale)
    except Exception as exc:  # noqa: BLE001 - kaleido raises many kinds; one clear error for callers
        raise FigureExportError(f"could not render the figure as PNG: {exc}") from exc
