"""Workspace backup → restore round trip, uploads (good and bad), limits and who may do what."""

from __future__ import annotations

import json

import pytest
import yaml
from sqlalchemy import text

from purposecase.backup import (
    BACKUP_VERSION,
    MAX_UPLOAD_BYTES,
    UPLOAD_CODES,
    UploadError,
    backup_bytes,
    backup_workspace,
    import_as_new_workspace,
    read_upload,
    remap_ids,
    restore_workspace,
)
from purposecase.examples import list_cases, load_case
from purposecase.export.parts import workspace_bundle
from purposecase.messages import Translator
from purposecase.model import Item, PartnerDraft, SharedCase, SharedItem
from purposecase.pieces import PIECE_KEYS
from purposecase.store import hash_token, open_store
from purposecase.workspace import Forbidden, create_workspace, open_workspace

NL = Translator("nl")


def draft(**pieces) -> PartnerDraft:
    data = {k: [] for k in PIECE_KEYS}
    data.update({k: [Item(text=v) for v in vs] for k, vs in pieces.items()})
    return PartnerDraft(pieces=data)


@pytest.fixture()
def store(tmp_path):
    return open_store(f"sqlite:///{tmp_path / 'w.sqlite3'}")


@pytest.fixture()
def workspace(store):
    """A workspace with history: three partners (one removed), shared and private drafts, a shared case."""
    trekker, ttoken = create_workspace("Techniekpact Westfriesland ĳ", inspiration="civ-water", store=store)
    ans, atoken = trekker.add_partner("Ans de Vries", "ROC Noord", "onderwijs")
    bas, btoken = trekker.add_partner("Bas", "Bouwbedrijf")
    cem, ctoken = trekker.add_partner("Cem", "Gemeente", "beleid")
    a = open_workspace(atoken, store=store)
    a.save_my_draft(draft(intenties=["Stageplekken"], inbreng=["Twee docenten"]), base=0)
    a.save_my_draft(draft(intenties=["Stageplekken vullen"], inbreng=["Twee docenten"]), base=1, note="tweede")
    a.restore_my_draft(1, base=2)
    a.set_my_draft_shared(True)
    b = open_workspace(btoken, store=store)
    b.save_my_draft(draft(intenties=["Bas zijn geheime intentie"]), base=0)  # stays private
    c = open_workspace(ctoken, store=store)
    c.save_my_draft(draft(intenties=["Beleid"], inbreng=["Geld"]), base=0)
    c.set_my_draft_shared(True)
    shared = SharedCase(
        pieces={
            **{k: [] for k in PIECE_KEYS},
            "intenties": [
                SharedItem(id="i1", text="Stageplekken vullen", origin=[ans.id, cem.id], origin_names=["Ans", "Cem"])
            ],
        },
        agreed={"intenties": True},
    )
    trekker.import_as_shared_case(shared, note="eerste versie")
    trekker.remove_partner(cem.id)
    return store, trekker, ttoken, {"ans": (ans, atoken), "bas": (bas, btoken), "cem": (cem, ctoken)}


def comparable(backup: dict, id_map: dict[str, str] | None = None) -> dict:
    """What must survive a round trip: partners, documents, states, revision contents, authors, notes (not times)."""
    m = id_map or {}
    return {
        "name": backup["workspace"]["name"],
        "partners": [
            (m.get(p["id"], p["id"]), p["name"], p["organisation"], p["role"], p["removed_at"] is None)
            for p in backup["partners"]
        ],
        "documents": sorted(
            (
                d["kind"], m.get(d["partner"], d["partner"]), d["state"], d["head"], d.get("withheld", False),
                [(r["number"], r["parent"], m.get(r["author"], r["author"]), r["note"], remap_ids(r["content"], m))
                 for r in d["revisions"]],
            )
            for d in backup["documents"]
        ),
    }


