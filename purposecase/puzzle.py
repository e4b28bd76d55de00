"""Step 3 "samen puzzelen": combine the partners' drafts into one shared Purpose Case (pure functions).

The board puts, per piece, every shared draft's items side by side and groups
near-duplicates, so the trekker can adopt one group with one click.

Why rapidfuzz for text similarity: partners describe the same thing in
different words and word orders ("meer stageplekken in de regio" /
"stageplekken in de regio, meer graag"). rapidfuzz's token-based ratios compare
words regardless of order: we average ``token_set_ratio`` (a phrase inside a
longer phrase scores high) with ``token_sort_ratio`` (which penalises the extra
words), so a shared fragment alone does not make two different items
duplicates; short items (fewer than three words) are compared whole. rapidfuzz
computes this in C++, fast enough for 50 drafts × 11 pieces (a few thousand
comparisons) well within a click, and it is a maintained MIT-licensed library
rather than our own edit distance.

Operations on the shared case (:func:`adopt`, :func:`merge`, :func:`edit`,
:func:`remove`, :func:`set_agreed`, :func:`set_beneficiaries`) are pure
``SharedCase → SharedCase`` functions, so a save that meets a conflict can
re-apply the same operation on the newer version and no adoption is lost.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .model import Item, PartnerDraft, SharedCase, SharedItem
from .pieces import PIECE_KEYS

SIMILARITY_THRESHOLD = 80
"""Similarity (0–100) from which two items count as near-duplicates."""

SHORT_TOKENS = 3
"""Texts with fewer words are compared whole (``fuzz.ratio``) and need :data:`SHORT_THRESHOLD`:
a one-word item is otherwise a "subset" of every phrase containing it ("Werkenden" /
"Niet-werkenden")."""

SHORT_THRESHOLD = 90

PAIRWISE_MAX = 150
"""Up to this many entries of one piece, :func:`group_similar` scores pair by pair (≤ ~20 ms here);
beyond, whole score matrices with ``rapidfuzz.process.cdist``, which imports numpy (~70 ms, ~0.7 s
with nine kernels starting it at once on two cores: benchmarks/live.py) but is faster for many entries."""


def normalise(text: str) -> str:
    """Return ``text`` casefolded, without accents, punctuation or repeated spaces (for comparison)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


def similarity(a: str, b: str) -> float:
    """Return the similarity (0–100) of two item texts, on normalised text.

    ``token_set_ratio`` when both texts have at least :data:`SHORT_TOKENS` words;
    otherwise the whole-string ``ratio`` scaled so that :data:`SHORT_THRESHOLD`
    maps onto :data:`SIMILARITY_THRESHOLD` (short texts must be nearly equal).
    """
    na, nb = normalise(a), normalise(b)
    return _score(na, nb, min(len(na.split()), len(nb.split())) >= SHORT_TOKENS)


def _score(na: str, nb: str, both_long: bool) -> float:
    """Return the similarity (0–100) of two normalised texts; ``both_long``: both have ≥ SHORT_TOKENS words."""
    from rapidfuzz import fuzz

    if both_long:
        return (fuzz.token_set_ratio(na, nb) + fuzz.token_sort_ratio(na, nb)) / 2
    return _scale_short(fuzz.ratio(na, nb))


def _scale_short(score: float) -> float:
    if score >= SHORT_THRESHOLD:
        return SIMILARITY_THRESHOLD + (score - SHORT_THRESHOLD) * (100 - SIMILARITY_THRESHOLD) / (100 - SHORT_THRESHOLD)
    return score * SIMILARITY_THRESHOLD / SHORT_THRESHOLD


