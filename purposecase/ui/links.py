"""Secret links on a page: building the address, showing it with a copy button."""

from __future__ import annotations

import os
from urllib.parse import urlencode, urlsplit, urlunsplit

from ..messages import Translator
from .common import esc


def chapter_url(notebook: str, sleutel: str | None = None, lang: str = "nl", request_url: str | None = None) -> str:
    """Return the address of ``notebook`` next to the current page, with ``?sleutel=`` and ``&taal=``.

    Args:
        notebook: chapter file name, e.g. ``"04_zelf_invullen.ipynb"``.
        sleutel: the secret token to put in the query string (or ``None``).
        lang: ``"en"`` adds ``taal=en``; Dutch is the default and is left out.
        request_url: the page's own full URL (default: Voilà's ``VOILA_REQUEST_URL``);
            without it the link is relative (``04_zelf_invullen.ipynb?…``).
    """
    params = {}
    if sleutel:
        params["sleutel"] = sleutel
    if lang == "en":
        params["taal"] = "en"
    query = urlencode(params)
    request_url = request_url if request_url is not None else os.environ.get("VOILA_REQUEST_URL", "")
    if request_url:
        parts = urlsplit(request_url)
        folder = parts.path.rsplit("/", 1)[0] + "/"
        return urlunsplit((parts.scheme, parts.netloc, folder + notebook, query, ""))
    return notebook + (f"?{query}" if query else "")


_COPY_JS = (
    "var i=this.parentNode.querySelector('input');i.select();"
    "try{navigator.clipboard.writeText(i.value)}catch(e){document.execCommand('copy')}"
    "var b=this;b.dataset.label=b.dataset.label||b.textContent;b.textContent=b.dataset.done;"
    "setTimeout(function(){b.textContent=b.dataset.label},2000);"
)


def link_html(label: str, url: str, t: Translator, *, note: str = "") -> str:
    """Return a labelled, read-only text field holding ``url`` and a copy button (all escaped).

    The copy button's script is a constant; the link only enters through an
    escaped ``value`` attribute.
    """
    note_html = f'<p class="pc-link-note">{esc(note)}</p>' if note else ""
    return (
        f'<div class="pc-link"><label><span class="pc-link-label">{esc(label)}</span>'
        f'<input type="text" readonly value="{esc(url)}" onfocus="this.select()"></label>'
        f'<button type="button" class="pc-copy" data-done="{esc(t("links.gekopieerd"))}" '
        f'onclick="{esc(_COPY_JS)}">{esc(t("links.kopieer"))}</button>{note_html}</div>'
    )