def row_counts(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608 - fixed table names
            for t in ("workspaces", "partners", "tokens", "documents", "revisions")
        }


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_backup_round_trip_is_identical(workspace, fmt):
    store, trekker, _, people = workspace
    original = backup_workspace(trekker, include_private=True)  # full: the database holder's backup
    data = backup_bytes(original, fmt)
    upload = read_upload(data, f"backup.{fmt}")
    assert upload.kind == "backup"
    assert upload.backup.model_dump(mode="json") == original  # the file reads back exactly
    restored = restore_workspace(upload.backup, store=store)
    assert restored.session.workspace_id != trekker.workspace_id
    assert set(restored.id_map) == {p.id for p, _ in people.values()}
    assert set(restored.id_map.values()).isdisjoint(restored.id_map)  # new ids
    copy = backup_workspace(restored.session, include_private=True)
    assert comparable(original, restored.id_map) == comparable(copy)
    # partner ids inside contents follow the partners (origin of the shared item)
    shared = next(d for d in copy["documents"] if d["kind"] == "shared_case")["revisions"][-1]["content"]
    assert shared["pieces"]["intenties"][0]["origin"] == [restored.id_map[people["ans"][0].id],
                                                          restored.id_map[people["cem"][0].id]]
    # new links: a trekker link and one per active partner; the removed partner has none
    assert [p.name for p, _ in restored.partner_tokens] == ["Ans de Vries", "Bas"]
    session = open_workspace(restored.partner_tokens[0][1], store=store)
    assert session.me().name == "Ans de Vries" and session.my_draft().base == 3


def test_backup_holds_no_secret(workspace):
    store, trekker, ttoken, people = workspace
    dumped = json.dumps(backup_workspace(trekker, include_private=True))
    for token in [ttoken] + [t for _, t in people.values()]:
        assert token not in dumped and hash_token(token) not in dumped
    assert "sleutel" not in dumped and "token" not in dumped


def test_backup_without_history_keeps_the_latest_revision(workspace):
    store, trekker, _, _ = workspace
    light = backup_workspace(trekker, include_private=True, history=False)
    assert all(len(d["revisions"]) <= 1 for d in light["documents"])
    restored = restore_workspace(read_upload(backup_bytes(light, "json"), "b.json").backup, store=store)
    copy = backup_workspace(restored.session, include_private=True)
    heads = {
        (d["kind"], d["state"]): remap_ids(d["revisions"][-1]["content"], restored.id_map)
        for d in light["documents"]
        if d["revisions"]
    }
    got = {(d["kind"], d["state"]): d["revisions"][-1]["content"] for d in copy["documents"] if d["revisions"]}
    assert heads == got


def test_trekker_backup_withholds_private_drafts(workspace):
    store, trekker, _, people = workspace
    backup = trekker.backup()
    bas = next(d for d in backup["documents"] if d["partner"] == people["bas"][0].id)
    assert bas["withheld"] is True and bas["revisions"] == [] and bas["state"] == "prive"
    assert "geheime intentie" not in json.dumps(backup)
    ans = next(d for d in backup["documents"] if d["partner"] == people["ans"][0].id)
    assert len(ans["revisions"]) == 3  # shared: whole history
    restored = restore_workspace(read_upload(backup_bytes(backup, "yaml"), "b.yaml").backup, store=store)
    copy = backup_workspace(restored.session, include_private=True)
    assert comparable(backup, restored.id_map) == comparable({**copy, "documents": [
        {**d, "withheld": True} if d["kind"] == "draft" and d["state"] == "prive" and not d["revisions"] else d
        for d in copy["documents"]
    ]})


def test_roles_for_backup_and_import(workspace):
    store, trekker, _, people = workspace
    viewer = open_workspace(trekker.new_viewer_link(), store=store)
    ans = open_workspace(people["ans"][1], store=store)
    assert viewer.backup()["workspace"]["name"] == trekker.workspace().name
    with pytest.raises(Forbidden):
        ans.backup()
    new = draft(impact=["Uit een bestand"])
    for session in (viewer, trekker):
        with pytest.raises(Forbidden):
            session.import_as_my_draft(new)
    for session in (viewer, ans):
        with pytest.raises(Forbidden):
            session.import_as_shared_case(SharedCase())
    before = ans.my_draft().base
    rev = ans.import_as_my_draft(new, note="geïmporteerd uit x.yaml")
    assert rev.number == before + 1 and ans.my_draft().draft == new
    assert ans.history(ans.my_draft().document)[0].note == "geïmporteerd uit x.yaml"


