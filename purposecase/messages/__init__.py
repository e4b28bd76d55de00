"""User-facing text per language: ``messages/<lang>/*.json``, Dutch by default.

Pattern after sepal_ui's translator: one folder per language holding one JSON
file per part of the workbook (``voorbeelden.json``, ``zelf_invullen.json`` …),
merged and read once; a key may live in only one file. A key missing in a
language falls back to the Dutch text key by key; a key missing everywhere
raises ``KeyError`` (a typo fails at once in tests).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DEFAULT_LANG = "nl"
LANGUAGES: tuple[str, ...] = ("nl", "en")
_DIR = Path(__file__).resolve().parent


def normalise_lang(lang: str | None) -> str:
    """Return a supported language code for ``lang`` (``"en"``/``"EN"`` → ``"en"``, else ``"nl"``)."""
    lang = (lang or "").strip().lower()[:2]
    return lang if lang in LANGUAGES else DEFAULT_LANG


@cache
def load_messages(lang: str, directory: str | None = None) -> dict[str, str]:
    """Return the flat key → text mapping of one language (all files of its folder merged).

    Raises:
        FileNotFoundError: if the language folder does not exist or is empty.
        ValueError: if a file is not a JSON object of strings, or a key is in two files.
    """
    folder = Path(directory or _DIR) / lang
    files = sorted(folder.glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no message files in {folder}")
    merged: dict[str, str] = {}
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise ValueError(f"{path}: expected a JSON object of strings")
        twice = merged.keys() & data.keys()
        if twice:
            raise ValueError(f"{path}: key(s) already defined in another file: {', '.join(sorted(twice))}")
        merged.update(data)
    return merged


class Translator:
    """Look up user text by key in one language, falling back to Dutch.

    Example:
        >>> t = Translator("en")
        >>> t("voorbeelden.titel")
        '10 inspiring examples'
    """

    def __init__(self, lang: str | None = DEFAULT_LANG, directory: str | Path | None = None) -> None:
        self.lang = normalise_lang(lang)
        self._dir = str(directory) if directory else None
        self._default = load_messages(DEFAULT_LANG, self._dir)
        try:
            self._own = load_messages(self.lang, self._dir) if self.lang != DEFAULT_LANG else self._default
        except FileNotFoundError:
            self._own = {}

    def __call__(self, key: str, **values: object) -> str:
        """Return the text for ``key``, formatted with ``values`` (``str.format``).

        Raises:
            KeyError: if no language has ``key``.
        """
        text = self._own.get(key)
        if text is None:
            text = self._default[key]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        """Return whether ``key`` exists in this language or the default."""
        return key in self._own or key in self._default


def all_keys(lang: str = DEFAULT_LANG) -> set[str]:
    """Return every key of one language file."""
    return set(load_messages(lang))
