"""Keep user text inside its own bidirectional run (Unicode Bidirectional Algorithm, UAX #9).

A right-to-left override (U+202E) in a name or item would otherwise reverse the app's own words that
follow it in the same line ("(belang 3)" read "(3 gnaleb)"; issue 20). In HTML, elements get
``unicode-bidi: isolate`` (``ui/theme.css``); where user text and the app's words share one text node
(a translated sentence with a placeholder, a plotly label) the text is wrapped in FIRST STRONG ISOLATE
(U+2068) … POP DIRECTIONAL ISOLATE (U+2069), which browsers and plotly honour like ``<bdi>``.
"""

from __future__ import annotations

FSI = "\u2068"
PDI = "\u2069"


def isolate(text: object) -> str:
    """Return ``text`` wrapped in U+2068 … U+2069 so its direction marks cannot leak out (pure).

    Example:
        >>> isolate("Ans") == FSI + "Ans" + PDI
        True
    """
    return f"{FSI}{text}{PDI}"