@dataclass(frozen=True)
class BoardEntry:
    """One item of one partner's shared draft, on the board.

    Attributes:
        partner_id: the partner's id.
        partner: the partner's display name.
        organisation: the partner's organisation (may be empty).
        piece: the piece key.
        position: 0-based position in the partner's draft.
        item: the item.
    """

    partner_id: str
    partner: str
    organisation: str
    piece: str
    position: int
    item: Item

    @property
    def key(self) -> str:
        """Return a stable key of this entry: ``partner_id:piece:position``."""
        return f"{self.partner_id}:{self.piece}:{self.position}"


@dataclass(frozen=True)
class Group:
    """Near-duplicate entries of one piece (a group of one is a single item).

    Attributes:
        piece: the piece key.
        entries: the entries, in board order (by partner, then position).
        adopted: whether the shared case already holds this group's text.
    """

    piece: str
    entries: tuple[BoardEntry, ...]
    adopted: bool = False

    @property
    def text(self) -> str:
        """Return the group's proposed wording: the longest text (it usually says the most)."""
        return max((e.item.text for e in self.entries), key=len)

    @property
    def partner_ids(self) -> list[str]:
        """Return the distinct partner ids, in order."""
        return list(dict.fromkeys(e.partner_id for e in self.entries))

    @property
    def partner_names(self) -> list[str]:
        """Return the distinct partner names, in order."""
        return list(dict.fromkeys(e.partner for e in self.entries))

    @property
    def kind(self) -> str | None:
        """Return the kind shared by the entries, or ``None`` when they differ or have none."""
        kinds = {e.item.kind for e in self.entries}
        return kinds.pop() if len(kinds) == 1 else None


@dataclass(frozen=True)
class PartnerRef:
    """The partner data the board needs (name and organisation for labels)."""

    id: str
    name: str
    organisation: str = ""


def board_entries(drafts: Iterable[tuple[PartnerRef, PartnerDraft]]) -> dict[str, list[BoardEntry]]:
    """Return, per piece key, every entry of the given drafts (in the order of ``drafts``).

    Args:
        drafts: ``(partner, draft)`` pairs; ``partner`` needs ``id``, ``name`` and ``organisation``.
    """
    board: dict[str, list[BoardEntry]] = {key: [] for key in PIECE_KEYS}
    for partner, draft in drafts:
        for key in PIECE_KEYS:
            for n, item in enumerate(draft.items(key)):
                board[key].append(
                    BoardEntry(partner.id, partner.name, getattr(partner, "organisation", ""), key, n, item)
                )
    return board


def group_similar(entries: Sequence[BoardEntry], threshold: float = SIMILARITY_THRESHOLD) -> list[list[BoardEntry]]:
    """Group near-duplicate entries (single linkage: A~B and B~C puts A, B, C together).

    Entries of the same partner are grouped too (a partner may repeat themself).
    Groups keep board order; the first entry of each group decides the group order.

    Args:
        entries: entries of one piece.
        threshold: similarity (0–100) from which two entries are linked.

    Returns:
        A list of groups (each a non-empty list of entries); every entry is in exactly one group.
    """
    n = len(entries)
    if n == 0:
        return []
    texts = [normalise(e.item.text) for e in entries]
    long_text = [len(t.split()) >= SHORT_TOKENS for t in texts]
    if n <= PAIRWISE_MAX:  # a board's piece: scored pair by pair (no numpy import on a live page's first share)

        def score(i: int, j: int) -> float:
            return _score(texts[i], texts[j], long_text[i] and long_text[j])

    else:  # very large: whole matrices at once (rapidfuzz.process.cdist, numpy), the same scores
        from rapidfuzz import fuzz, process

        token_set = process.cdist(texts, texts, scorer=fuzz.token_set_ratio, workers=1)
        token_sort = process.cdist(texts, texts, scorer=fuzz.token_sort_ratio, workers=1)
        whole = process.cdist(texts, texts, scorer=fuzz.ratio, workers=1)

        def score(i: int, j: int) -> float:
            if long_text[i] and long_text[j]:
                return (float(token_set[i][j]) + float(token_sort[i][j])) / 2
            return _scale_short(float(whole[i][j]))

    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if texts[i] and texts[j] and score(i, j) >= threshold:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[BoardEntry]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(entries[i])
    return [groups[root] for root in sorted(groups)]


