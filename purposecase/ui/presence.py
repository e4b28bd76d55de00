"""Who is here, what is new, and the state of the connection: the live parts of every chapter page (DESIGN.md §8).

Pure HTML builders (escaped, user text isolated for bidi) and :class:`LiveNotices`, the
page-side bookkeeping of "new since you last looked": per chapter, the last change of the
workspace the link has seen there (stored, so it survives a reload), and the counts of
changes by others since then. The chapter shell (:mod:`purposecase.ui.shell`) wires them to
the page's live feed.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..chapters import get_chapter
from ..messages import Translator
from .common import esc

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Change, Partner, Presence
    from ..workspace import WorkspaceSession

CHAPTER_CHANGES: dict[str, tuple[tuple[str, str], ...]] = {
    "04_zelf_invullen.ipynb": (("state", "draft"),),
    "05_samen_puzzelen.ipynb": (
        ("state", "draft"), ("save", "shared_case"), ("save", "reactions"), ("save", "meeting"),
        ("save", "votes"), ("save", "proposals"),
    ),
    "06_waardepropositie.ipynb": (("save", "value_propositions"), ("save", "vp_reactions")),
    "07_impact_roadmap.ipynb": (("save", "roadmap"), ("save", "roadmap_reactions")),
}
"""Per chapter with a workspace: the ``(what, document kind)`` of the changes it shows. A draft counts
only when it is shared or made private (its content is private until then)."""


def _isolated(text: str) -> str:
    return f"<bdi>{esc(text)}</bdi>"


def _link_of(p: Presence) -> tuple[str, str]:
    """Return whose link a page uses: the trekker's or a partner's; a viewer's page stands alone.

    One viewer link may be shared by several people, so viewers' pages are never grouped.
    """
    if p.role in ("trekker", "partner"):
        return p.role, p.partner_id or ""
    return "page", p.page_id


def presence_html(
    present: Sequence[Presence],
    partners: Mapping[str, Partner],
    t: Translator,
    *,
    own_page: str = "",
    own_link: tuple[str, str] | None = None,
) -> str:
    """Return the "nu hier" line: who else has the workspace open, with organisation, contact, role, chapters.

    Pages of the same link (a partner in two tabs) are one entry with every chapter they have open; this
    page's own link in other tabs is named at the end ("jij ook bij …"), not counted as someone else.

    Args:
        present: the open pages (:attr:`purposecase.workspace.live.LiveFeed.present`).
        partners: partner id → partner (removed ones included).
        t: translator.
        own_page: this page's id (left out of the list; "only you" when nobody else is here).
        own_link: this page's ``(role, partner id or "")`` (its link); ``None``: not known.
    """
    groups: dict[tuple[str, str], list[Presence]] = {}
    for p in present:
        if p.page_id != own_page:
            groups.setdefault(_link_of(p), []).append(p)
    mine = groups.pop(own_link, []) if own_link is not None else []

    def chapters(pages: Sequence[Presence]) -> str:
        names = []
        for p in pages:
            try:
                names.append(esc(t(get_chapter(p.chapter).short_key)))
            except KeyError:
                names.append(_isolated(p.chapter))
        return ", ".join(dict.fromkeys(names))

    if not groups:  # "only you" — also when your own other tabs are open (then named, in one sentence)
        text = esc(t("live.alleen_jij_ook")) + f" {chapters(mine)}." if mine else esc(t("live.alleen_jij"))
        return f'<div class="pc-presence" role="status"><span class="pc-presence-alone">{text}</span></div>'
    people = []
    for pages in groups.values():
        p = pages[0]
        partner = partners.get(p.partner_id or "")
        role = t(f"rol.{p.role}")
        if partner is not None:
            who = _isolated(partner.organisation or partner.name)
            detail = f"{_isolated(partner.name)} · {esc(role)}" if partner.organisation else esc(role)
        else:
            who, detail = esc(role.capitalize()), ""
        follow = (f' <span class="pc-presence-follow">{esc(t("live.volg_mij_aan"))}</span>'
                  if any(x.follow for x in pages) else "")
        people.append(
            f'<li class="pc-presence-person pc-presence-{esc(p.role)}"><strong>{who}</strong>'
            + (f' <small>({detail})</small>' if detail else "")
            + f' <span class="pc-presence-chapter">· {chapters(pages)}</span>{follow}</li>'
        )
    if mine:
        people.append(
            f'<li class="pc-presence-mine">{esc(t("live.jij_ook", hoofdstukken=""))}{chapters(mine)}</li>'
        )
    return (
        f'<div class="pc-presence" role="status" aria-live="polite"><span class="pc-presence-label">'
        f'{esc(t("live.nu_hier", n=len(groups)))}</span><ul>{"".join(people)}</ul></div>'
    )


def offline_html(t: Translator) -> str:
    """Return the banner a page shows while the database cannot be reached (it keeps what it has)."""
    return f'<div class="pc-msg pc-msg-warning pc-live-offline" role="alert">{esc(t("live.offline"))}</div>'


class LiveNotices:
    """What is new for one page's link since it last looked, per chapter.

    The last change seen per chapter is stored (``Store.mark_seen``) when the page opens a
    chapter, so a badge means "changed by someone else since you were last here". A link
    that never looked anywhere starts from the present: nothing counts as new on a first visit.

    Args:
        session: the page's session.
        chapter: the page's notebook (its own changes are being looked at: no badge).
        latest: the change the page's data was loaded at (its live feed's mark); default: the latest now.
    """

    def __init__(self, session: WorkspaceSession, chapter: str, *, latest: int | None = None) -> None:
        self.session = session
        self.chapter = chapter
        store, token = session.store, session.access.token_hash
        self._token = token
        if latest is None:
            latest = store.last_change(session.workspace_id)
        seen = store.seen_by(token) if token else {}
        if not seen:
            seen = dict.fromkeys(CHAPTER_CHANGES, latest)
        base = min(seen.values())
        self.seen = {c: seen.get(c, base) for c in CHAPTER_CHANGES}
        self.opened_at = self.seen.get(chapter, latest)
        """The change this chapter had been seen up to when the page opened (the page's "last looked")."""
        self.look(latest)

    def look(self, change_id: int) -> None:
        """Record that the page's own chapter has been seen up to ``change_id``."""
        if self.chapter in CHAPTER_CHANGES and self._token:
            self.seen[self.chapter] = max(self.seen.get(self.chapter, 0), change_id)
            self.session.store.mark_seen(self._token, self.chapter, self.seen[self.chapter])

    def counts(self) -> dict[str, int]:
        """Return notebook → number of changes by others since the link last looked there (0 omitted)."""
        from ..workspace.live import changes_by_others

        others = [c for c in CHAPTER_CHANGES if c != self.chapter]
        if not others:
            return {}
        since = min(self.seen[c] for c in others)
        changes: list[Change] = changes_by_others(self.session, since)
        out = {}
        for chapter in others:
            wanted = set(CHAPTER_CHANGES[chapter])
            n = sum(1 for c in changes if c.id > self.seen[chapter] and (c.what, c.kind) in wanted)
            if n:
                out[chapter] = n
        return out


def _kernel_id() -> str | None:
    """Return this kernel's id (from its connection file ``kernel-<id>.json``), or None outside a kernel."""
    if "ipykernel.kernelapp" not in sys.modules:  # not in a kernel; importing ipykernel would swap the comms
        return None
    try:
        from ipykernel.connect import get_connection_file

        name = Path(get_connection_file()).name
    except Exception:  # noqa: BLE001 - not in a kernel (tests, scripts)
        return None
    match = re.fullmatch(r"kernel-([0-9a-f-]{36})\.json", name)
    return match.group(1) if match else None


def connection_check(env: Mapping[str, str] | None = None) -> Callable[[], bool | None] | None:
    """Return a function telling whether this kernel's page has a connected browser, or None outside Voilà.

    It asks the Voilà server (``GET voila/api/werkboek/verbonden/<kernel id>``, ``voila_config/workshop.py``)
    over 127.0.0.1: ``True`` (connected), ``False`` (no websocket now), ``None`` (cannot tell: an older
    server, a timeout). The page's live feed asks it before each heartbeat (who is here, DESIGN.md §8).
    """
    from .warm import status_url

    base = status_url(env)
    kernel_id = _kernel_id() if base is not None else None
    if base is None or kernel_id is None:
        return None
    url = f"{base}/verbonden/{kernel_id}"

    def check() -> bool | None:
        try:
            with urllib.request.urlopen(url, timeout=2.0) as answer:  # noqa: S310 - our own server on 127.0.0.1
                connections = json.loads(answer.read()).get("connections")
        except Exception:  # noqa: BLE001 - no answer: cannot tell
            return None
        return None if connections is None else int(connections) > 0

    return check


__all__ = ["CHAPTER_CHANGES", "LiveNotices", "connection_check", "offline_html", "presence_html"]
