"""One editor model for every autosaved workspace document, and its shared widgets (DESIGN.md §3, §4).

:class:`DocumentEditorModel` holds a :class:`~purposecase.workspace.DocumentHandle`
and the state every editor of a document has: ``base`` (the revision the work
started from), ``head`` (the newest revision this page knows of), ``dirty``,
``conflict`` and ``retry_in``. It saves a few seconds after typing stops
(:data:`AUTOSAVE_SECONDS`), retries while the store is unreachable
(:data:`RETRY_SECONDS`), saves what is left when the kernel shuts down (the page
was closed or reloaded; only inside a kernel), and never overwrites silently:

- a document kind that combines by **asking** (``combine="ask"``: a draft, the
  roadmap) keeps a whole working copy; a save names its ``base``; when someone saved
  in between the conflict panel shows both versions and offers keep mine / take
  theirs / combine (the kind's ``merge``), saying plainly what combining does;
- a kind that combines by **re-applying** (the shared case, the value
  propositions) keeps pending operations; each is applied to the newest version.
  An operation that finds its part changed by someone else raises
  :class:`EditConflict` and the same panel asks (e.g. the same item of the
  shared case edited in two places).

A view subclasses the model (the working copy's own state next to these traits)
or holds one, and shows :class:`SaveStateLine`, :class:`ConflictPanel` and
:class:`HistoryPanel`.
"""

from __future__ import annotations

import atexit
import logging
import sys
import threading
import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import ipywidgets as ipw
import traitlets as tl

from ..errors import ConflictError, InvalidInput, StoreUnavailable
from ..messages import Translator
from .common import StatusLine, error_key, esc, message_html, safe_callback

log = logging.getLogger("purposecase.ui")

AUTOSAVE_SECONDS = 3.0
"""Seconds after the last keystroke before a document saves itself."""

CLEAN_DELAY_SECONDS = 0.5
"""After a save leaves nothing unsaved, changes made elsewhere meanwhile are shown this much later
(:meth:`DocumentEditorModel.when_clean`): a user who goes on typing at once keeps the field."""

RETRY_SECONDS = (5.0, 10.0, 20.0, 30.0)
"""Waits between retries while the database is unavailable (the last one repeats)."""

TIMEZONE = ZoneInfo("Europe/Amsterdam")


def format_time(moment: datetime | None) -> str:
    """Return ``moment`` as Dutch local time, e.g. ``"30-11-2026 14:03"`` (``""`` for None)."""
    return moment.astimezone(TIMEZONE).strftime("%d-%m-%Y %H:%M") if moment else ""


