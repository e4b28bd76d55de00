"""Workspace backup and restore, and reading uploaded JSON/YAML files safely.

**Backup file** (JSON or YAML, schema version :data:`BACKUP_VERSION`)::

    purposecase_backup: 1
    exported_at: "2026-11-30T14:03:00+00:00"
    history: true                      # false: only each document's latest revision
    workspace: {id, name, created_at}
    partners:  [{id, name, organisation, role, created_at, removed_at}]
    documents: [{kind, partner, state, head, withheld, revisions: [{number, parent, author,
                 created_at, note, content}]}]

It holds no secret: no token and no token hash. Partner and workspace ids are
not secrets (they name nothing without a token). A private draft seen from a
session that may not read it (the trekker, a viewer) is listed with its state
and ``withheld: true`` but without revisions (DESIGN.md §4: the trekker never
sees a private draft).

**Restore** (:func:`restore_workspace`) creates a NEW workspace with new ids
and new secret links: the same partners (removed ones removed again), the
same documents with the same states and, revision by revision, the same
contents, authors and notes. Partner ids inside contents and authors are
mapped to the new ids (an exact string equal to an old partner id becomes the
new id, in values and keys); timestamps are the restore's own (the store
appends revisions now; the file keeps the original times).

**Uploads** (:func:`read_upload`): an explicit size limit
(:data:`MAX_UPLOAD_BYTES`), binary and empty files refused, YAML parsed
safely with a budget against alias bombs and deep nesting, then recognised as
a case file, a draft, or a backup and validated completely before anything is
written. Each refusal is an :class:`UploadError` with a stable ``code`` and,
for schema problems, one :class:`~purposecase.model.Problem` per field.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError

from .model import CaseFileError, PartnerDraft, Problem, PurposeCase, Record, SharedCase, SharedItem
from .pieces import PIECE_KEYS
from .store import MAX_CONTENT_BYTES, Document, Partner, Store, open_store

if TYPE_CHECKING:  # pragma: no cover
    from .messages import Translator
    from .workspace import WorkspaceSession

BACKUP_VERSION = 1
"""Schema version written into every backup (``purposecase_backup``)."""

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""Largest file accepted for import: 10 MiB. ``purposecase.cli.WEBSOCKET_MAX_BYTES`` (Voilà's
websocket limit) must stay above it, with room for the message around the file (DESIGN.md §5)."""

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings accepted in an uploaded file."""

MAX_NODES = 2_000_000
"""Most values an uploaded file may expand to (YAML aliases counted at every use)."""

UPLOAD_CODES = (
    "leeg", "te_groot", "binair", "kapot", "te_complex", "onbekend", "schema", "versie", "backup_als_concept",
)
"""Stable codes of :class:`UploadError` (the UI translates each)."""

KNOWN_CONTENT: dict[str, Callable[..., Any]] = {
    "draft": PartnerDraft.from_content,
    "shared_case": SharedCase.from_content,
}
"""Document kinds whose content is validated against its model on import; others need only be objects."""


class UploadError(ValueError):
    """An uploaded file that cannot be imported; nothing was stored.

    Attributes:
        code: one of :data:`UPLOAD_CODES`.
        problems: per-field problems (code ``schema``).
        syntax: ``"JSON"`` or ``"YAML"`` for code ``kapot``.
        line: 1-based line of a syntax error, if known.
        column: 1-based column of a syntax error, if known.
        found: the newer schema version found (code ``versie``).
    """

    def __init__(
        self, code: str, detail: str = "", *, problems: list[Problem] | None = None, syntax: str = "",
        line: int | None = None, column: int | None = None, found: object = None,
    ) -> None:
        super().__init__(detail or code)
        self.code = code
        self.problems = list(problems or [])
        self.syntax, self.line, self.column, self.found = syntax, line, column, found

    def messages(self, t: Translator, filename: str = "") -> list[str]:
        """Return one clear message per problem, in ``t``'s language (Dutch by default)."""
        name = filename or t("delen.fout.het_bestand")
        if self.code == "te_groot":
            return [t("delen.fout.te_groot", bestand=name, max=MAX_UPLOAD_BYTES // (1024 * 1024))]
        if self.code == "leeg":
            return [t("delen.fout.leeg", bestand=name)]
        if self.code == "binair":
            return [t("delen.fout.binair", bestand=name)]
        if self.code == "kapot":
            if self.line is not None:
                return [t("delen.fout.kapot_regel", bestand=name, soort=self.syntax, regel=self.line,
                          kolom=self.column or 1)]
            return [t("delen.fout.kapot", bestand=name, soort=self.syntax)]
        if self.code == "te_complex":
            return [t("delen.fout.te_complex", bestand=name)]
        if self.code == "versie":
            return [t("delen.fout.versie", bestand=name, versie=str(self.found))]
        if self.code == "backup_als_concept":
            return [t("delen.fout.backup_als_concept", bestand=name)]
        if self.code == "onbekend":
            return [t("delen.fout.onbekend", bestand=name)]
        lines = [t("delen.fout.schema", bestand=name, n=len(self.problems))]
        for p in self.problems[:20]:
            problem = t("fout.code." + p.code) if t.has("fout.code." + p.code) else t("fout.code.invalid")
            field = p.field if len(p.field) <= 80 else p.field[:77] + "…"  # keys come from the file
            lines.append(t("fout.bestand", bestand=name, veld=field or "—", probleem=problem))
        if len(self.problems) > 20:
            lines.append(t("delen.fout.meer", n=len(self.problems) - 20))
        return lines


# ------------------------------------------------------------------ schema
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
OptionalText = Annotated[str, StringConstraints(max_length=200)]
PartnerRef = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]


class BackupWorkspace(Record):
    """The workspace line of a backup."""

    id: str | None = None
    name: Name
    created_at: str | None = None


class BackupPartner(Record):
    """A partner in a backup (``id`` is the partner's id in the exporting workspace)."""

    id: PartnerRef
    name: Name
    organisation: OptionalText = ""
    role: OptionalText = ""
    created_at: str | None = None
    removed_at: str | None = None


class BackupRevision(Record):
    """One revision in a backup: number, parent, author, time, note and the content as saved."""

    number: Annotated[int, Field(ge=1)]
    parent: Annotated[int, Field(ge=0)]
    author: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    created_at: str | None = None
    note: Annotated[str, StringConstraints(max_length=500)] | None = None
    content: dict[str, Any]


class BackupDocument(Record):
    """A document in a backup: kind, owning partner, state, head and revisions (oldest first)."""

    kind: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,49}$")]
    partner: PartnerRef | None = None
    state: Annotated[str, StringConstraints(max_length=50)] = ""
    head: Annotated[int, Field(ge=0)] = 0
    withheld: bool = False
    revisions: list[BackupRevision] = Field(default_factory=list)


