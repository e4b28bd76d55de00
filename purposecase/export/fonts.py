"""The TrueType font every PDF embeds (DejaVu Sans), and text measuring with it.

Dutch text needs more than the PDF standard fonts offer (``ĳ``, ``ë``, ``ï``,
``€``): the poster embeds DejaVu Sans (Bitstream Vera licence with DejaVu
changes in the public domain). Where the files come from, first found wins:

1. ``PURPOSECASE_FONT_DIR``: a folder holding ``DejaVuSans.ttf`` and ``DejaVuSans-Bold.ttf``;
2. matplotlib's copy (``matplotlib/mpl-data/fonts/ttf``; matplotlib is a
   dependency of this package, and is found without importing it);
3. Debian's ``fonts-dejavu-core`` (``/usr/share/fonts/truetype/dejavu``).

If none holds the fonts, :func:`register` raises :class:`FontMissing` with a
message that says how to get them.
"""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path

FAMILY = "PCSans"
"""Name under which the fonts are registered with reportlab (regular; ``-Bold``, ``-Oblique``…)."""

_FILES = {
    FAMILY: "DejaVuSans.ttf",
    f"{FAMILY}-Bold": "DejaVuSans-Bold.ttf",
    f"{FAMILY}-Oblique": "DejaVuSans-Oblique.ttf",
    f"{FAMILY}-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}
SYSTEM_DIR = Path("/usr/share/fonts/truetype/dejavu")


class FontMissing(RuntimeError):
    """DejaVu Sans could not be found; the message says where it was looked for and how to install it."""

    code = "font_missing"


def _matplotlib_dir() -> Path | None:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def candidate_dirs() -> list[Path]:
    """Return the folders searched for DejaVu Sans, in order."""
    dirs = []
    env = os.environ.get("PURPOSECASE_FONT_DIR")
    if env:
        dirs.append(Path(env))
    mpl = _matplotlib_dir()
    if mpl is not None:
        dirs.append(mpl)
    dirs.append(SYSTEM_DIR)
    return dirs


def font_dir() -> Path:
    """Return the first folder holding ``DejaVuSans.ttf`` and ``DejaVuSans-Bold.ttf``.

    Raises:
        FontMissing: if no candidate folder has both.
    """
    for folder in candidate_dirs():
        if (folder / _FILES[FAMILY]).is_file() and (folder / _FILES[f"{FAMILY}-Bold"]).is_file():
            return folder
    looked = ", ".join(str(d) for d in candidate_dirs())
    raise FontMissing(
        f"DejaVu Sans not found (looked in {looked}). Install the package's dependencies "
        "(`pip install -e .` brings matplotlib, which ships DejaVu), or `apt-get install fonts-dejavu-core`, "
        "or set PURPOSECASE_FONT_DIR to a folder with DejaVuSans.ttf and DejaVuSans-Bold.ttf."
    )


@cache
def register() -> str:
    """Register DejaVu Sans (regular, bold, oblique, bold oblique) with reportlab once.

    Oblique styles fall back to the upright files when a folder lacks them.

    Returns:
        The family name to use in styles (:data:`FAMILY`).

    Raises:
        FontMissing: if the fonts cannot be found.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = font_dir()
    for name, file in _FILES.items():
        path = folder / file
        if not path.is_file():
            path = folder / (_FILES[f"{FAMILY}-Bold"] if "Bold" in name else _FILES[FAMILY])
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(FAMILY, 0, 0, FAMILY)
    addMapping(FAMILY, 1, 0, f"{FAMILY}-Bold")
    addMapping(FAMILY, 0, 1, f"{FAMILY}-Oblique")
    addMapping(FAMILY, 1, 1, f"{FAMILY}-BoldOblique")
    return FAMILY


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Return the width of one line of ``text`` in points at ``size`` pt in DejaVu Sans."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register()
    return stringWidth(text, f"{FAMILY}-Bold" if bold else FAMILY, size)


def line_count(text: str, width: float, size: float, bold: bool = False) -> int:
    """Return how many lines ``text`` takes when wrapped at word boundaries into ``width`` points.

    Newlines in ``text`` start new lines; a word wider than ``width`` is broken
    across lines. Used to fit text into slide boxes (an estimate: PowerPoint's
    own fonts may be a little narrower, never wider, than DejaVu Sans).
    """
    space = text_width(" ", size, bold)
    lines = 0
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if not words:
            lines += 1
            continue
        current = 0.0
        lines += 1
        for word in words:
            w = text_width(word, size, bold)
            if current and current + space + w > width:
                lines += 1
                current = 0.0
            if w > width:
                extra = int(w // width)
                lines += extra
                current = w - extra * width
            else:
                current += (space if current else 0.0) + w
    return lines