def in_kernel() -> bool:
    """Return whether this runs in a Jupyter kernel (Voilà's, or a notebook's)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


SETTLE_SECONDS = 0.3
"""How long a click or Enter that uses typed text waits in a kernel before it reads the text (see after_typing)."""


def after_typing(callback: Callable[..., Any]) -> Callable[..., None]:
    """Return a handler that calls ``callback(*args)`` once the last keystrokes' value has reached the kernel.

    ipywidgets keeps one value update per widget in flight and sends the newest value only after the kernel
    answered the previous one, but sends a click or Enter at once (custom messages are not throttled:
    github.com/jupyter-widgets/ipywidgets/issues/1382). Typed fast and added at once, an item was saved cut
    short ("A" of "Alpha een"; found by a new-user test at 20 ms per key) and the rest came back in the
    field. In a kernel the call therefore comes :data:`SETTLE_SECONDS` later, from a timer thread (as the
    autosave does); elsewhere (tests, a plain notebook) at once. ``callback`` should be guarded
    (``safe_callback``): errors are shown by it.
    """

    def handler(*args: Any) -> None:
        if not in_kernel():
            callback(*args)
            return
        timer = threading.Timer(SETTLE_SECONDS, callback, args)
        timer.daemon = True
        timer.start()

    return handler


@dataclass(frozen=True)
class EditorWords:
    """The message keys an editor speaks with (each document says "concept", "roadmap", … its own way).

    The defaults are the draft's words. Save state: ``saved`` (``{revisie}``), ``nothing``, ``unsaved``,
    ``conflict``, ``unreachable`` (``{seconden}``). Conflict panel: ``explain`` (``{tijd}``, ``{revisie}``),
    ``mine_title``, ``theirs_title``, ``keep_mine``, ``take_theirs``, ``combine``. History: ``version``,
    ``line`` (``{revisie}``, ``{wie}``, ``{tijd}``), ``version_n`` (``{revisie}``), ``restore``,
    ``restored`` (``{revisie}``, ``{nieuw}``).
    """

    saved: str = "opslaan.opgeslagen"
    nothing: str = "opslaan.nog_niets"
    unsaved: str = "opslaan.niet_opgeslagen"
    conflict: str = "opslaan.conflict"
    unreachable: str = "opslaan.onbereikbaar"
    explain: str = "conflict.uitleg"
    mine_title: str = "conflict.jouw_versie"
    theirs_title: str = "conflict.andere_versie"
    keep_mine: str = "conflict.mijn"
    take_theirs: str = "conflict.hun"
    combine: str = "conflict.combineer"
    version: str = "geschiedenis.versie"
    line: str = "geschiedenis.regel"
    version_n: str = "geschiedenis.versie_n"
    restore: str = "geschiedenis.herstel"
    restored: str = "geschiedenis.hersteld"


ITEM_WORDS = EditorWords(
    explain="editor.item.uitleg", mine_title="editor.item.jouw_tekst", theirs_title="editor.item.andere_tekst",
    keep_mine="editor.item.mijn", take_theirs="editor.item.hun", combine="editor.item.combineer",
)
"""The words of a document edited item by item (the shared case, the value propositions)."""


@dataclass(frozen=True)
class WorkingCopy:
    """What an "ask" editor can save now.

    Attributes:
        record: the record to save, or ``None`` when nothing valid can be saved yet.
        problem: a message (translated) about what cannot be saved; the copy stays dirty.
    """

    record: Any | None
    problem: str = ""


class EditConflict(Exception):
    """Raised by a pending operation whose part someone else changed since the user started editing it.

    Attributes:
        mine: what the user made of it (a record or a text, for the panel).
        theirs: what the other version holds now.
        keep_mine: the operation that writes ``mine`` over ``theirs``.
        combined: the operation that combines both, or ``None`` when they cannot be combined.
        explain: lines (translated) that say plainly what "combine" does.
    """

    def __init__(
        self,
        mine: Any,
        theirs: Any,
        *,
        keep_mine: Callable[[Any], Any],
        combined: Callable[[Any], Any] | None = None,
        explain: list[str] | None = None,
    ) -> None:
        super().__init__("the part this change edits was changed by someone else")
        self.mine, self.theirs = mine, theirs
        self.keep_mine, self.combined = keep_mine, combined
        self.explain = explain or []


@dataclass
class Conflict:
    """An open conflict: both versions and how to resolve it.

    Attributes:
        mine: my version (a record, or an item's text).
        theirs: the other version.
        number: the revision the other version is (for an "ask" kind), else the head when found.
        when: when the other version was saved (``None`` when unknown).
        explain: what "combine" does, in lines (translated).
        key: the pending operation's key (re-applying kinds).
        keep_mine: the operation that keeps mine (re-applying kinds).
        combined: the combined record (ask) or operation (re-apply), or ``None``.
    """

    mine: Any
    theirs: Any
    number: int
    when: datetime | None = None
    explain: list[str] = field(default_factory=list)
    key: Any = None
    keep_mine: Callable[[Any], Any] | None = None
    combined: Any = None


def text_edit(
    read: Callable[[Any], str | None],
    write: Callable[[str], Callable[[Any], Any]],
    before: str,
    mine: str,
    t: Translator,
) -> Callable[[Any], Any]:
    """Return an operation that sets one item's text to ``mine``, unless someone else changed it since ``before``.

    Args:
        read: ``read(record)`` → the item's text now, or ``None`` when the item is gone (nothing to edit).
        write: ``write(text)`` → the operation that sets the item's text.
        before: the text when the user started typing.
        mine: what the user typed.
        t: translator (for the explanation of "combine").

    The operation raises :class:`EditConflict` when the stored text is neither ``before`` nor
    ``mine``: keep mine, take theirs, or combine (the other text, " / ", mine).
    """

    def operation(record: Any) -> Any:
        now = read(record)
        if now is None:
            return record
        if now not in (before, mine):
            raise EditConflict(
                mine, now, keep_mine=write(mine), combined=write(f"{now} / {mine}"),
                explain=[t("editor.item.combineer_uitleg")],
            )
        return write(mine)(record)

    return operation


def keep_rows(
    old: Sequence[Any],
    items: Sequence[Any],
    *,
    key: Callable[[Any], Hashable],
    shape: Callable[[Any, int], Hashable],
    build: Callable[[Any, int], Any],
    follow: Callable[[Any, Any, int], None] | None = None,
    typed: bool = False,
) -> list[Any]:
    """Return one row widget per item (in the order of ``items``), reusing a row drawn before where it can.

    A redraw after a live change must not take the cursor from someone typing in a row nobody else changed.
    Reused rows are the same widget objects, so the browser keeps their views (ipywidgets' ``ViewList`` keeps
    the views of a Box's unchanged leading children), and with them focus, cursor and selection.

    An old row is reused when its ``row_key`` equals ``key(item)`` and its ``row_shape`` equals
    ``shape(item, index)`` (everything the row shows except its editable text: order buttons, origin,
    links, a read-only label), and its editable ``text`` field (``None`` on a read-only row) either already
    holds the stored text or still holds the text it was drawn with (``original``); in that case it gets the
    stored text in place, with ``row.syncing`` true so the row's own handler does not stage it as an edit.
    A field holding text of its own that differs from the stored text gets a new row (an open conflict, a
    refresh while typing), except with ``typed``: the redraw right after this page saved its typing, where
    the stored text is what this page saved and the field may already hold more; the row stays and the
    stored text becomes its base. ``follow(row, item, index)`` then updates what a reused row shows in
    place (order buttons, reactions, field height).

    Args:
        old: the rows drawn last time (built by this function: they carry ``row_key`` and ``row_shape``).
        items: the stored items to show.
        key: an item's identity across saves, e.g. ``(piece key, item id)``.
        shape: ``shape(item, index)`` → a hashable summary of what the row shows besides its text.
        build: ``build(item, index)`` → a new row, wired; it must set ``original`` and ``text`` (or ``None``).
        follow: optional in-place update of a reused row.
        typed: the redraw follows this page's own save of typing (see above).

    Returns:
        The rows; the caller sets them as the Box's ``children``.
    """
    spare = {getattr(row, "row_key", None): row for row in old}
    rows = []
    for index, item in enumerate(items):
        row_key, row_shape = key(item), shape(item, index)
        row = spare.pop(row_key, None)
        if row is not None and row.row_shape == row_shape and _takes_text(row, item.text, typed):
            if follow is not None:
                follow(row, item, index)
        else:
            row = build(item, index)
            row.row_key, row.row_shape = row_key, row_shape
        rows.append(row)
    return rows


def _takes_text(row: Any, stored: str, typed: bool = False) -> bool:
    """Give a reused row ``stored`` as its text; return False when its field holds text of its own."""
    field = getattr(row, "text", None)
    if field is None or field.value.strip() == stored.strip():
        row.original = stored
        return True
    if field.value != row.original:
        if typed:  # typed on after this page's own save: what is stored is this page's text
            row.original = stored
            return True
        return False
    row.syncing = True
    try:
        field.value = stored
    finally:
        row.syncing = False
    row.original = stored
    return True


class StoredValues:
    """Put stored values into a few widgets on a redraw, unless the user changed them and did not save them yet.

    A live burst redraws a form from the store (a partner's reaction: ``soort`` and ``opmerking``); what the
    user chose or typed for the same target and did not save stays on screen (a comment half typed is never
    wiped by someone else's change). Another target gets its stored values. Text is compared without the
    spaces around it.

    Args:
        widgets: the form's value widgets, in the order of the values given to :meth:`show`.
    """

    def __init__(self, *widgets: Any) -> None:
        self.widgets = widgets
        self.shown: tuple[Hashable, tuple[Any, ...]] | None = None

    @staticmethod
    def _same(values: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(v.strip() if isinstance(v, str) else v for v in values)

    def show(self, target: Hashable, stored: Sequence[Any]) -> bool:
        """Show ``stored`` for ``target`` unless the widgets hold unsaved values for it; return whether shown."""
        stored = self._same(stored)
        on_screen = self._same([w.value for w in self.widgets])
        if self.shown is not None and self.shown[0] == target and on_screen not in (self.shown[1], stored):
            return False
        for widget, value in zip(self.widgets, stored, strict=True):
            widget.value = value
        self.shown = (target, stored)
        return True


class DocumentEditorModel(tl.HasTraits):
    """The saving state of one document on one page, and what saves it.

    Subclass hooks (an "ask" kind): :meth:`working_copy` returns what to save;
    :meth:`show` loads a record into the working copy (after "take theirs",
    "combine" or a restore). A re-applying kind uses :meth:`stage` / :meth:`apply`
    with pure operations instead.

    Args:
        handle: the document.
        t: translator (messages go to ``status``).
        status: the status line of the page or panel.
        words: the message keys (:class:`EditorWords`).
        write: for re-applying kinds, ``write(operation, note) -> result`` with ``result.base``
            (default ``handle.update``); e.g. the value propositions reconcile with the shared case.
        on_saved: called with the result of each save (re-applying kinds: to redraw).
        errors: message keys for :class:`~purposecase.errors.InvalidInput` codes the page explains.
        describe: ``describe(mine, theirs, combined) -> lines``: what "combine" does (ask kinds).
        save_at_exit: register :meth:`save_at_exit` for the kernel's shutdown (only inside a kernel).

    Traits:
        base: the revision the working copy started from (0 before the first save).
        head: the newest revision this page knows of.
        dirty: there are edits not yet saved.
        conflict: a conflict is open (nothing saves until it is resolved).
        retry_in: seconds until the next retry while the store is unreachable (0: none pending).
    """

    base = tl.Int(0)
    head = tl.Int(0)
    dirty = tl.Bool(False)
    conflict = tl.Bool(False)
    retry_in = tl.Int(0)

    def __init__(
        self,
        handle: Any,
        t: Translator,
        status: StatusLine,
        *,
        words: EditorWords | None = None,
        write: Callable[[Callable[[Any], Any], str | None], Any] | None = None,
        on_saved: Callable[[Any], None] | None = None,
        errors: dict[str, str] | None = None,
        describe: Callable[[Any, Any, Any], list[str]] | None = None,
        save_at_exit: bool = True,
        **traits: Any,
    ) -> None:
        super().__init__(**traits)
        self.handle, self.t, self.status = handle, t, status
        self.words = words or EditorWords()
        self.asks = handle.kind.combine == "ask"
        self.writable = handle.may_write()
        self._write = write or (lambda op, note: handle.update(op, note=note))
        self._on_saved = on_saved
        self._errors = errors or {}
        self._describe = describe
        self._lock = threading.RLock()
        self._timer: threading.Timer | None = None
        self._retry = 0
        self._closed = False
        self.saved: Any = None
        """The record as loaded or last saved by this page (the common base of "combine")."""
        self.pending: dict[Any, tuple[Callable[[Any], Any], str | None]] = {}
        """Operations not yet saved (re-applying kinds), by key; a newer one for the same key replaces it."""
        self.open_conflict: Conflict | None = None
        self._when_clean: list[Callable[[], None]] = []
        self._held: Any = None
        self._held_show: Callable[[Any], None] | None = None
        self.observe(safe_callback(status, t)(self._on_clean_trait), names=["dirty", "conflict"])
        if save_at_exit and self.writable and in_kernel():  # never in plain Python (tests, scripts)
            method = weakref.WeakMethod(self.save_at_exit)
            atexit.register(lambda: (save := method()) is not None and save())

    # ------------------------------------------------------------ hooks
    def working_copy(self) -> WorkingCopy:
        """Return what to save now (ask kinds override this)."""
        raise NotImplementedError

    def show(self, record: Any, base: int, *, dirty: bool = False) -> None:
        """Load ``record`` into the working copy (ask kinds override this and call :meth:`loaded`)."""
        self.loaded(record, base, dirty=dirty)

    # ------------------------------------------------------------ state
    def loaded(self, record: Any, base: int, *, dirty: bool = False) -> None:
        """Record that the working copy now holds ``record``, saved as revision ``base``."""
        with self.hold_trait_notifications():
            if not dirty:
                self.saved = record
            self.base = base
            self.head = max(self.head, base)
            self.dirty = dirty

    def edited(self) -> None:
        """Mark the working copy as edited and (re)start the autosave pause."""
        self.dirty = True
        if self.writable:
            self.schedule()

    def stage(self, key: Any, operation: Callable[[Any], Any], note: str | None = None) -> None:
        """Queue ``operation`` (re-applying kinds) under ``key``; it is saved after typing stops."""
        if not self.writable:
            self.handle.check_write()  # raises Forbidden
        with self._lock:
            self.pending.pop(key, None)
            self.pending[key] = (operation, note)
        self.edited()

    def apply(self, operation: Callable[[Any], Any], note: str | None = None, key: Any = None) -> bool:
        """Queue ``operation`` and save now (a click, not typing); return whether the store holds it."""
        if not self.writable:
            self.handle.check_write()  # raises Forbidden: a crafted change on a read-only page says so
        key = key if key is not None else object()
        with self._lock:
            self.pending.pop(key, None)
            self.pending[key] = (operation, note)
            self.dirty = True
        return self.save_now()

    def when_clean(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once nothing is unsaved and no conflict is open (a live change held back meanwhile).

        The call comes :data:`CLEAN_DELAY_SECONDS` after the model became clean, from a thread of its own
        (never inside the save that cleaned it); if the user typed again by then, it waits for the next
        save. The same callback registered twice is called once. With the model clean already, the
        callback is due at once (after the same delay).
        """
        with self._lock:
            if self._closed:
                return
            if callback not in self._when_clean:
                self._when_clean.append(callback)
        if not (self.dirty or self.conflict):
            self._clean_soon()

    def hold_back(self, event: Any, show: Callable[[Any], None]) -> None:
        """Keep a live burst that came while this page had unsaved work; ``show(event)`` once it is saved.

        Bursts held back meanwhile are merged (``event.merged``, :class:`~purposecase.workspace.live.FeedEvent`)
        and shown once, by :meth:`when_clean`: the field being typed in keeps its text, and nothing made
        elsewhere is lost (found by a new-user test: a share and a reaction never showed on the trekker's board).
        """
        with self._lock:
            self._held = event if self._held is None else self._held.merged(event)
            self._held_show = show
        self.when_clean(self._show_held)

    def _show_held(self) -> None:
        with self._lock:
            event, self._held = self._held, None
        if event is not None and self._held_show is not None:
            self._held_show(event)

    def _on_clean_trait(self, _change: Any = None) -> None:
        if not (self.dirty or self.conflict) and self._when_clean:
            self._clean_soon()

    def _clean_soon(self) -> None:
        timer = threading.Timer(CLEAN_DELAY_SECONDS, self._run_when_clean)
        timer.daemon = True
        timer.start()

    def _run_when_clean(self) -> None:
        with self._lock:
            if self._closed or self.dirty or self.conflict:
                return  # the next save (or the conflict's choice) tries again
            callbacks, self._when_clean = self._when_clean, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # noqa: BLE001 - a background redraw must never surface a traceback
                log.exception("a held-back change could not be shown")

    # ------------------------------------------------------------ timers
    def schedule(self, delay: float | None = None) -> None:
        """(Re)start the autosave timer: save after ``delay`` seconds (default :data:`AUTOSAVE_SECONDS`)."""
        with self._lock:
            if self._closed:
                return
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(AUTOSAVE_SECONDS if delay is None else delay, self.autosave)
            self._timer.daemon = True
            self._timer.start()

    def autosave(self) -> None:
        """Save from the timer thread; never raises (there is no callback guard there)."""
        try:
            self.save_now(auto=True)
        except Exception as exc:  # noqa: BLE001 - a background save must never surface a traceback
            log.exception("autosave of %r failed", self.handle)
            self.status.show(self.t(error_key(exc)), "error")

    def save_at_exit(self) -> None:
        """Save unsaved work when the kernel ends (the page was closed or reloaded); never raises."""
        try:
            if self.dirty and not self.conflict:
                self.save_now()
        except Exception:  # noqa: BLE001 - the process is ending; log and go
            log.exception("saving %r at the end failed", self.handle)

    def close(self) -> None:
        """Stop the timers; nothing saves itself any more."""
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    @property
    def timer_running(self) -> bool:
        """Return whether an autosave or retry is waiting."""
        timer = self._timer
        return timer is not None and timer.is_alive()

    # ------------------------------------------------------------ saving
    def save_now(self, auto: bool = False) -> bool:
        """Save what is unsaved; return whether the store now holds all of it.

        A conflict opens :attr:`open_conflict` (nothing saves until it is resolved); an
        unreachable store keeps the work and retries after :data:`RETRY_SECONDS`.
        """
        if not self.writable:
            return False
        with self._lock:
            if self._timer is not None and not auto:
                self._timer.cancel()
            if self.conflict:
                return False
            if not self.dirty:
                return True
            try:
                done = self._save_working_copy() if self.asks else self._save_pending()
            except StoreUnavailable:
                wait = RETRY_SECONDS[min(self._retry, len(RETRY_SECONDS) - 1)]
                self._retry += 1
                self.retry_in = int(wait)
                self.status.show(self.t(self.words.unreachable, seconden=int(wait)), "warning")
                self.schedule(wait)
                return False
            except ConflictError:  # a re-applying kind: the document kept moving; try again shortly
                wait = RETRY_SECONDS[0]
                self.status.show(self.t("editor.drukte", seconden=int(wait)), "warning")
                self.schedule(wait)
                return False
            except InvalidInput as exc:
                if exc.code not in self._errors:
                    raise
                self.status.show(self.t(self._errors[exc.code]), "error")
                return False
            self._retry = 0
            self.retry_in = 0
            return done

    def _save_working_copy(self) -> bool:
        copy = self.working_copy()
        if copy.problem:
            self.status.show(copy.problem, "error")
        if copy.record is None or (copy.problem and copy.record == self.saved):
            return False
        try:
            saved = self.handle.save(copy.record, base=self.base)
        except ConflictError as exc:
            theirs = self.handle.kind.parse(exc.theirs.content, source=f"{self.handle.kind.name} {exc.theirs.number}")
            self._open(Conflict(copy.record, theirs, exc.theirs.number, exc.theirs.created_at))
            return False
        self.saved = copy.record
        with self.hold_trait_notifications():
            self.base = self.head = saved.base
            self.dirty = bool(copy.problem)
        if copy.problem:
            return False
        self.status.clear()
        return True

    def _save_pending(self) -> bool:
        result = None
        while self.pending:
            key = next(iter(self.pending))
            operation, note = self.pending[key]
            try:
                result = self._write(operation, note)
            except EditConflict as exc:
                document = self.handle.find()
                self.head = max(self.head, document.head if document is not None else 0)
                self._open(
                    Conflict(exc.mine, exc.theirs, self.head, None, exc.explain, key, exc.keep_mine, exc.combined)
                )
                return False
            except (StoreUnavailable, ConflictError):
                raise  # kept: tried again later
            except Exception:
                del self.pending[key]  # an operation the record refuses (too long, too many) never saves: drop it
                self.dirty = bool(self.pending)
                raise
            del self.pending[key]
            with self.hold_trait_notifications():
                self.base = self.head = max(self.head, result.base)
        self.dirty = False
        if result is not None and self._on_saved is not None:
            self._on_saved(result)
        return True

    # ------------------------------------------------------------ conflicts
    def _open(self, conflict: Conflict) -> None:
        if self.asks:
            merge = self.handle.kind.merge
            conflict.combined = merge(conflict.mine, conflict.theirs, self.saved) if merge else None
            if conflict.combined is not None and self._describe is not None:
                conflict.explain = self._describe(conflict.mine, conflict.theirs, conflict.combined)
            self.head = max(self.head, conflict.number)
        self.open_conflict = conflict
        self.conflict = True

    def resolve(self, choice: str) -> bool:
        """Close the open conflict with ``"mine"``, ``"theirs"`` or ``"combine"``; return whether it saved.

        Raises:
            ValueError: for another choice.
        """
        if choice not in ("mine", "theirs", "combine"):
            raise ValueError(f"unknown choice {choice!r}")
        conflict = self.open_conflict
        if conflict is None:
            return True
        self.open_conflict = None
        self.conflict = False
        if self.asks:
            record = {"mine": conflict.mine, "theirs": conflict.theirs, "combine": conflict.combined}[choice]
            self.saved = conflict.theirs  # what the store holds now
            self.show(record, conflict.number, dirty=choice != "theirs")
            if choice == "theirs":
                self.status.clear()
                return True
            return self.save_now()
        with self._lock:
            self.pending.pop(conflict.key, None)
            if choice == "mine" and conflict.keep_mine is not None:
                self.pending[conflict.key] = (conflict.keep_mine, None)
            elif choice == "combine" and conflict.combined is not None:
                self.pending[conflict.key] = (conflict.combined, None)
            self.dirty = bool(self.pending)
        if not self.dirty:
            self.status.clear()
            self.reload()
            return True
        return self.save_now()

    def reload(self) -> None:
        """Load the newest version from the store into the working copy (nothing unsaved is lost: ask first)."""
        loaded = self.handle.load()
        self.show(loaded.record, loaded.base)

    # ------------------------------------------------------------ history
    def history(self) -> list[Any]:
        """Return the document's revisions (who, when, note), newest first."""
        return self.handle.history()

    def load_revision(self, number: int) -> Any:
        """Return revision ``number`` as a record."""
        return self.handle.revision(number)

    def restore(self, number: int) -> bool:
        """Save revision ``number`` again as a new revision (unsaved work is saved first); return success."""
        if not self.save_now():
            return False
        try:
            restored = self.handle.restore(number, base=self.base)
        except ConflictError as exc:
            if self.asks:
                theirs = self.handle.kind.parse(exc.theirs.content, source=self.handle.kind.name)
                self._open(Conflict(self.saved, theirs, exc.theirs.number, exc.theirs.created_at))
                return False
            restored = self.handle.restore(number, base=exc.theirs.number)
        self.show(restored.record, restored.base)
        self.status.show(
            self.t(self.words.restored, revisie=number, nieuw=restored.base), "info"
        )
        return True


# ---------------------------------------------------------------- widgets
class SaveStateLine(ipw.HTML):
    """One line that says whether everything is saved: "Alles opgeslagen (revisie 3)", "Nog niet opgeslagen…".

    Observes the model's ``base``, ``dirty`` and ``conflict``.
    """

    def __init__(self, model: DocumentEditorModel) -> None:
        super().__init__()
        self.add_class("pc-save-state")
        self.model = model
        model.observe(safe_callback(model.status, model.t)(lambda _c: self.render()), ["base", "dirty", "conflict"])
        self.render()

    def render(self) -> None:
        """Redraw the line from the model."""
        m, t, words = self.model, self.model.t, self.model.words
        if m.conflict:
            text, kind = t(words.conflict), "warning"
        elif m.dirty:
            text, kind = t(words.unsaved), "unsaved"
        elif m.base == 0:
            text, kind = t(words.nothing), "saved"
        else:
            text, kind = t(words.saved, revisie=m.base), "saved"
        self.value = f'<span class="pc-state pc-state-{kind}" role="status">{esc(text)}</span>'


class ConflictPanel(ipw.VBox):
    """Both versions side by side, what "combine" does, and the three choices below them.

    Args:
        model: the editor model; the panel opens and closes with its ``conflict`` trait.
        render: ``render(version, title) -> html`` (escaped) of one version.
        guard: the page's :func:`~purposecase.ui.common.safe_callback`.
        after: called after a choice (the view redraws).

    Public widgets (for tests): ``text`` (the explanation and both versions), ``combine_button``,
    ``keep_mine_button``, ``take_theirs_button``.
    """

    def __init__(
        self,
        model: DocumentEditorModel,
        render: Callable[[Any, str], str],
        guard: Callable[[Callable[..., Any]], Callable[..., Any]],
        after: Callable[[], None] | None = None,
    ) -> None:
        t, words = model.t, model.words
        self.model, self._render, self._after = model, render, after
        self.text = ipw.HTML()
        self.combine_button = ipw.Button(description=t(words.combine), button_style="primary")
        self.keep_mine_button = ipw.Button(description=t(words.keep_mine))
        self.take_theirs_button = ipw.Button(description=t(words.take_theirs))
        self.combine_button.add_class("pc-conflict-combine")
        self.keep_mine_button.add_class("pc-conflict-mine")
        self.take_theirs_button.add_class("pc-conflict-theirs")
        for button, choice in (
            (self.combine_button, "combine"),
            (self.keep_mine_button, "mine"),
            (self.take_theirs_button, "theirs"),
        ):
            button.on_click(guard(lambda _b, choice=choice: self.choose(choice)))
        super().__init__(
            [self.text, ipw.HBox([self.combine_button, self.keep_mine_button, self.take_theirs_button])],
            layout=ipw.Layout(display="none"),
        )
        self.add_class("pc-conflict")
        model.observe(guard(lambda _c: self.render()), "conflict")

    def render(self) -> None:
        """Show the open conflict, or hide the panel."""
        conflict = self.model.open_conflict
        if conflict is None or not self.model.conflict:
            self.layout.display = "none"
            self.text.value = ""
            return
        t, words = self.model.t, self.model.words
        mine_title, theirs_title = t(words.mine_title), t(words.theirs_title)
        combine = ""
        self.combine_button.disabled = conflict.combined is None
        if conflict.combined is not None:
            lines = "".join(f"<li>{esc(line)}</li>" for line in conflict.explain)
            combine = (
                f'<div class="pc-conflict-combine-explain"><p><b>{esc(t("editor.combineer_doet"))}</b></p>'
                f"<ul>{lines}</ul></div>"
            )
        self.text.value = (
            message_html(t(words.explain, tijd=format_time(conflict.when), revisie=conflict.number), "warning")
            .replace('role="status"', 'role="alert"')
            + f'<div class="pc-two"><div><h3>{esc(mine_title)}</h3>{self._render(conflict.mine, mine_title)}</div>'
            f"<div><h3>{esc(theirs_title)}</h3>{self._render(conflict.theirs, theirs_title)}</div></div>"
            + combine
            + f'<p class="pc-hint">{esc(t("editor.kies_hieronder"))}</p>'
        )
        self.layout.display = "flex"

    def choose(self, choice: str) -> None:
        """Resolve the conflict with ``"mine"``, ``"theirs"`` or ``"combine"`` and let the view redraw."""
        explain = self.model.open_conflict.explain if self.model.open_conflict is not None else []
        saved = self.model.resolve(choice)
        self.render()
        if self._after is not None:
            self._after()
        if saved and choice == "combine" and explain:
            self.model.status.show(self.model.t("editor.gecombineerd", wat="; ".join(explain)), "info")


class HistoryPanel(ipw.VBox):
    """The saved versions (who, when, what), a preview of one, and restoring it as a new version.

    Args:
        model: the editor model.
        render: ``render(record, title) -> html`` (escaped) of one version, for the preview.
        guard: the page's :func:`~purposecase.ui.common.safe_callback`.
        note: ``note(text) -> text`` for a revision's note as shown (default: as stored).
        listing: also list every version with its note (``listing``).
        after: called after a restore (the view redraws).

    Public widgets (for tests): ``dropdown``, ``preview``, ``restore_button``, ``listing``.
    """

    def __init__(
        self,
        model: DocumentEditorModel,
        render: Callable[[Any, str], str],
        guard: Callable[[Callable[..., Any]], Callable[..., Any]],
        *,
        note: Callable[[str], str] | None = None,
        listing: bool = False,
        after: Callable[[], None] | None = None,
    ) -> None:
        t, words = model.t, model.words
        self.model, self._render, self._note, self._after = model, render, note or (lambda n: n), after
        self.listing = ipw.HTML()
        self.dropdown = ipw.Dropdown(description=t(words.version), options=[],
                                     style={"description_width": "initial"})
        self.preview = ipw.HTML()
        self.restore_button = ipw.Button(description=t(words.restore), icon="undo", disabled=True)
        self.restore_button.add_class("pc-restore")
        self.dropdown.observe(guard(self._on_pick), "value")
        self.restore_button.on_click(guard(self._on_restore))
        row: list[ipw.Widget] = [self.dropdown] + ([self.restore_button] if model.writable else [])
        super().__init__(([self.listing] if listing else []) + [ipw.HBox(row), self.preview])
        self.add_class("pc-history-panel")
        self._show_listing = listing

    def refresh(self) -> None:
        """Reload the list of saved versions."""
        t, words = self.model.t, self.model.words
        infos = self.model.history()
        author = self.model.handle.session.author_label

        def line(info: Any) -> str:
            who = author(info.author)
            who = t("rol.trekker") if who == "trekker" else who
            text = t(words.line, revisie=info.number, wie=who, tijd=format_time(info.created_at))
            return text + (f" — {self._note(info.note)}" if info.note else "")

        options = [(line(i), i.number) for i in infos]
        if self._show_listing:
            self.listing.value = (
                f'<ul class="pc-history-list">{"".join(f"<li>{esc(text)}</li>" for text, _ in options)}</ul>'
                if options
                else f'<p class="pc-empty">{esc(t("editor.geen_versies"))}</p>'
            )
        self.dropdown.options = options
        self.dropdown.value = options[0][1] if options else None
        if not options:
            empty = f'<p class="pc-empty">{esc(t("editor.geen_versies"))}</p>'
            self.preview.value = "" if self._show_listing else empty
        self.restore_button.disabled = not options

    def _on_pick(self, change: dict[str, Any]) -> None:
        number = change["new"]
        if not number:
            self.preview.value = ""
            return
        title = self.model.t(self.model.words.version_n, revisie=number)
        self.preview.value = f"<h4>{esc(title)}</h4>{self._render(self.model.load_revision(number), title)}"
        self.restore_button.disabled = number == self.model.base and not self.model.dirty

    def _on_restore(self, _b: Any = None) -> None:
        number = self.dropdown.value
        if number and self.model.restore(number):
            if self._after is not None:
                self._after()
            self.refresh()
