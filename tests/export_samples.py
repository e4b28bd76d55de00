"""A full workspace export for the export tests: a case with agreed pieces, two value propositions,
a six-step roadmap with effort, and the give-and-take figure (issue 18).

Built from records only (no store), so the export tests stay pure.
"""

from __future__ import annotations

from purposecase.examples import list_cases, load_case
from purposecase.export import ExportBundle, PartnerLine
from purposecase.export.parts import RoadmapPart, ValuePropositionPart
from purposecase.valueprop import (
    Pijn,
    Pijnverzachter,
    Product,
    Taak,
    ValueProposition,
    Voordeel,
    Voordeelverschaffer,
)

PARTNERS = (
    PartnerLine("Ans de Vries", "ROC Twente"),
    PartnerLine("Bas Jansen", "Ziekenhuis MST"),
    PartnerLine("Cor Smit", "Gemeente Enschede"),
)


def largest_case():
    """Return the publication case with the most items."""
    return max((load_case(c.slug) for c in list_cases()), key=lambda c: len(c.all_items()))


def propositions() -> tuple[ValuePropositionPart, ...]:
    """Return two target groups' value propositions with every half filled in."""
    students = ValueProposition(
        id="vp1",
        doelgroep="Studenten zorg en welzijn", doelgroep_item_id="d1",
        taken=[Taak(id="t1", text="Een diploma halen dat werk oplevert", belang=5),
               Taak(id="t2", text="Erbij horen in het team op de afdeling", soort="sociaal", belang=3)],
        pijnen=[Pijn(id="p1", text="Stage voelt als losse klus zonder begeleiding 😕", belang=4),
                Pijn(id="p2", text="Reistijd naar het ziekenhuis", belang=2)],
        voordelen=[Voordeel(id="g1", text="Baangarantie na de opleiding", belang=5)],
        producten=[Product(id="x1", text="📌 Leerwerkplek op de afdeling met vaste werkbegeleider")],
        pijnverzachters=[Pijnverzachter(id="r1", text="Vaste werkbegeleider per student", verzacht=["p1"])],
        voordeelverschaffers=[Voordeelverschaffer(id="c1", text="Intentieverklaring voor een baan", creeert=["g1"])],
    )
    employers = ValueProposition(
        id="vp2",
        doelgroep="Zorgwerkgevers in de regio", doelgroep_item_id="d2",
        pijnen=[Pijn(id="p1", text="Vacatures blijven maanden open", belang=5)],
        voordelen=[Voordeel(id="g1", text="Instroom die de organisatie al kent", belang=4)],
        producten=[Product(id="x1", text="Gezamenlijke instroomroute")],
        pijnverzachters=[Pijnverzachter(id="r1", text="Studenten werken vanaf jaar 1 mee", verzacht=["p1"])],
    )
    return ValuePropositionPart(students), ValuePropositionPart(employers)


STEP_TEXTS = (
    ("Verkennen wat de regio nodig heeft", "Ans de Vries", "2026-01", "2026-02"),
    ("Leerwerkplekken inrichten op drie afdelingen", "Bas Jansen, Ans de Vries", "2026-02", "2026-05"),
    ("Werkbegeleiders opleiden", "Bas Jansen", "2026-04", "2026-06"),
    ("Eerste cohort studenten start", "Ans de Vries", "2026-09", "2026-09"),
    ("Evalueren en bijsturen met de gemeente", "Cor Smit", "2027-01", "2027-02"),
    ("Structurele bekostiging vastleggen", "", None, None),
)


def roadmap() -> RoadmapPart:
    """Return a six-step roadmap with effort for three partners (hours and euros as numbers)."""
    effort = []
    for n in range(1, 7):
        for p, hours, euros in (("Ans de Vries", 40 * n, 1500.0 * n), ("Bas Jansen", 12.5 * n, 15000 * n),
                                ("Cor Smit", 0, 400 * n)):
            effort.append({"partner": p, "stap": n, "uren": hours, "euro": euros})
    steps = []
    for n, (wat, owners, start, eind) in enumerate(STEP_TEXTS, start=1):
        mine = [e for e in effort if e["stap"] == n]
        steps.append({
            "stap": n, "id": f"s{n}", "wat": wat, "skills": "Projectleiding, kennis van de zorg",
            "eigenaren": owners, "middelen": "Subsidie regio deal, uren van de partners",
            "euro": sum(e["euro"] for e in mine), "uren": sum(e["uren"] for e in mine),
            "belemmeringen": "Roosters sluiten niet aan → vaste leerdag per week", "opbrengst": "Afspraken op papier",
            "start": start, "eind": eind, "dient": "",
        })
    return RoadmapPart(tuple(steps), tuple(effort))


def status() -> dict[str, str]:
    """Return a per-piece agreement status (SharedCase.status) with all three values."""
    from purposecase.pieces import PIECE_KEYS

    out = {key: "in_bespreking" for key in PIECE_KEYS}
    out.update(impact="akkoord", gezamenlijke_ambitie="akkoord", continuiteit="leeg")
    return out


def full_bundle(lang: str = "nl", case=None, *, figures=()) -> ExportBundle:
    """Return a workspace-like bundle: largest case, partners, status, value propositions, roadmap."""
    return ExportBundle(
        case=case or largest_case(), label="Gedeelde Purpose Case" if lang == "nl" else "Shared Purpose Case",
        workspace="Zorgpact Twente", partners=PARTNERS, value_propositions=propositions(), roadmap=roadmap(),
        figures=tuple(figures), lang=lang, piece_status=status(),
    )
