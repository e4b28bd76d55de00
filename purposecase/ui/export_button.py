"""A reusable export button: choose a format, make the file, download it.

Voilà has no download mechanism (DESIGN.md §5): the finished file is offered
as an HTML link ``<a download="name.pdf" href="data:…;base64,…">`` built here
(every attribute escaped, the file name sanitised). For large files the
link's constant click handler first turns the data URL into a Blob URL, so
Chromium's limit on data URLs does not apply. While the file is being made, a
progress bar and a "bezig…" line show that something happens.

Drop it into any chapter::

    ExportButton.for_case(lambda: model.case(), t)          # a case: pdf … yaml
    ExportButton.for_workspace(session, t, "shared")        # what the link's role may export
    ExportButton(make=lambda fmt: export_file(bundle, fmt), t=t)

With a workspace link every chapter exports through :func:`workspace_file`, the
same rules as chapter 08: the session's role decides, on the server side
(:func:`~purposecase.export.parts.workspace_bundle`), what it may export.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import ipywidgets as ipw
import traitlets as tl

from ..export import FORMATS, ExportFile, bundle_for_case, export_file
from ..export.fonts import FontMissing
from ..export.images import FigureExportError
from ..export.parts import workspace_bundle
from ..messages import Translator
from ..model import PurposeCase
from .common import StatusLine, esc, safe_callback

if TYPE_CHECKING:  # pragma: no cover
    from ..workspace import WorkspaceSession

FORMAT_KEYS: dict[str, str] = {
    "pdf": "delen.formaat.pdf",
    "pptx": "delen.formaat.pptx",
    "xlsx": "delen.formaat.xlsx",
    "md": "delen.formaat.md",
    "json": "delen.formaat.json",
    "yaml": "delen.formaat.yaml",
}
"""Message key of each format's label in the format chooser."""

STEPS = 3
"""Progress steps: gather the data, make the file, put the link on the page."""

_BLOB_JS = (
    "if(this.dataset.blob)return;var h=this.getAttribute('href');var c=h.indexOf(',');"
    "var m=h.slice(5,h.indexOf(';'));var b=atob(h.slice(c+1));var u=new Uint8Array(b.length);"
    "for(var k=0;k<b.length;k++)u[k]=b.charCodeAt(k);"
    "this.href=URL.createObjectURL(new Blob([u],{type:m}));this.dataset.blob='1';"
)
"""Constant click handler: data URL → Blob URL before the browser follows the link (no user data in it)."""

_STYLE = (
    "<style>.pc-download{display:inline-block;margin:0.4em 0;padding:6px 14px;border-radius:4px;"
    "background:#2f7a4f;color:#fff !important;text-decoration:none;font-weight:600}"
    ".pc-download:focus{outline:3px solid #ffbf47}.pc-export-busy{color:#4a5761;font-style:italic}"
    ".pc-export-note{color:#4a5761;font-size:0.92em;margin:0.2em 0}</style>"
)


DOCUMENT_FORMATS: tuple[str, ...] = ("pdf", "pptx", "xlsx", "md")
"""The formats that carry a workspace's value propositions and roadmap (JSON/YAML hold the case only)."""


class NothingToExport(Exception):
    """Raised by an export button's subject when nothing is chosen yet (shown as "choose … first")."""


def workspace_file(session: WorkspaceSession, subject: str, fmt: str, lang: str) -> ExportFile:
    """Return the file chapter 08 makes for ``subject`` of a workspace, in ``fmt``.

    Args:
        session: the page's workspace session; its role decides what it may export.
        subject: ``"shared"`` (the shared Purpose Case; every role), ``"own"`` (a partner's
            own draft) or ``"draft:<partner id>"`` (a shared draft; trekker and viewer).
        fmt: one of :data:`purposecase.export.FORMATS`.
        lang: language of the file's labels.

    Raises:
        Forbidden: for a draft this session may not read (e.g. a private draft, or another
            partner's draft with a partner link).
        ValueError: for an unknown subject or format.
    """
    if subject == "own":
        bundle = workspace_bundle(session, "draft", lang=lang)
    elif subject.startswith("draft:"):
        bundle = workspace_bundle(session, "draft", partner_id=subject[6:], lang=lang)
    elif subject == "shared":
        bundle = workspace_bundle(session, "shared", lang=lang)
    else:
        raise ValueError(f"unknown export subject {subject!r}; expected 'shared', 'own' or 'draft:<partner id>'")
    return export_file(bundle, fmt)


