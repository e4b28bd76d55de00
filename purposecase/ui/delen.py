"""Chapter "Delen en bewaren": export to poster, slides, spreadsheet, text; import a file.

What the page offers depends on the secret link (``?sleutel=``):

- no link: export one of the ten publication examples; import a JSON/YAML
  file (a case, a draft or a workspace backup) into a NEW workspace, whose
  new links are shown once;
- the trekker's link: export the shared case, shared drafts or the whole
  workspace (backup, JSON/YAML; private drafts stay private); import a file
  into a new workspace or as this workspace's shared case;
- a partner's link: export the shared case or their own draft; import a file
  as their own draft;
- a viewer's link: export what the viewer may read; no import;
- an unknown or revoked link: a clear message and the public parts only.

Every role check is repeated on the server side in
:class:`~purposecase.workspace.WorkspaceSession`; the widgets only leave out
what a role cannot do. Uploads are limited to
:data:`purposecase.backup.MAX_UPLOAD_BYTES`, checked in the browser before
sending (so a file over Voilà's websocket limit never breaks the page) and
again here.
"""

from __future__ import annotations

import ipywidgets as ipw
import traitlets as tl

from ..backup import (
    MAX_UPLOAD_BYTES,
    Upload,
    UploadError,
    backup_bytes,
    import_as_new_workspace,
    import_note,
    read_upload,
)
from ..examples import load_catalogue
from ..export import MEDIA_TYPES, ExportFile, file_name, today
from ..messages import Translator
from ..workspace import (
    MAX_NAME_LENGTH,
    ConflictError,
    Forbidden,
    InvalidInput,
    StoreUnavailable,
)
from .common import esc, message_html, safe_callback, subtitle_html
from .export_button import ExportButton, workspace_file
from .links import chapter_url, link_html
from .shell import ChapterShell

NOTEBOOK = "08_delen.ipynb"
OVERVIEW = "04_zelf_invullen.ipynb"
UPLOAD_ACCEPT = ".json,.yaml,.yml,application/json,application/yaml,text/yaml"

_GUARD_JS = (
    "if(window.pcUploadGuard)return;window.pcUploadGuard=1;"
    # remember which upload area a click on an upload button came from ...
    "document.addEventListener('click',function(e){var t=e.target;var b=t&&t.closest?t.closest('.widget-upload'):null;"
    "window.pcUploadArea=b?b.closest('.pc-upload-area'):null;},true);"
    # ... ipywidgets then opens its own (detached) file input: guard that input's change event
    "var click=HTMLInputElement.prototype.click;HTMLInputElement.prototype.click=function(){"
    "var a=window.pcUploadArea;window.pcUploadArea=null;"
    "if(this.type==='file'&&a&&!this.pcGuard){this.pcGuard=1;var input=this;"
    "input.addEventListener('change',function(e){var g=a.querySelector('.pc-upload-guard');if(!g)return;"
    "var max=+g.dataset.max;for(var k=0;k<input.files.length;k++){if(input.files[k].size>max){"
    "e.stopImmediatePropagation();g.textContent=g.dataset.msg.split('{bestand}').join(input.files[k].name);"
    "g.style.display='block';"
    # tell the kernel a new file was chosen and refused: it forgets the previous file (issue 20)
    "var r=a.querySelector('.pc-upload-refused input');if(r){r.value=Date.now()+'|'+input.files[k].name;"
    "r.dispatchEvent(new Event('input',{bubbles:true}));r.dispatchEvent(new Event('change',{bubbles:true}));}"
    "input.value='';return;}}g.style.display='none';g.textContent='';},true);}"
    "return click.apply(this,arguments);};"
)
"""Constant script (run once per page): refuse a file over the limit in the browser, before it is sent.

ipywidgets' upload button opens a file input that is not in the page, so a listener on the page never
sees its ``change`` event. The script notes the upload area of a click on an upload button and, when
that button opens its file input, adds a capturing ``change`` listener to it, which runs before the
widget's own (capture listeners at the target run first, Chromium ≥ 89) and stops a file over the limit
there, showing the translated message instead. It then writes ``<time>|<file name>`` into the area's
hidden ``.pc-upload-refused`` text widget, so the kernel forgets the previously read file and disables
"Importeren" (a new choice always replaces the old one). It holds no user data."""