def test_export_bundles_follow_the_roles(workspace):
    store, trekker, _, people = workspace
    viewer = open_workspace(trekker.new_viewer_link(), store=store)
    ans = open_workspace(people["ans"][1], store=store)
    bas_id = people["bas"][0].id
    bundle = workspace_bundle(trekker, "shared")
    assert [i.text for i in bundle.case.items("intenties")] == ["Stageplekken vullen"]
    assert [d.partner.name for d in bundle.drafts] == ["Ans de Vries"]  # Bas is private, Cem removed
    assert [p.name for p in bundle.partners] == ["Ans de Vries", "Bas"]
    assert workspace_bundle(viewer, "draft", partner_id=people["ans"][0].id).label == "Concept van Ans de Vries"
    for session in (trekker, viewer):
        with pytest.raises(Forbidden):
            workspace_bundle(session, "draft", partner_id=bas_id)
    own = workspace_bundle(ans, "draft")
    assert own.case.items("intenties")[0].text == "Stageplekken"
    with pytest.raises(Forbidden):
        workspace_bundle(ans, "draft", partner_id=bas_id)
    assert [d.partner.name for d in workspace_bundle(ans, "shared").drafts] == ["Ans de Vries"]
    with pytest.raises(ValueError):
        workspace_bundle(trekker, "alles")


def test_viewer_export_creates_nothing(store):
    trekker, _ = create_workspace("Leeg", store=store)
    viewer = open_workspace(trekker.new_viewer_link(), store=store)
    before = row_counts(store)
    bundle = workspace_bundle(viewer, "shared")
    assert bundle.case.all_items() == []
    assert row_counts(store) == before


# ------------------------------------------------------------------ uploads
@pytest.mark.parametrize("case", list_cases(), ids=lambda c: c.slug)
def test_case_files_import_into_a_new_workspace(store, case):
    upload = read_upload(case.to_yaml().encode(), f"{case.slug}.yaml")
    assert upload.kind == "case" and upload.case == case
    restored = import_as_new_workspace(upload, store=store)
    assert restored.session.workspace().name == case.title
    shared = workspace_bundle(restored.session, "shared").case
    assert [(k, i.text, i.partner, i.kind) for k, i in shared.all_items()] == [
        (k, i.text, i.partner, i.kind) for k, i in case.all_items()
    ]


def test_a_draft_file_is_recognised():
    d = draft(impact=["Samen sterk"])
    upload = read_upload(json.dumps(d.to_content()).encode(), "concept.json")
    assert upload.kind == "draft" and upload.as_draft() == d
    assert "1 items" in upload.describe(NL)


BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdef", "bcdefg", strict=True))
)
GOOD = load_case("civ-water").to_json().encode()


@pytest.mark.parametrize(
    "name,data,code,words",
    [
        ("leeg.json", b"", "leeg", "is leeg"),
        ("spaties.yaml", b"  \n\t\n", "leeg", "is leeg"),
        ("groot.json", b"{" + b" " * MAX_UPLOAD_BYTES + b"}", "te_groot", "te groot"),
        ("foto.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binair", "geen tekstbestand"),
        ("latin1.yaml", "titel: Continuïteit".encode("latin-1"), "binair", "geen tekstbestand"),
        ("kapot.json", GOOD[:-20], "kapot", "geen geldige JSON: er zit een fout op regel"),
        ("kapot.yaml", b"title: [open\nslug: x\n", "kapot", "geen geldige YAML"),
        ("bom.yaml", BOMB.encode(), "te_complex", "te ingewikkeld"),
        ("diep.json", b"[" * 3000 + b"]" * 3000, "te_complex", "te ingewikkeld"),
        ("zelf.yaml", b"a: &a [*a]\n", "te_complex", "te ingewikkeld"),
        ("lijst.json", b"[1, 2, 3]", "onbekend", "geen Purpose Case"),
        ("iets.yaml", b"naam: iets anders\n", "onbekend", "geen Purpose Case"),
        ("schema.json", b'{"title": "X", "slug": "x", "pieces": {"impact": [{"tekst": "a"}]}}', "schema",
         "past niet in het formaat"),
        ("versie.json", b'{"purposecase_backup": 7, "workspace": {"name": "X"}}', "versie", "nieuwere versie"),
        ("backup-schema.json", b'{"purposecase_backup": 1, "workspace": {}, "partners": [{"id": "a"}]}', "schema",
         "veld workspace.name"),
    ],
)
def test_each_bad_upload_has_its_own_message_and_nothing_changes(store, name, data, code, words):
    before = row_counts(store)
    with pytest.raises(UploadError) as info:
        upload = read_upload(data, name)
        import_as_new_workspace(upload, store=store)
    assert info.value.code == code and code in UPLOAD_CODES
    lines = info.value.messages(NL, name)
    assert name in lines[0] and words in " ".join(lines)
    assert row_counts(store) == before


