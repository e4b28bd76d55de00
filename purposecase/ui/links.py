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

    Under JupyterHub (``JUPYTERHUB_SERVICE_PREFIX`` set, the page under ``/user/<name>/``) the link
    goes through the hub's ``/hub/user-redirect/``, so whoever opens it lands on their *own* server:
    ``https://hub/hub/user-redirect/voila/render/04_zelf_invullen.ipynb?sleutel=…``.

    Behind a proxy that ends TLS, Voilà sees plain http; the link then takes its scheme and host from
    ``PURPOSECASE_PUBLIC_URL`` (e.g. ``https://werkboek.example.org``) when set, else its scheme from
    the proxy's ``X-Forwarded-Proto`` header (``HTTP_X_FORWARDED_PROTO``, passed on by Voilà's
    ``http_header_envs``), so a secret link never starts with ``http://`` on an https site.
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
        folder = _hub_folder(parts.path.rsplit("/", 1)[0] + "/")
        scheme, netloc = _public_origin(parts.scheme, parts.netloc)
        return urlunsplit((scheme, netloc, folder + notebook, query, ""))
    return notebook + (f"?{query}" if query else "")


def _public_origin(scheme: str, netloc: str) -> tuple[str, str]:
    """Return the scheme and host users reach the page at (see :func:`chapter_url`)."""
    public = urlsplit(os.environ.get("PURPOSECASE_PUBLIC_URL", "").strip())
    if public.scheme in ("http", "https") and public.netloc:
        return public.scheme, public.netloc
    forwarded = os.environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()
    if forwarded in ("http", "https"):
        return forwarded, netloc
    return scheme, netloc


def _hub_folder(folder: str) -> str:
    """Return ``folder`` with a JupyterHub user prefix replaced by the hub's ``user-redirect`` path.

    ``/user/ans/voila/render/`` becomes ``/hub/user-redirect/voila/render/`` (with the hub's base
    URL in front) when this process is Ans's single-user server; any other folder is returned as is.
    """
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "")
    if not prefix or not folder.startswith(prefix.rstrip("/") + "/"):
        return folder
    base = os.environ.get("JUPYTERHUB_BASE_URL", "/") or "/"
    return base.rstrip("/") + "/hub/user-redirect/" + folder[len(prefix.rstrip("/")) + 1 :]


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