def is_adopted(text: str, partner_ids: Iterable[str], shared_items: Sequence[SharedItem], threshold: float) -> bool:
    """Return whether the shared case holds ``text`` from one of ``partner_ids`` (or the same wording).

    An item that came from one of the partners holds the text when it is similar enough, or when it
    contains the whole text among other words (a merge joins the texts of every merged item, so each
    source stays marked as adopted and cannot be adopted twice).
    """
    ids = set(partner_ids)
    norm = normalise(text)
    for item in shared_items:
        held = normalise(item.text)
        if held == norm:
            return True
        if ids & set(item.origin) and (
            (norm and f" {norm} " in f" {held} ")  # merged: the item holds this text among others
            or similarity(item.text, text) >= threshold
        ):
            return True
    return False


def mark_adopted(
    key: str, grouped: Sequence[Sequence[BoardEntry]], shared: SharedCase, threshold: float = SIMILARITY_THRESHOLD
) -> list[Group]:
    """Return the groups of one piece with their adoption state against ``shared``.

    Grouping (the expensive part) does not depend on the shared case, so a page
    groups once and only re-marks adoption after each change.
    """
    items = shared.items(key)
    return [
        Group(key, tuple(members), any(is_adopted(e.item.text, [e.partner_id], items, threshold) for e in members))
        for members in grouped
    ]


def build_board(
    drafts: Iterable[tuple[PartnerRef, PartnerDraft]],
    shared: SharedCase,
    threshold: float = SIMILARITY_THRESHOLD,
) -> dict[str, list[Group]]:
    """Return the puzzle board: per piece, the groups of near-duplicate items with their adoption state."""
    return {
        key: mark_adopted(key, group_similar(entries, threshold), shared, threshold)
        for key, entries in board_entries(drafts).items()
    }


# ------------------------------------------------------------- operations
def new_item_id() -> str:
    """Return a fresh short id for a shared item (8 url-safe characters)."""
    return secrets.token_urlsafe(6)


def _replace(shared: SharedCase, key: str, items: list[SharedItem], **extra) -> SharedCase:
    pieces = dict(shared.pieces)
    pieces[key] = items  # type: ignore[index]
    return SharedCase(pieces=pieces, agreed=extra.get("agreed", shared.agreed), set_aside=shared.set_aside)


Operation = Callable[[SharedCase], SharedCase]


def adopt(
    key: str,
    text: str,
    partner_ids: Sequence[str],
    partner_names: Sequence[str],
    *,
    kind: str | None = None,
    item_id: str | None = None,
) -> Operation:
    """Return an operation that adds one item to piece ``key``, keeping its origin.

    Re-applying the operation is harmless: an item with the same id is not added twice.
    """
    item_id = item_id or new_item_id()

    def op(shared: SharedCase) -> SharedCase:
        if any(i.id == item_id for i in shared.items(key)):
            return shared
        item = SharedItem(
            id=item_id,
            text=text,
            kind=kind,
            origin=list(dict.fromkeys(partner_ids)),
            origin_names=list(dict.fromkeys(partner_names)),
        )
        return _replace(shared, key, [*shared.items(key), item])

    return op


def adopt_group(group: Group, item_id: str | None = None) -> Operation:
    """Return an operation that adopts a board group (its longest wording, every partner as origin)."""
    return adopt(group.piece, group.text, group.partner_ids, group.partner_names, kind=group.kind, item_id=item_id)


def edit(key: str, item_id: str, text: str, kind: str | None = ...) -> Operation:  # type: ignore[assignment]
    """Return an operation that rewrites one adopted item's text (and kind, when given); origin stays."""

    def op(shared: SharedCase) -> SharedCase:
        items = [
            i.model_copy(update={"text": text, **({} if kind is ... else {"kind": kind})}) if i.id == item_id else i
            for i in shared.items(key)
        ]
        return _replace(shared, key, [SharedItem.model_validate(i.model_dump()) for i in items])

    return op