def safe_filename(name: str, fallback: str = "purpose-case") -> str:
    """Return ``name`` with only ``A-Z a-z 0-9 . _ -`` (others become ``-``), at most 120 characters."""
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:120]
    return clean or fallback


def human_size(size: int) -> str:
    """Return a byte count as ``"12 kB"`` / ``"1.4 MB"``."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB"


def download_link_html(file: ExportFile, t: Translator) -> str:
    """Return the download link of a finished file (escaped; data URL; Blob URL on click)."""
    name = safe_filename(file.filename)
    payload = base64.b64encode(file.data).decode("ascii")
    label = t("delen.download", bestand=name, grootte=human_size(len(file.data)))
    return (
        f'<a class="pc-download" download="{esc(name)}" href="data:{esc(file.media_type)};base64,{payload}" '
        f'onclick="{esc(_BLOB_JS)}" data-filename="{esc(name)}">{esc(label)}</a>'
        f'<p class="pc-export-note">{esc(t("delen.download_uitleg"))}</p>'
    )


class ExportModel(tl.HasTraits):
    """State of one export button.

    Traits:
        fmt: the chosen format (one of the offered formats).
        busy: a file is being made.
        step: progress, 0 … :data:`STEPS`.
    """

    fmt = tl.Unicode("pdf")
    busy = tl.Bool(False)
    step = tl.Int(0)


class ExportButton(ipw.VBox):
    """Format chooser, a "make the file" button, a progress bar and the download link.

    Args:
        make: ``make(fmt) -> ExportFile``: builds the file (called on click).
        t: translator.
        formats: the formats to offer (default all of :data:`purposecase.export.FORMATS`).
        errors: extra ``{exception type: message key}`` for errors ``make`` may raise that
            the user should see explained (anything else shows the general error).

    Public widgets (for tests): ``format_dropdown``, ``make_button``, ``progress``,
    ``busy_line``, ``link``, ``status``; the model is ``model``.
    """

    def __init__(
        self,
        make: Callable[[str], ExportFile],
        t: Translator,
        *,
        formats: Sequence[str] = FORMATS,
        errors: dict[type[BaseException], str] | None = None,
    ) -> None:
        super().__init__()
        self.add_class("pc-export")
        self.make, self.t = make, t
        self.errors: dict[type[BaseException], str] = {
            FontMissing: "delen.fout.lettertype",
            FigureExportError: "delen.fout.figuur",
            **(errors or {}),
        }
        self.model = ExportModel()
        self.status = StatusLine()
        self.format_dropdown = ipw.Dropdown(description=t("delen.formaat"), style={"description_width": "initial"})
        self.make_button = ipw.Button(description=t("delen.maak"), icon="file-export", button_style="primary")
        self.progress = ipw.IntProgress(
            value=0, min=0, max=STEPS, layout=ipw.Layout(visibility="hidden", width="220px")
        )
        self.busy_line = ipw.HTML()
        self.progress_row = ipw.HBox(
            [self.progress, self.busy_line], layout=ipw.Layout(align_items="center", grid_gap="10px", display="none")
        )
        self.link = ipw.HTML()
        for widget, cls in (
            (self.format_dropdown, "pc-export-format"),
            (self.make_button, "pc-export-make"),
            (self.progress, "pc-export-progress"),
            (self.busy_line, "pc-export-busy-line"),
            (self.link, "pc-export-link"),
        ):
            widget.add_class(cls)
        self.set_formats(formats)
        ipw.link((self.model, "fmt"), (self.format_dropdown, "value"))
        ipw.dlink((self.model, "step"), (self.progress, "value"))
        guard = safe_callback(self.status, t)
        self.model.observe(guard(self._on_fmt), "fmt")
        self.model.observe(guard(self._on_busy), "busy")
        self.make_button.on_click(guard(self._on_make))
        self.children = [
            ipw.HTML(_STYLE, layout=ipw.Layout(display="none")),
            ipw.HBox(
                [self.format_dropdown, self.make_button], layout=ipw.Layout(flex_flow="row wrap", grid_gap="10px")
            ),
            self.progress_row,
            self.status,
            self.link,
        ]

    @classmethod
    def for_case(
        cls, get_case: Callable[[], PurposeCase | None], t: Translator, *, label_key: str = "export.voorbeeld"
    ) -> ExportButton:
        """Return a button exporting whatever case ``get_case()`` returns at click time (e.g. the chosen example).

        Args:
            get_case: returns the case to export, or ``None`` when there is none.
            t: translator (its language labels the file).
            label_key: message key of what the case is (default: "an example from the publication").
        """

        def make(fmt: str) -> ExportFile:
            case = get_case()
            if case is None:
                raise LookupError("no case chosen")
            return export_file(bundle_for_case(case, lang=t.lang, label=t(label_key)), fmt)

        return cls(make, t, errors={LookupError: "delen.geen_case"})

    @classmethod
    def for_workspace(
        cls,
        session: WorkspaceSession,
        t: Translator,
        subject: str | Callable[[], str | None],
        *,
        formats: Sequence[str] = FORMATS,
        before: Callable[[], None] | None = None,
        errors: dict[type[BaseException], str] | None = None,
    ) -> ExportButton:
        """Return a button exporting part of a workspace with the rules of chapter 08 (:func:`workspace_file`).

        Args:
            session: the page's workspace session.
            t: translator (its language labels the file).
            subject: ``"shared"``, ``"own"`` or ``"draft:<partner id>"``, or a callable returning
                one at click time (``None``: nothing chosen yet, the user is asked to choose).
            formats: the formats to offer.
            before: called first on every click, e.g. to save what the page still holds; it may
                raise an exception listed in ``errors`` to stop with that message.
            errors: extra ``{exception type: message key}``.

        A refused export (:class:`~purposecase.workspace.Forbidden`) and an unreachable
        database get their own message, as in chapter 08.
        """
        from ..errors import StoreUnavailable
        from ..workspace import Forbidden

        def make(fmt: str) -> ExportFile:
            if before is not None:
                before()
            chosen = subject() if callable(subject) else subject
            if not chosen:
                raise NothingToExport("nothing chosen")
            return workspace_file(session, chosen, fmt, t.lang)

        known = {
            Forbidden: "delen.fout.mag_niet",
            StoreUnavailable: "opslag.onbereikbaar",
            NothingToExport: "delen.geen_concept",
            **(errors or {}),
        }
        return cls(make, t, formats=formats, errors=known)

    def set_formats(self, formats: Sequence[str]) -> None:
        """Offer ``formats`` (keeps the chosen one if still offered)."""
        options = [(self.t(FORMAT_KEYS[f]), f) for f in formats]
        current = self.model.fmt
        self.format_dropdown.options = options
        self.model.fmt = current if current in formats else formats[0]
        self.format_dropdown.value = self.model.fmt

    def clear(self) -> None:
        """Remove a finished link (e.g. when what would be exported changed)."""
        self.link.value = ""
        self.status.clear()

    # ------------------------------------------------------------ handlers
    def _on_fmt(self, _change=None) -> None:
        self.clear()

    def _on_busy(self, change) -> None:
        busy = change["new"]
        self.make_button.disabled = busy
        self.format_dropdown.disabled = busy
        self.progress.layout.visibility = "visible" if busy else "hidden"
        self.progress_row.layout.display = "" if busy else "none"
        if not busy:
            self.busy_line.value = ""

    def _say_step(self, step: int, key: str) -> None:
        self.model.step = step
        self.busy_line.value = f'<span class="pc-export-busy" role="status">{esc(self.t(key))}</span>'

    def _on_make(self, _button=None) -> None:
        t = self.t
        self.clear()
        self.model.busy = True
        try:
            self._say_step(1, "delen.bezig_maken")
            try:
                file = self.make(self.model.fmt)
            except tuple(self.errors) as exc:  # type: ignore[misc]
                key = next(v for k, v in self.errors.items() if isinstance(exc, k))
                self.status.show(t(key), "warning")
                return
            self._say_step(2, "delen.bezig_klaarzetten")
            self.link.value = download_link_html(file, t)
            self.model.step = STEPS
            self.status.show(t("delen.klaar", bestand=safe_filename(file.filename)), "info")
        finally:
            self.model.busy = False
            self.model.step = 0