def upload_guard_html(t: Translator) -> str:
    """Return the hidden size-limit message and the one-line installer of the browser-side size check."""
    msg = t("delen.fout.te_groot", bestand="{bestand}", max=MAX_UPLOAD_BYTES // (1024 * 1024))
    # the handler of an image that cannot load runs once the HTML is on the page; it holds no user data
    installer = "(function(){" + _GUARD_JS + "})()"
    return (
        f'<div class="pc-upload-guard pc-msg pc-msg-error" role="alert" style="display:none" '
        f'data-max="{MAX_UPLOAD_BYTES}" data-msg="{esc(msg)}"></div>'
        f'<img src="data:," alt="" style="display:none" onerror="{esc(installer)}">'
    )


def problems_html(lines: list[str], kind: str = "error") -> str:
    """Return a message box with a first line and a list of the rest (all escaped)."""
    if not lines:
        return ""
    role = "alert" if kind == "error" else "status"
    items = "".join(f"<li>{esc(line)}</li>" for line in lines[1:])
    return (
        f'<div class="pc-msg pc-msg-{esc(kind)} pc-import-problems" role="{role}"><p>{esc(lines[0])}</p>'
        + (f"<ul>{items}</ul>" if items else "")
        + "</div>"
    )


class DelenModel(tl.HasTraits):
    """State of the chapter.

    Traits:
        slug: the publication example to export (no link).
        subject: what to export with a link: ``"shared"``, ``"own"`` (partner's draft),
            ``"draft:<partner id>"`` (a shared draft) or ``"workspace"`` (backup).
        history: include every revision in a backup.
        target: where an import goes: ``"new"`` (a new workspace), ``"shared_case"``
            (trekker) or ``"draft"`` (partner).
    """

    slug = tl.Unicode("")
    subject = tl.Unicode("shared")
    history = tl.Bool(True)
    target = tl.Unicode("new")


class ExportPanel(ipw.VBox):
    """What to export (an example, or a part of the workspace) and the export button."""

    def __init__(self, chapter: DelenChapter) -> None:
        super().__init__()
        self.add_class("pc-export-panel")
        self.chapter = chapter
        t, model, session = chapter.t, chapter.model, chapter.session
        style = {"description_width": "initial"}
        children: list[ipw.Widget] = [ipw.HTML(subtitle_html(t("delen.export_titel"), t("delen.export_uitleg")))]
        self.history_checkbox = ipw.Checkbox(description=t("delen.geschiedenis"), indent=False)
        self.history_checkbox.add_class("pc-export-history")
        # by design the trekker never sees a private draft, not even in a backup: say so next to the option
        self.backup_note = ipw.HTML(f'<p class="pc-export-note">{esc(t("delen.backup_prive"))}</p>')
        self.backup_note.add_class("pc-backup-note")
        ipw.link((model, "history"), (self.history_checkbox, "value"))
        if session is None:
            cases = load_catalogue().cases
            self.subject_dropdown = ipw.Dropdown(
                options=[(c.title, c.slug) for c in cases], description=t("delen.kies_voorbeeld"), style=style,
                layout=ipw.Layout(width="460px"),
            )
            self.subject_dropdown.add_class("pc-example-dropdown")
            if cases:
                model.slug = model.slug or cases[0].slug
                ipw.link((model, "slug"), (self.subject_dropdown, "value"))
            self.button = ExportButton.for_case(lambda: chapter.example(), t)
        else:
            self.subject_dropdown = ipw.Dropdown(
                options=self._subjects(), description=t("delen.wat"), style=style, layout=ipw.Layout(width="460px")
            )
            self.subject_dropdown.add_class("pc-export-subject")
            ipw.link((model, "subject"), (self.subject_dropdown, "value"))
            self.button = ExportButton(
                self._make, t, errors={Forbidden: "delen.fout.mag_niet", StoreUnavailable: "opslag.onbereikbaar"}
            )
        guard = safe_callback(chapter.status, t)
        model.observe(guard(self._on_subject), ["subject", "slug", "history"])
        self._on_subject()
        children += [self.subject_dropdown, self.history_checkbox, self.backup_note, self.button]
        self.children = children

    def _subjects(self) -> list[tuple[str, str]]:
        t, session = self.chapter.t, self.chapter.session
        assert session is not None
        options = [(t("export.gedeelde_case"), "shared")]
        if session.role == "partner":
            options.append((t("delen.mijn_concept"), "own"))
            return options
        options += [
            (t("export.concept_van", naam=p.name), f"draft:{p.id}") for p, _ in session.shared_drafts()
        ]
        options.append((t("delen.hele_werkruimte"), "workspace"))
        return options

    def refresh_subjects(self) -> None:
        """List the drafts shared now (after a change elsewhere); a choice that is gone falls back to the case."""
        if self.chapter.session is None:
            return
        options = self._subjects()
        if list(self.subject_dropdown.options) == options:
            return
        model = self.chapter.model
        keep = model.subject if model.subject in [value for _, value in options] else "shared"
        with self.subject_dropdown.hold_trait_notifications():
            self.subject_dropdown.options = options
            self.subject_dropdown.value = keep
        model.subject = keep

    def _on_subject(self, _change=None) -> None:
        workspace = self.chapter.model.subject == "workspace" and self.chapter.session is not None
        self.history_checkbox.layout.display = "" if workspace else "none"
        self.backup_note.layout.display = "" if workspace else "none"
        self.button.set_formats(("json", "yaml") if workspace else ("pdf", "pptx", "xlsx", "md", "json", "yaml"))
        self.button.clear()

    def _make(self, fmt: str) -> ExportFile:
        chapter = self.chapter
        session, subject, t = chapter.session, chapter.model.subject, chapter.t
        assert session is not None
        if subject == "workspace":
            data = session.backup(history=chapter.model.history)
            name = session.workspace().name + " back-up"
            return ExportFile(backup_bytes(data, fmt), file_name(name, fmt, today()), MEDIA_TYPES[fmt])
        return workspace_file(session, subject, fmt, t.lang)


class ImportPanel(ipw.VBox):
    """Upload a JSON/YAML file, see what it holds (or what is wrong with it), import it."""

    def __init__(self, chapter: DelenChapter) -> None:
        super().__init__()
        self.add_class("pc-import-panel")
        self.chapter = chapter
        t, model, session = chapter.t, chapter.model, chapter.session
        style = {"description_width": "initial"}
        self.upload: Upload | None = None
        self.uploader = ipw.FileUpload(
            accept=UPLOAD_ACCEPT, multiple=False, description=t("delen.kies_bestand"), layout=ipw.Layout(width="auto"),
            tooltip=t("delen.kies_bestand"),
        )
        # ipywidgets 8 writes f"{description} ({len(value)})" into the button; the file is read and forgotten
        # at once, so it said "(0)" also after a file was chosen (issue 18). theme.css hides that text and draws
        # the tooltip instead: "Kies een bestand", after a file "Kies een ander bestand".
        self.uploader.add_class("pc-upload")
        self.guard = ipw.HTML(upload_guard_html(t))
        # written by the browser-side size check when it refuses a file (see _GUARD_JS)
        self.refused = ipw.Text(value="", layout=ipw.Layout(display="none"))
        self.refused.add_class("pc-upload-refused")
        self.file_info = ipw.HTML()
        self.file_info.add_class("pc-import-info")
        self.name_text = ipw.Text(
            description=t("delen.naam_nieuw"), placeholder=t("delen.naam_placeholder"), style=style,
            layout=ipw.Layout(width="560px"),
        )
        self.name_text.add_class("pc-import-name")
        targets = [(t("delen.doel_nieuw"), "new")]
        if session is not None and session.role == "trekker":
            targets.append((t("delen.doel_gedeeld"), "shared_case"))
        if session is not None and session.role == "partner":
            targets = [(t("delen.doel_concept"), "draft")]
        model.target = targets[0][1]
        self.target_dropdown = ipw.Dropdown(options=targets, description=t("delen.doel"), style=style)
        self.target_dropdown.add_class("pc-import-target")
        ipw.link((model, "target"), (self.target_dropdown, "value"))
        self.import_button = ipw.Button(description=t("delen.importeer"), icon="upload", button_style="primary",
                                        disabled=True)
        self.import_button.add_class("pc-import-button")
        self.result = ipw.HTML()
        self.result.add_class("pc-import-result")
        guard = safe_callback(chapter.status, t)
        self.uploader.observe(guard(self._on_upload), "value")
        self.refused.observe(guard(self._on_refused), "value")
        self.import_button.on_click(guard(self._on_import))
        model.observe(guard(self._on_target), "target")
        area = ipw.VBox([ipw.HBox([self.uploader]), self.guard, self.refused])
        area.add_class("pc-upload-area")
        limit = t("delen.import_limiet", max=MAX_UPLOAD_BYTES // (1024 * 1024))
        self.children = [
            ipw.HTML(subtitle_html(t("delen.import_titel"), t("delen.import_uitleg") + " " + limit)),
            area,
            self.file_info,
            self.target_dropdown,
            self.name_text,
            ipw.HBox([self.import_button]),
            self.result,
        ]
        self._on_target()

    # ------------------------------------------------------------ handlers
    def _on_target(self, _change=None) -> None:
        self.name_text.layout.display = "" if self.chapter.model.target == "new" else "none"

    def _forget_file(self) -> None:
        """Forget the file read before: a new choice replaces it, also when the new one fails."""
        self.upload = None
        self.import_button.disabled = True
        self.file_info.value = ""
        self.result.value = ""

    def _on_refused(self, change) -> None:
        """The browser refused a file over the size limit (it never reached the kernel)."""
        raw = str(change["new"] or "")
        if not raw:
            return
        self._forget_file()
        name = raw.partition("|")[2][:200]
        t = self.chapter.t
        self.file_info.value = problems_html(
            [t("delen.fout.te_groot", bestand=name, max=MAX_UPLOAD_BYTES // (1024 * 1024))]
        )

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        t = self.chapter.t
        first = files[0]
        name = str(first.get("name", ""))[:200]
        self._forget_file()
        try:
            upload = read_upload(first["content"], name)
        except UploadError as exc:
            self.file_info.value = problems_html(exc.messages(t, name))
            return
        finally:
            # forget the file in the widget: the same file can be chosen again, and no copy lingers
            self.uploader.value = ()
        self.upload = upload
        self.uploader.tooltip = t("delen.ander_bestand")  # the button's label (theme.css)
        self.file_info.value = message_html(t("delen.bestand_gelezen", bestand=name) + " " + upload.describe(t), "info")
        if self.chapter.model.target == "new":
            self.name_text.value = upload.title()
        self.import_button.disabled = False

    def _on_import(self, _button=None) -> None:
        chapter, t = self.chapter, self.chapter.t
        upload = self.upload
        if upload is None:
            chapter.status.show(t("delen.eerst_bestand"), "warning")
            return
        self.import_button.disabled = True
        self.result.value = ""  # the message of an import before is no longer news
        target, session = chapter.model.target, chapter.session
        try:
            if target == "new":
                self._import_new(upload)
            elif target == "draft" and session is not None:
                rev = session.import_as_my_draft(upload.as_draft(), note=import_note(upload.filename))
                self.result.value = message_html(t("delen.als_concept_klaar", revisie=rev.number), "info")
            elif target == "shared_case" and session is not None:
                rev = session.import_as_shared_case(upload.as_shared_case(), note=import_note(upload.filename))
                self.result.value = message_html(t("delen.als_gedeeld_klaar", revisie=rev.number), "info")
            else:
                raise Forbidden("no import target for this page")
        except UploadError as exc:
            self.result.value = problems_html(exc.messages(t, upload.filename))
            self.import_button.disabled = False
            return
        except Forbidden:
            self.result.value = message_html(t("delen.fout.mag_niet"), "error")
            return
        except ConflictError:
            self.result.value = message_html(t("delen.fout.tegelijk"), "warning")
            self.import_button.disabled = False
            return
        except StoreUnavailable:
            self.result.value = message_html(t("opslag.onbereikbaar"), "error")
            self.import_button.disabled = False
            return
        except InvalidInput:
            self.result.value = message_html(t("delen.fout.naam"), "warning")
            self.import_button.disabled = False
            return
        self.upload = None
        self.file_info.value = ""

    def _import_new(self, upload: Upload) -> None:
        t = self.chapter.t
        name = self.name_text.value.strip()
        if len(name) > MAX_NAME_LENGTH:  # the import would cut it off silently
            raise InvalidInput("invalid_name", f"name longer than {MAX_NAME_LENGTH} characters")
        restored = import_as_new_workspace(upload, name=name or None)
        name = restored.session.workspace().name
        parts = [
            message_html(t("delen.nieuw_klaar", naam=name), "info"),
            link_html(t("links.trekker"), chapter_url(OVERVIEW, restored.trekker_token, t.lang), t,
                      note=t("links.trekker_bewaar")),
        ]
        parts += [
            link_html(t("links.partner", naam=p.name), chapter_url(OVERVIEW, token, t.lang), t,
                      note=t("delen.partner_link_uitleg"))
            for p, token in restored.partner_tokens
        ]
        self.result.value = '<div class="pc-new-links">' + "".join(parts) + "</div>"


class DelenChapter(ChapterShell):
    """Chapter "Delen en bewaren": exports (poster, slides, spreadsheet, Markdown, JSON/YAML) and import.

    Args:
        context: page context (language, secret link); default read from the page's address.
        session: an opened workspace session (tests); default opened from ``context.sleutel``.

    Public attributes (for tests): those of :class:`~purposecase.ui.shell.ChapterShell` (``nav``, ``status``,
    ``session``, ``workspace_line``, ``feed`` …), ``model``, ``export_panel`` (:class:`ExportPanel`),
    ``import_panel`` (:class:`ImportPanel`, ``None`` for a viewer).
    """

    NOTEBOOK = NOTEBOOK
    TITLE, INTRO = "delen.titel", "delen.intro"
    CSS_CLASS = "pc-delen"

    def build(self) -> ipw.Widget:
        """Return the export and the import (what the link's role may do; the public parts without a link)."""
        t = self.t
        self.model = DelenModel()
        self.export_panel: ExportPanel | None = None
        self.import_panel: ImportPanel | None = None
        if self.problem == "opslag.onbereikbaar":  # nothing to offer until the store is back
            return ipw.VBox()
        self.export_panel = ExportPanel(self)
        children: list[ipw.Widget] = [self.export_panel]
        if self.session is not None and self.session.role == "viewer":
            children.append(ipw.HTML(subtitle_html(t("delen.import_titel"))))
            children.append(ipw.HTML(message_html(t("delen.kijker_geen_import"), "info")))
        else:
            self.import_panel = ImportPanel(self)
            children.append(self.import_panel)
        return ipw.VBox(children)

    def example(self):
        """Return the chosen publication example (no link), or ``None``."""
        try:
            return load_catalogue().get(self.model.slug)
        except KeyError:
            return None

    def on_workspace_change(self, event) -> None:
        """Offer drafts shared (or made private) elsewhere in the export's list."""
        from ..workspace.documents import DRAFT

        if self.export_panel is not None and self.session is not None and event.touches(DRAFT):
            self.export_panel.refresh_subjects()
