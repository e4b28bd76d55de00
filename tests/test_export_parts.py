"""The later steps in a workspace export: Impact Roadmap tables and the step-3/step-5 figures."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from purposecase.export import export_bytes
from purposecase.export.parts import workspace_bundle
from purposecase.model import Item, PartnerDraft, SharedCase, SharedItem
from purposecase.pieces import PIECE_KEYS
from purposecase.roadmap import Belemmering, ImpactRoadmap, Inzet, RoadmapStep, save_roadmap
from purposecase.store import open_store
from purposecase.workspace import create_workspace, open_workspace


@pytest.fixture()
def workspace(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    trekker, _ = create_workspace("Zorgpact Zeeland", store=store)
    ans, atoken = trekker.add_partner("Ans", "Zorginstelling")
    bas, _ = trekker.add_partner("Bas", "Hogeschool")
    a = open_workspace(atoken, store=store)
    a.save_my_draft(
        PartnerDraft(pieces={**{k: [] for k in PIECE_KEYS}, "intenties": [Item(text="Personeel behouden")],
                             "inbreng": [Item(text="Twee praktijkopleiders")]}),
        base=0,
    )
    a.set_my_draft_shared(True)
    trekker.import_as_shared_case(
        SharedCase(pieces={
            **{k: [] for k in PIECE_KEYS},
            "inbreng": [SharedItem(id="i1", text="Twee praktijkopleiders", origin=[ans.id], origin_names=["Ans"])],
            "opbrengsten": [SharedItem(id="o1", text="Minder uitval", voor=[ans.id, bas.id])],
        })
    )
    return store, trekker, ans, bas


def roadmap(ans, bas, with_period=True) -> ImpactRoadmap:
    return ImpactRoadmap(
        steps=[
            RoadmapStep(
                id="s1", wat="Leerwerkplekken inrichten", skills="Praktijkbegeleiding", eigenaren=[ans.id],
                middelen="Subsidie RIF", inzet=[Inzet(partner=ans.id, uren=120, euro=5000)],
                belemmeringen=[Belemmering(belemmering="Te weinig begeleiders", oplossing="Samen opleiden")],
                opbrengst="Tien leerwerkplekken", start="2027-01" if with_period else None,
                eind="2027-06" if with_period else None,
            ),
            RoadmapStep(id="s2", wat="Onderzoek naar uitval", eigenaren=[bas.id], opbrengst="Rapport"),
        ]
    )


def test_without_roadmap_there_are_no_roadmap_pages(workspace):
    _, trekker, _, _ = workspace
    bundle = workspace_bundle(trekker, "shared")
    assert bundle.roadmap is None
    assert [f.title for f in bundle.figures] == ["Geven en nemen"]  # Ans gives, Ans and Bas get


def test_the_roadmap_goes_into_every_format(workspace):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    store, trekker, ans, bas = workspace
    save_roadmap(trekker, roadmap(ans, bas), base=0)
    viewer = open_workspace(trekker.new_viewer_link(), store=store)
    bundle = workspace_bundle(viewer, "shared")
    assert bundle.roadmap is not None
    sections = bundle.roadmap_sections()
    assert [s.title for s in sections] == ["Stappen naar de gezamenlijke ambitie", "Inzet per partner en stap"]
    assert sections[0].rows[0][:3] == ("1", "Leerwerkplekken inrichten", "Ans")
    assert "Te weinig begeleiders → Samen opleiden" in sections[0].rows[0]
    assert sections[1].rows == (("Ans", "1", "120", "5.000"),)
    assert [f.title for f in bundle.figures] == ["Impact Roadmap in de tijd", "Geven en nemen"]

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(export_bytes(bundle, "pdf"))).pages)
    assert "Impact Roadmap" in text and "Leerwerkplekken inrichten" in text and "Onderzoek naar uitval" in text
    wb = load_workbook(io.BytesIO(export_bytes(bundle, "xlsx")))
    assert any("Tien leerwerkplekken" in (c or "") for row in wb["Impact Roadmap"].iter_rows(values_only=True)
               for c in row if isinstance(c, str))
    assert "| 2 | Onderzoek naar uitval | Bas |" in export_bytes(bundle, "md").decode()


def test_the_figures_become_pictures_in_the_deck(workspace):
    """Both figures through kaleido (the system Chromium): seconds, so only here."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    if not shutil.which("chromium") and not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium for kaleido")
    _, trekker, ans, bas = workspace
    save_roadmap(trekker, roadmap(ans, bas), base=0)
    prs = Presentation(io.BytesIO(export_bytes(workspace_bundle(trekker, "shared"), "pptx")))
    pictures = [s for slide in prs.slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 2


def test_an_unreadable_roadmap_does_not_stop_the_export(workspace):
    store, trekker, _, _ = workspace
    doc = store.document(trekker.workspace_id, "roadmap")
    store.save(doc.id, {"schema": 99, "rubbish": True}, base=0, author="trekker")
    bundle = workspace_bundle(trekker, "shared")
    from purposecase.export.parts import UnreadableRoadmap

    # left out, and the file says so and why (issue 20: every format states what it left out)
    assert isinstance(bundle.roadmap, UnreadableRoadmap)
    (section,) = bundle.roadmap_sections()
    assert section.title == "Impact Roadmap: niet te lezen"
    assert ("rubbish", "Extra inputs are not permitted") in section.rows
    assert export_bytes(bundle, "pdf").startswith(b"%PDF")