class Backup(Record):
    """A whole workspace as a file (see the module docstring)."""

    purposecase_backup: Literal[1]
    exported_at: str | None = None
    history: bool = True
    workspace: BackupWorkspace
    partners: list[BackupPartner] = Field(default_factory=list)
    documents: list[BackupDocument] = Field(default_factory=list)

    def problems(self) -> list[Problem]:
        """Return the problems a schema cannot see: references, numbering, contents, sizes."""
        out: list[Problem] = []
        ids = [p.id for p in self.partners]
        seen_ids: set[str] = set()
        for n, pid in enumerate(ids):
            if pid in seen_ids:
                out.append(Problem(f"partners.{n}.id", "duplicate", f"partner id {pid!r} appears twice"))
            seen_ids.add(pid)
        pairs: set[tuple[str, str | None]] = set()
        for d, doc in enumerate(self.documents):
            where = f"documents.{d}"
            if doc.partner is not None and doc.partner not in seen_ids:
                out.append(Problem(f"{where}.partner", "invalid", f"unknown partner {doc.partner!r}"))
            if (doc.kind, doc.partner) in pairs:
                out.append(Problem(where, "duplicate", f"second {doc.kind!r} document for partner {doc.partner!r}"))
            pairs.add((doc.kind, doc.partner))
            if doc.withheld and doc.revisions:
                out.append(Problem(f"{where}.revisions", "invalid", "a withheld document has no revisions"))
            numbers = [r.number for r in doc.revisions]
            if numbers:
                expected = list(range(numbers[0], numbers[0] + len(numbers)))
                if numbers != expected or (self.history and numbers[0] != 1):
                    out.append(Problem(f"{where}.revisions", "invalid", "revisions must be numbered 1, 2, 3 …"))
                if numbers[-1] != doc.head:
                    out.append(Problem(f"{where}.head", "invalid", "head must be the last revision's number"))
            for r, rev in enumerate(doc.revisions):
                rwhere = f"{where}.revisions.{r}.content"
                try:
                    size = len(json.dumps(rev.content, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
                except (TypeError, ValueError):
                    out.append(Problem(rwhere, "wrong_type", "content is not JSON"))
                    continue
                if size > MAX_CONTENT_BYTES:
                    detail = f"content is {size} bytes; the limit is {MAX_CONTENT_BYTES}"
                    out.append(Problem(rwhere, "too_long", detail))
                check = KNOWN_CONTENT.get(doc.kind)
                if check is not None:
                    try:
                        check(rev.content, source=rwhere)
                    except CaseFileError as exc:
                        out += [Problem(f"{rwhere}.{p.field}".rstrip("."), p.code, p.detail) for p in exc.problems]
        return out


# ---------------------------------------------------------- reading files
def _depth_ok(data: Any) -> bool:
    """Return whether parsed JSON data nests at most :data:`MAX_DEPTH` deep (iteratively)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return True


def load_yaml_limited(text: str) -> Any:
    """Parse YAML safely, refusing alias bombs and deep nesting before building any Python object.

    The node graph is composed first (safe loader, no Python tags); its expanded
    size (every alias counted at every use) and depth are measured without
    expanding it; only then are values constructed.

    Raises:
        UploadError: ``kapot`` (broken YAML, with line and column) or ``te_complex``.
    """
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_cls(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            raise UploadError(
                "kapot", str(exc), syntax="YAML", line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            ) from None
        except yaml.YAMLError as exc:
            raise UploadError("kapot", str(exc), syntax="YAML") from None
        if node is None:
            return None
        sizes: dict[int, int] = {}
        depths: dict[int, int] = {}
        # iterative post-order walk over the node DAG; a node met again while open is a cycle
        stack: list[tuple[Any, bool]] = [(node, False)]
        open_nodes: set[int] = set()
        while stack:
            current, done = stack.pop()
            key = id(current)
            if done:
                open_nodes.discard(key)
                children = _children(current)
                sizes[key] = 1 + sum(sizes[id(c)] for c in children)
                depths[key] = 1 + max((depths[id(c)] for c in children), default=0)
                if sizes[key] > MAX_NODES or depths[key] > MAX_DEPTH:
                    raise UploadError("te_complex", "the file expands to too many values or nests too deep")
                continue
            if key in sizes:
                continue
            if key in open_nodes:
                raise UploadError("te_complex", "the file refers to itself (recursive alias)")
            open_nodes.add(key)
            stack.append((current, True))
            stack.extend((c, False) for c in _children(current) if id(c) not in sizes)
        try:
            return loader.construct_document(node)
        except yaml.YAMLError as exc:
            raise UploadError("kapot", str(exc), syntax="YAML") from None
    finally:
        loader.dispose()


def _children(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def parse_text(data: bytes | bytearray | memoryview, filename: str = "") -> Any:
    """Decode and parse an uploaded file (JSON or YAML by extension, else by its first character).

    Raises:
        UploadError: ``te_groot``, ``leeg``, ``binair``, ``kapot`` or ``te_complex``.
    """
    raw = bytes(data)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise UploadError("te_groot", f"{len(raw)} bytes; the limit is {MAX_UPLOAD_BYTES}")
    if not raw.strip():
        raise UploadError("leeg", "the file is empty")
    if b"\x00" in raw[:65536]:
        raise UploadError("binair", "the file holds NUL bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError("binair", "the file is not UTF-8 text") from None
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    as_json = suffix == "json" or (suffix not in ("yaml", "yml") and text.lstrip()[:1] in ("{", "["))
    if as_json:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UploadError("kapot", exc.msg, syntax="JSON", line=exc.lineno, column=exc.colno) from None
        except RecursionError:
            raise UploadError("te_complex", "the file nests too deep") from None
        if not _depth_ok(parsed):
            raise UploadError("te_complex", "the file nests too deep")
        return parsed
    return load_yaml_limited(text)


@dataclass(frozen=True)
class Upload:
    """A validated uploaded file.

    Attributes:
        kind: ``"case"`` (a case file), ``"draft"`` (a partner draft) or ``"backup"`` (a workspace).
        filename: the uploaded file's name.
        case: the case (kind ``case``).
        draft: the draft (kind ``draft``).
        backup: the workspace backup (kind ``backup``).
    """

    kind: Literal["case", "draft", "backup"]
    filename: str
    case: PurposeCase | None = None
    draft: PartnerDraft | None = None
    backup: Backup | None = None

    def pieces(self) -> dict[str, list]:
        """Return the eleven pieces' items (case or draft).

        Raises:
            UploadError: ``backup_als_concept`` for a backup (it holds a whole workspace).
        """
        if self.case is not None:
            return dict(self.case.pieces)
        if self.draft is not None:
            return dict(self.draft.pieces)
        raise UploadError("backup_als_concept", "a workspace backup is not a single case")

    def as_draft(self) -> PartnerDraft:
        """Return the file's items as a partner draft (partner labels and kinds kept)."""
        return PartnerDraft(pieces=self.pieces())

    def as_shared_case(self) -> SharedCase:
        """Return the file's items as a shared case (new item ids, no origin)."""
        return shared_case_from(self.pieces())

    def title(self) -> str:
        """Return the name the file suggests for a new workspace."""
        if self.case is not None:
            return self.case.title
        if self.backup is not None:
            return self.backup.workspace.name
        stem = self.filename.rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
        return stem[:200] or "Purpose Case"

    def describe(self, t: Translator) -> str:
        """Return one line saying what the file holds, e.g. "een werkruimte met 3 partners en 7 documenten"."""
        if self.backup is not None:
            return t(
                "delen.inhoud.backup", naam=self.backup.workspace.name, partners=len(self.backup.partners),
                documenten=len(self.backup.documents),
            )
        items = sum(len(v) for v in self.pieces().values())
        if self.case is not None:
            return t("delen.inhoud.case", titel=self.case.title, n=items)
        return t("delen.inhoud.concept", n=items)


def read_upload(data: bytes | bytearray | memoryview, filename: str = "") -> Upload:
    """Read, recognise and validate an uploaded file completely (nothing is stored).

    Recognised: a backup (``purposecase_backup`` key), a case file (``pieces``
    with ``title`` or ``slug``, the schema of ``data/cases``) or a partner draft
    (``pieces`` without a title, as stored in a ``draft`` document).

    Raises:
        UploadError: with one of :data:`UPLOAD_CODES`; for ``schema`` every problem is listed.
    """
    parsed = parse_text(data, filename)
    source = filename or "upload"
    if not isinstance(parsed, dict):
        raise UploadError("onbekend", f"expected a mapping at the top level, got {type(parsed).__name__}")
    if "purposecase_backup" in parsed:
        version = parsed["purposecase_backup"]
        if isinstance(version, int) and not isinstance(version, bool) and version > BACKUP_VERSION:
            raise UploadError("versie", f"backup version {version}", found=version)
        try:
            backup = Backup.model_validate(parsed)
        except ValidationError as exc:
            raise UploadError("schema", problems=CaseFileError.from_validation(source, exc).problems) from None
        problems = backup.problems()
        if problems:
            raise UploadError("schema", problems=problems)
        return Upload("backup", filename, backup=backup)
    if "pieces" not in parsed:
        raise UploadError("onbekend", "neither a case, a draft nor a workspace backup")
    try:
        if "title" in parsed or "slug" in parsed:
            return Upload("case", filename, case=PurposeCase.from_dict(parsed, source=source))
        return Upload("draft", filename, draft=PartnerDraft.from_content(parsed, source=source))
    except CaseFileError as exc:
        raise UploadError("schema", problems=exc.problems) from None


def shared_case_from(pieces: dict[str, list]) -> SharedCase:
    """Return a shared case holding ``pieces``' items (new ids, no origin; partner labels and kinds kept)."""
    out = {
        key: [
            SharedItem(id=secrets.token_urlsafe(6), text=i.text, partner=i.partner, kind=i.kind)
            for i in pieces.get(key, [])
        ]
        for key in PIECE_KEYS
    }
    return SharedCase(pieces=out)


# ----------------------------------------------------------------- backup
def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def backup_workspace(
    store: Store, workspace_id: str, *, history: bool = True, readable: Callable[[Document], bool] | None = None
) -> dict[str, Any]:
    """Return a workspace as a backup dict (JSON types only; see the module docstring).

    Args:
        store: the store.
        workspace_id: the workspace.
        history: every revision (``True``) or only each document's latest.
        readable: which documents' revisions may be included; the others are
            listed with their state and ``withheld: true``. Default: all (a
            full backup, for whoever has the database itself).

    Raises:
        NotFound: for an unknown workspace.
    """
    workspace = store.workspace(workspace_id)
    partners: list[Partner] = store.list_partners(workspace_id, include_removed=True)
    documents = []
    for doc in store.documents(workspace_id):
        entry: dict[str, Any] = {
            "kind": doc.kind, "partner": doc.partner_id, "state": doc.state, "head": doc.head, "withheld": False,
        }
        if readable is not None and not readable(doc):
            entry.update(withheld=True, head=0, revisions=[])
            documents.append(entry)
            continue
        numbers = range(1, doc.head + 1) if history else ([doc.head] if doc.head else [])
        revisions = []
        for number in numbers:
            rev = store.revision(doc.id, number)
            revisions.append(
                {
                    "number": rev.number, "parent": rev.parent, "author": rev.author,
                    "created_at": _iso(rev.created_at), "note": rev.note, "content": rev.content,
                }
            )
        entry["revisions"] = revisions
        documents.append(entry)
    return {
        "purposecase_backup": BACKUP_VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "history": history,
        "workspace": {"id": workspace.id, "name": workspace.name, "created_at": _iso(workspace.created_at)},
        "partners": [
            {
                "id": p.id, "name": p.name, "organisation": p.organisation, "role": p.role,
                "created_at": _iso(p.created_at), "removed_at": _iso(p.removed_at),
            }
            for p in partners
        ],
        "documents": documents,
    }


def backup_bytes(backup: dict[str, Any], fmt: str) -> bytes:
    """Return a backup dict as a ``"json"`` or ``"yaml"`` file (UTF-8).

    Raises:
        ValueError: for another format.
    """
    from .export.text import json_dump, yaml_dump

    if fmt == "json":
        return json_dump(backup).encode("utf-8")
    if fmt in ("yaml", "yml"):
        return yaml_dump(backup).encode("utf-8")
    raise ValueError(f"a backup is JSON or YAML, not {fmt!r}")


def remap_ids(value: Any, mapping: dict[str, str]) -> Any:
    """Return ``value`` with every string exactly equal to a key of ``mapping`` replaced (values and keys)."""
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, list):
        return [remap_ids(v, mapping) for v in value]
    if isinstance(value, dict):
        return {mapping.get(k, k): remap_ids(v, mapping) for k, v in value.items()}
    return value


@dataclass
class Restored:
    """A workspace made by an import, with its new secret links (shown once).

    Attributes:
        session: the trekker's session of the new workspace.
        trekker_token: the new trekker link's token.
        partner_tokens: ``(partner, token)`` for every active partner, in order.
        id_map: old partner id → new partner id.
    """

    session: WorkspaceSession
    trekker_token: str
    partner_tokens: list[tuple[Partner, str]] = field(default_factory=list)
    id_map: dict[str, str] = field(default_factory=dict)


def restore_workspace(
    backup: Backup | dict[str, Any], *, store: Store | None = None, name: str | None = None
) -> Restored:
    """Create a NEW workspace from a backup: same partners, documents, states, revisions.

    Args:
        backup: a validated :class:`Backup` (from :func:`read_upload`) or a backup dict.
        store: the store (default :func:`purposecase.store.open_store`).
        name: a name for the new workspace (default: the backup's).

    Returns:
        The new workspace's trekker session and its new links.

    Raises:
        UploadError: (code ``schema``) for a dict that does not validate.
        InvalidInput: for a ``name`` longer than 200 characters (never cut).
        StoreUnavailable: if the database cannot be reached.
    """
    from .workspace import WorkspaceSession

    if not isinstance(backup, Backup):
        try:
            backup = Backup.model_validate(backup)
        except ValidationError as exc:
            raise UploadError("schema", problems=CaseFileError.from_validation("backup", exc).problems) from None
        problems = backup.problems()
        if problems:
            raise UploadError("schema", problems=problems)
    store = store or open_store()
    # a name the user typed is never cut: the store refuses one that is too long (InvalidInput)
    workspace, token = store.create_workspace(name.strip() if name and name.strip() else backup.workspace.name)
    id_map: dict[str, str] = {}
    new_partners: list[tuple[Partner, str, bool]] = []
    for p in backup.partners:
        partner, ptoken = store.add_partner(workspace.id, p.name, p.organisation, p.role)
        id_map[p.id] = partner.id
        new_partners.append((partner, ptoken, p.removed_at is not None))
    for doc in backup.documents:
        new_doc = store.document(workspace.id, doc.kind, id_map[doc.partner] if doc.partner else None)
        base = 0
        for rev in doc.revisions:
            saved = store.save(
                new_doc.id, remap_ids(rev.content, id_map), base=base, author=id_map.get(rev.author, rev.author),
                note=rev.note,
            )
            base = saved.number
        if new_doc.state != doc.state:
            store.set_state(new_doc.id, doc.state)
    for partner, _, removed in new_partners:
        if removed:
            store.remove_partner(workspace.id, partner.id)
    session = WorkspaceSession(store, store.resolve(token))
    return Restored(session, token, [(p, t) for p, t, removed in new_partners if not removed], id_map)


def import_as_new_workspace(upload: Upload, *, store: Store | None = None, name: str | None = None) -> Restored:
    """Create a NEW workspace from an upload: a backup is restored; a case or draft becomes its shared case.

    Raises:
        StoreUnavailable: if the database cannot be reached.
        InvalidInput: for an unusable workspace name.
    """
    if upload.backup is not None:
        return restore_workspace(upload.backup, store=store, name=name)
    from .workspace import WorkspaceSession

    store = store or open_store()
    workspace, token = store.create_workspace(name.strip() if name and name.strip() else upload.title())
    session = WorkspaceSession(store, store.resolve(token))
    session.import_as_shared_case(upload.as_shared_case(), note=import_note(upload.filename))
    return Restored(session, token)


def import_note(filename: str) -> str:
    """Return the revision note of an import, e.g. ``"geïmporteerd uit case.yaml"`` (≤ 500 characters)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1][:200] or "bestand"
    return f"geïmporteerd uit {name}"
