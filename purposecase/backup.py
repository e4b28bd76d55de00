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

**Validation**: every document's kind must be registered
(:data:`purposecase.workspace.REGISTRY`) and every revision's content must fit
that kind's record; a file may hold at most :data:`MAX_PARTNERS` partners,
:data:`MAX_DOCUMENTS` documents and :data:`MAX_REVISIONS` revisions. A problem
names the document (its number and kind), the revision and the field.

**Restore** (:func:`restore_workspace`) creates a NEW workspace with new ids
and new secret links, in one store transaction (all or nothing): the same
partners (removed ones removed again), the same documents with the same states
and, revision by revision, the same contents, authors, notes and times. Partner
ids inside contents and authors are mapped to the new ids (an exact string equal
to an old partner id becomes the new id, in values and keys); the new
workspace's creation time is the moment of the import.

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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError

from .model import CaseFileError, PartnerDraft, Problem, PurposeCase, Record, SharedCase, SharedItem
from .pieces import PIECE_KEYS
from .workspace import MAX_CONTENT_BYTES, REGISTRY, Restored
from .workspace.transfer import BACKUP_VERSION, create_from_backup, dump_workspace

if TYPE_CHECKING:  # pragma: no cover
    from .messages import Translator
    from .workspace import Store, WorkspaceSession

__all__ = [
    "BACKUP_VERSION", "MAX_DOCUMENTS", "MAX_PARTNERS", "MAX_REVISIONS", "MAX_UPLOAD_BYTES", "Backup", "Restored",
    "Upload", "UploadError", "backup_bytes", "backup_workspace", "import_as_new_workspace", "import_note",
    "read_upload", "remap_ids", "restore_workspace", "shared_case_from",
]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""Largest file accepted for import: 10 MiB. ``purposecase.cli.WEBSOCKET_MAX_BYTES`` (Voilà's
websocket limit) must stay above it, with room for the message around the file (DESIGN.md §5)."""

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings accepted in an uploaded file."""

MAX_NODES = 2_000_000
"""Most values an uploaded file may expand to (YAML aliases counted at every use)."""

MAX_PARTNERS = 200
"""Most partners a backup may hold (a collaboration of the publication has a handful)."""

MAX_DOCUMENTS = 2_000
"""Most documents a backup may hold (per partner a draft and three reaction documents, plus four)."""

MAX_REVISIONS = 50_000
"""Most revisions a backup may hold, all documents together (autosave makes many)."""

UPLOAD_CODES = (
    "leeg", "te_groot", "binair", "kapot", "te_complex", "onbekend", "schema", "versie", "backup_als_concept",
    "te_veel",
)
"""Stable codes of :class:`UploadError` (the UI translates each)."""