MERGE_SEPARATOR = " / "
"""What :func:`merged_text` puts between the texts of merged items."""


def merged_text(texts: Sequence[str]) -> str:
    """Return the texts of items to merge joined by :data:`MERGE_SEPARATOR` (repeats left out), in order."""
    seen: dict[str, str] = {}
    for text in texts:
        seen.setdefault(normalise(text), text)
    return MERGE_SEPARATOR.join(seen.values())


def merge(key: str, item_ids: Sequence[str], text: str | None = None) -> Operation:
    """Return an operation that merges adopted items into the first one.

    The merged item keeps the first item's place and id, takes ``text`` (default: the
    texts of all merged items joined, :func:`merged_text`, so nobody's wording is lost;
    the trekker edits it afterwards) and the union of the origins; the others are removed.
    Who gets it (``voor``): when any merged item names its recipients, the union of every
    merged item's :func:`recipients` (a default recipient is kept); else the default.
    """

    def op(shared: SharedCase) -> SharedCase:
        chosen = [i for i in shared.items(key) if i.id in item_ids]
        if len(chosen) < 2:
            return shared
        first = chosen[0]
        voor = list(dict.fromkeys(p for i in chosen for p in recipients(i))) if any(i.voor for i in chosen) else []
        merged = SharedItem(
            id=first.id,
            text=text or merged_text([i.text for i in chosen]),
            kind=first.kind,
            partner=first.partner,
            origin=list(dict.fromkeys(p for i in chosen for p in i.origin)),
            origin_names=list(dict.fromkeys(p for i in chosen for p in i.origin_names)),
            voor=voor,
        )
        rest = {i.id for i in chosen[1:]}
        items = [merged if i.id == first.id else i for i in shared.items(key) if i.id not in rest]
        return _replace(shared, key, items)

    return op


def remove(key: str, item_id: str) -> Operation:
    """Return an operation that removes one adopted item."""

    def op(shared: SharedCase) -> SharedCase:
        return _replace(shared, key, [i for i in shared.items(key) if i.id != item_id])

    return op


def move(key: str, item_id: str, step: int) -> Operation:
    """Return an operation that moves one adopted item ``step`` places (−1 up, +1 down)."""

    def op(shared: SharedCase) -> SharedCase:
        items = list(shared.items(key))
        idx = next((n for n, i in enumerate(items) if i.id == item_id), None)
        if idx is None or not 0 <= idx + step < len(items):
            return shared
        items[idx], items[idx + step] = items[idx + step], items[idx]
        return _replace(shared, key, items)

    return op


def set_agreed(key: str, agreed: bool) -> Operation:
    """Return an operation that marks piece ``key`` as agreed (or back in discussion)."""

    def op(shared: SharedCase) -> SharedCase:
        flags = dict(shared.agreed)
        flags[key] = agreed  # type: ignore[index]
        return SharedCase(pieces=shared.pieces, agreed=flags, set_aside=shared.set_aside)

    return op


def set_beneficiaries(key: str, item_id: str, partner_ids: Sequence[str]) -> Operation:
    """Return an operation that records which partners an item of opbrengsten/waarde benefits."""

    def op(shared: SharedCase) -> SharedCase:
        items = [
            SharedItem.model_validate({**i.model_dump(), "voor": list(dict.fromkeys(partner_ids))})
            if i.id == item_id
            else i
            for i in shared.items(key)
        ]
        return _replace(shared, key, items)

    return op


def set_aside(check_id: str, reason: str | None) -> Operation:
    """Return an operation that sets a check aside with ``reason`` (``None`` puts it back)."""
    from .model import CheckSetAside

    def op(shared: SharedCase) -> SharedCase:
        aside = dict(shared.set_aside)
        if reason:
            aside[check_id] = CheckSetAside(reason=reason)
        else:
            aside.pop(check_id, None)
        return SharedCase(pieces=shared.pieces, agreed=shared.agreed, set_aside=aside)

    return op


