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

Emoji and symbols DejaVu Sans lacks (📌, 😕, 🚀 …): reportlab draws one font per
run and has no fallback of its own, and colour-emoji fonts (Noto Color Emoji, CBDT
bitmaps) cannot be embedded by it. :func:`fallback_markup` therefore puts each such
character in a ``<font>`` run of Symbola (Debian's ``fonts-symbola``, monochrome
outlines; the Makefile installs it when missing and root), found in
``PURPOSECASE_FONT_DIR`` or ``/usr/share/fonts/truetype/ancient-scripts``. Without
Symbola, or for a character it lacks too, the character is replaced visibly by its
Unicode name in brackets (``[pushpin]``): never a box.
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
SYMBOLS = f"{FAMILY}-Symbols"
"""Name under which Symbola is registered (emoji and symbols DejaVu Sans lacks)."""
SYMBOLS_FILE = "Symbola_hint.ttf"
SYMBOLS_DIR = Path("/usr/share/fonts/truetype/ancient-scripts")
_INVISIBLE = {0xFE0E, 0xFE0F, 0x200D, 0x20E3} | set(range(0x1F3FB, 0x1F400))
"""Variation selectors, zero-width joiner, keycap and skin-tone modifiers: dropped (they only modify)."""


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


def symbols_path() -> Path | None:
    """Return Symbola's file (``PURPOSECASE_FONT_DIR`` first, then Debian's folder), or ``None`` when absent."""
    dirs = [Path(d) for d in (os.environ.get("PURPOSECASE_FONT_DIR"),) if d] + [SYMBOLS_DIR]
    for folder in dirs:
        for name in (SYMBOLS_FILE, "Symbola.ttf"):
            if (folder / name).is_file():
                return folder / name
    return None


@cache
def _cmaps() -> tuple[frozenset[int], frozenset[int]]:
    """Return the code points DejaVu Sans and Symbola (empty when absent) can draw; registers Symbola."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    register()
    main = frozenset(pdfmetrics.getFont(FAMILY).face.charToGlyph)
    path = symbols_path()
    if path is None:
        return main, frozenset()
    font = TTFont(SYMBOLS, str(path))
    pdfmetrics.registerFont(font)
    return main, frozenset(font.face.charToGlyph)


def fallback_markup(escaped: str) -> str:
    """Return reportlab paragraph markup in which every character DejaVu Sans lacks still shows.

    Args:
        escaped: text already escaped for paragraph markup (``&amp;`` …); tags are not expected.

    Returns:
        The text with characters DejaVu Sans lacks wrapped in ``<font name="PCSans-Symbols">``
        (Symbola), or, where Symbola lacks them too or is not installed, replaced by their
        Unicode name in brackets, e.g. ``"[pushpin]"``. Modifiers (variation selectors,
        zero-width joiners, skin tones) are dropped.
    """
    import unicodedata

    if escaped.isascii():
        return escaped
    main, symbols = _cmaps()
    out = []
    for ch in escaped:
        code = ord(ch)
        if code in _INVISIBLE:
            continue
        if code in main or ch in "\n\t":
            out.append(ch)
        elif code in symbols:
            out.append(f'<font name="{SYMBOLS}">{ch}</font>')
        else:
            out.append(f"[{unicodedata.name(ch, f'U+{code:04X}').lower()}]")
    return "".join(out)