class UploadError(ValueError):
    """An uploaded file that cannot be imported; nothing was stored.

    Attributes:
        code: one of :data:`UPLOAD_CODES`.
        problems: per-field problems (code ``schema``).
        syntax: ``"JSON"`` or ``"YAML"`` for code ``kapot``.
        line: 1-based line of a syntax error, if known.
        column: 1-based column of a syntax error, if known.
        found: the newer schema version found (code ``versie``), or for ``te_veel``
            ``(what, count, limit)`` with what ``"partners"``, ``"documenten"`` or ``"revisies"``.
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
        if self.code == "te_veel":
            what, count, limit = self.found  # type: ignore[misc]
            words = {
                "partners": t("delen.fout.te_veel.partners"), "documenten": t("delen.fout.te_veel.documenten"),
                "revisies": t("delen.fout.te_veel.revisies"),
            }
            return [t("delen.fout.te_veel", bestand=name, wat=words[what], n=count, max=limit)]
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
    soort: Literal["partner", "zonder_link", "trekker"] = "partner"


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
            kind = REGISTRY.get(doc.kind)
            if kind is None:
                out.append(Problem(f"{where}.kind", "invalid", f"unknown document kind {doc.kind!r}"))
                continue
            if kind.per_partner != (doc.partner is not None):
                owner = "belongs to a partner" if kind.per_partner else "has no partner"
                detail = f"a {doc.kind!r} document {owner}"
                out.append(Problem(f"{where}.partner", "invalid", detail))
            for r, rev in enumerate(doc.revisions):
                rwhere = f"{where} ({doc.kind}).revisions.{r}.content"
                try:
                    size = len(
                        json.dumps(rev.content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
                    )
                except (TypeError, ValueError):
                    out.append(Problem(rwhere, "wrong_type", "content is not JSON (NaN and infinity are not)"))
                    continue
                if size > MAX_CONTENT_BYTES:
                    detail = f"content is {size} bytes; the limit is {MAX_CONTENT_BYTES}"
                    out.append(Problem(rwhere, "too_long", detail))
                    continue
                for p in kind.problems(rev.content, source=rwhere):
                    out.append(Problem(f"{rwhere}.{p.field}".rstrip("."), p.code, p.detail))
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
        return Upload("backup", filename, backup=validate_backup(parsed, source))
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
def _check_counts(data: dict[str, Any]) -> None:
    """Refuse a backup with more partners, documents or revisions than the limits, before validating it."""
    partners = data.get("partners")
    documents = data.get("documents")
    counts = {
        "partners": (len(partners) if isinstance(partners, list) else 0, MAX_PARTNERS),
        "documenten": (len(documents) if isinstance(documents, list) else 0, MAX_DOCUMENTS),
        "revisies": (
            sum(len(d.get("revisions") or []) for d in documents if isinstance(d, dict))
            if isinstance(documents, list) else 0,
            MAX_REVISIONS,
        ),
    }
    for what, (count, limit) in counts.items():
        if count > limit:
            raise UploadError("te_veel", f"{count} {what}; the limit is {limit}", found=(what, count, limit))


def validate_backup(data: Any, source: str = "backup") -> Backup:
    """Return a backup dict validated completely: schema, limits, references and every document's content.

    Raises:
        UploadError: ``te_veel`` (over a limit) or ``schema`` (every problem listed).
    """
    if isinstance(data, dict):
        _check_counts(data)
    try:
        backup = Backup.model_validate(data)
    except ValidationError as exc:
        raise UploadError("schema", problems=CaseFileError.from_validation(source, exc).problems) from None
    problems = backup.problems()
    if problems:
        raise UploadError("schema", problems=problems)
    return backup


def backup_workspace(
    session: WorkspaceSession, *, history: bool = True, include_private: bool = False
) -> dict[str, Any]:
    """Return a workspace as a backup dict (JSON types only; see the module docstring).

    Args:
        session: the session whose link decides what is included (trekker or viewer).
        history: every revision (``True``) or only each document's latest.
        include_private: private drafts with their content too (the trekker's link on the
            machine with the database: ``purposecase export --include-private``).

    Raises:
        Forbidden: for a partner, or ``include_private`` without the trekker's link.
    """
    from .workspace import Forbidden

    if include_private:
        session.require("trekker")
        return dump_workspace(session, history=history, include_private=True)
    if session.role not in ("trekker", "viewer"):
        raise Forbidden("a partner's link cannot make a backup of the whole workspace")
    return session.backup(history=history)


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
    if not isinstance(backup, Backup):
        backup = validate_backup(backup)
    # a name the user typed is never cut: the store refuses one that is too long (InvalidInput)
    return create_from_backup(
        name.strip() if name and name.strip() else backup.workspace.name, backup.partners, backup.documents,
        remap_ids, store=store,
    )


def import_as_new_workspace(upload: Upload, *, store: Store | None = None, name: str | None = None) -> Restored:
    """Create a NEW workspace from an upload: a backup is restored; a case or draft becomes its shared case.

    Raises:
        StoreUnavailable: if the database cannot be reached.
        InvalidInput: for an unusable workspace name.
    """
    if upload.backup is not None:
        return restore_workspace(upload.backup, store=store, name=name)
    from .workspace import create_workspace

    session, token = create_workspace(name.strip() if name and name.strip() else upload.title(), store=store)
    session.import_as_shared_case(upload.as_shared_case(), note=import_note(upload.filename))
    return Restored(session, token)


def import_note(filename: str) -> str:
    """Return the revision note of an import, e.g. ``"geïmporteerd uit case.yaml"`` (≤ 500 characters)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1][:200] or "bestand"
    return f"geïmporteerd uit {name}"