def test_schema_problems_are_listed_one_per_field():
    bad = json.loads(GOOD)
    bad["pieces"]["impact"] = [{"text": ""}]
    bad["pieces"]["opbrengsten"] = [{"text": "x", "kind": "gratis"}]
    bad["onbekend"] = 1
    with pytest.raises(UploadError) as info:
        read_upload(json.dumps(bad).encode(), "x.json")
    lines = info.value.messages(NL, "x.json")
    assert len(lines) == 4  # the heading and three problems
    assert any("veld onbekend: onbekend veld" in line for line in lines)
    assert any("pieces.impact.0.text" in line and "leeg" in line for line in lines)


def test_backup_consistency_problems(workspace):
    store, trekker, _, _ = workspace
    backup = backup_workspace(trekker, include_private=True)
    broken = json.loads(json.dumps(backup))
    broken["documents"][1]["partner"] = "onbekend"
    broken["documents"][1]["revisions"][0]["number"] = 5
    draft_doc = next(d for d in broken["documents"] if d["kind"] == "draft" and d["revisions"])
    draft_doc["revisions"][-1]["content"]["pieces"]["impact"] = [{"text": "x" * 5000}]
    before = row_counts(store)
    with pytest.raises(UploadError) as info:
        read_upload(json.dumps(broken).encode(), "b.json")
    codes = {p.code for p in info.value.problems}
    assert {"invalid", "too_long"} <= codes
    assert row_counts(store) == before


def test_a_backup_cannot_become_a_draft(workspace):
    store, trekker, _, people = workspace
    upload = read_upload(backup_bytes(trekker.backup(), "json"), "b.json")
    with pytest.raises(UploadError) as info:
        upload.as_draft()
    assert "alleen als nieuwe werkruimte" in info.value.messages(NL)[0]


def test_upload_limit_stays_under_the_websocket_limit():
    from purposecase.cli import WEBSOCKET_MAX_BYTES

    # the websocket message carries the file plus a little JSON around it
    assert MAX_UPLOAD_BYTES + 64 * 1024 < WEBSOCKET_MAX_BYTES
    assert BACKUP_VERSION == 1


def test_yaml_is_read_safely():
    with pytest.raises(UploadError):
        read_upload(b"!!python/object/apply:os.system ['echo hi']\n", "x.yaml")
    assert yaml.safe_load(backup_bytes({"a": "2026-11-30", "b": "yes"}, "yaml")) == {"a": "2026-11-30", "b": "yes"}


def test_a_typed_workspace_name_is_never_cut(workspace):
    from purposecase.store import InvalidInput

    store, trekker, _, _ = workspace

    from sqlalchemy import text

    def count():
        with store.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM workspaces")).scalar()

    upload = read_upload(json.dumps(trekker.backup()).encode(), "back-up.json")
    before = count()
    with pytest.raises(InvalidInput):
        import_as_new_workspace(upload, store=store, name="x" * 201)
    case_upload = read_upload(list_cases()[0].to_yaml().encode(), "case.yaml")
    with pytest.raises(InvalidInput):
        import_as_new_workspace(case_upload, store=store, name="y" * 201)
    assert count() == before  # nothing created
    restored = import_as_new_workspace(upload, store=store, name="  " + "z" * 200 + " ")
    assert restored.session.workspace().name == "z" * 200