# ------------------------------------------------------------ give and take
GIVE_PIECES = ("inbreng", "middelen")
"""Pieces whose items an organisation gives to the initiative."""
GET_PIECES = ("waarde", "opbrengsten")
"""Pieces whose items an organisation (or a target group) gets from it."""
TARGET_GROUP = "doelgroep:"
"""Prefix of a ``voor`` entry that names a target group (``"doelgroep:<doelgroepen item id>"``), not a partner."""


def givers(item: SharedItem) -> tuple[str, ...]:
    """Return the partner ids that give an inbreng or middelen item: the partners it came from."""
    return tuple(getattr(item, "origin", ()) or ())


def recipients(item: SharedItem) -> tuple[str, ...]:
    """Return who gets a waarde or opbrengsten item: its ``voor`` (partner ids or ``doelgroep:<id>``).

    Without an explicit ``voor`` it is the organisation it came from (its ``origin``), the
    default of give and take (publication step 3: what each partner gets, said per organisation).
    """
    voor = tuple(getattr(item, "voor", ()) or ())
    return voor or givers(item)


@dataclass
class GiveAndTake:
    """What one partner gives and gets according to the shared case (and their draft).

    Attributes:
        partner_id: the partner's id.
        partner: display name: the organisation (the contact person's name only without one).
        intenties: the partner's intentions (shared-case items from their draft, else their draft's).
        inbreng: what the partner contributes.
        middelen: resources the partner brings (shared-case middelen items from their draft).
        krijgt: ``(piece, text)`` of opbrengsten and waarde items the partner gets (:func:`recipients`).
    """

    partner_id: str
    partner: str
    intenties: list[str] = field(default_factory=list)
    inbreng: list[str] = field(default_factory=list)
    krijgt: list[tuple[str, str]] = field(default_factory=list)
    middelen: list[str] = field(default_factory=list)

    @property
    def balance(self) -> str:
        """Return ``"beide"`` (gives and gets), ``"alleen_geven"``, ``"alleen_krijgen"`` or ``"geen"``."""
        gives, gets = bool(self.inbreng or self.middelen), bool(self.krijgt)
        if gives and gets:
            return "beide"
        if gives:
            return "alleen_geven"
        if gets:
            return "alleen_krijgen"
        return "geen"


def give_and_take(
    partners: Sequence[PartnerRef], shared: SharedCase, drafts: dict[str, PartnerDraft] | None = None
) -> list[GiveAndTake]:
    """Return, per partner, what they give (inbreng, middelen) beside what they get (waarde, opbrengsten).

    A partner's intenties/inbreng/middelen are the shared case's items of those pieces
    whose origin includes the partner; when the shared case has no intenties or inbreng
    for them yet, their own (shared) draft's items are used. What a partner gets: the
    opbrengsten and waarde items whose :func:`recipients` include the partner (by
    default the items that came from them). Partners are named by organisation.
    Rule source: the publication's interviews ("Er moet voor de aangehaakte
    partners altijd een concrete opbrengst zijn", House of Hospitality).
    """
    drafts = drafts or {}
    out = []
    for p in partners:
        row = GiveAndTake(p.id, p.organisation or p.name)
        for key, target in (("intenties", row.intenties), ("inbreng", row.inbreng)):
            target.extend(i.text for i in shared.items(key) if p.id in i.origin)
            if not target and p.id in drafts:
                target.extend(i.text for i in drafts[p.id].items(key))
        row.middelen.extend(i.text for i in shared.items("middelen") if p.id in givers(i))
        for key in ("opbrengsten", "waarde"):
            row.krijgt.extend((key, i.text) for i in shared.items(key) if p.id in recipients(i))
        out.append(row)
    return out
