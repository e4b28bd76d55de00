"""The eleven puzzle pieces of the Purpose Case.

Source: Katapult, "Maatschappelijke uitdagingen los je samen op!", chapter
"Van businesscase naar Purpose Case" (the canvas with its eleven guiding
questions), after Bobeldijk (2020), *IMPACT, Zet vanuit de Purpose Case de
wereld naar je hart*, New Business Lab. The tips are our own wording of the
advice in the publication's chapters and interviews.

The canvas layout is ours (DESIGN.md §2): Impact as a banner on top,
Gezamenlijke ambitie under it, the collaboration process on the left, the
route from idea to impact on the right, Continuïteit and Consequenties at the
bottom. Positions are CSS-grid coordinates on a 6-column grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PieceKey = Literal[
    "impact",
    "gezamenlijke_ambitie",
    "intenties",
    "inbreng",
    "partners",
    "middelen",
    "waarde",
    "doelgroepen",
    "opbrengsten",
    "continuiteit",
    "consequenties",
]

Group = Literal["samenwerken", "idee_naar_impact"]


@dataclass(frozen=True)
class GridArea:
    """A piece's place on the canvas grid (1-based CSS grid lines)."""

    row: int
    column: int
    row_span: int = 1
    column_span: int = 1

    def css(self) -> str:
        """Return the CSS ``grid-area`` value, e.g. ``"1 / 1 / span 1 / span 6"``."""
        return f"{self.row} / {self.column} / span {self.row_span} / span {self.column_span}"


@dataclass(frozen=True)
class Piece:
    """One puzzle piece: its key, names, guiding question, tips, group and colour.

    Attributes:
        key: fixed data key (Dutch, ASCII), used in files and code.
        name_nl: Dutch display name, as in the publication.
        name_en: English display name.
        question_nl: the publication's guiding question.
        question_en: our English translation of that question.
        tips_nl: one or two tips in our own words, drawn from the publication.
        tips_en: the same tips in English.
        group: ``"samenwerken"`` (the collaboration process) or
            ``"idee_naar_impact"`` (the process from idea to impact).
        area: position on the canvas grid.
        colour: hex colour used for the piece on canvas, board and figures.
        first_person: True for pieces every partner fills in for themself
            (intenties, inbreng).
    """

    key: PieceKey
    name_nl: str
    name_en: str
    question_nl: str
    question_en: str
    tips_nl: tuple[str, ...]
    tips_en: tuple[str, ...]
    group: Group
    area: GridArea
    colour: str
    first_person: bool = False

    def name(self, lang: str = "nl") -> str:
        """Return the display name in ``lang`` ("nl" or "en"; anything else gives Dutch)."""
        return self.name_en if lang == "en" else self.name_nl

    def question(self, lang: str = "nl") -> str:
        """Return the guiding question in ``lang`` ("nl" or "en")."""
        return self.question_en if lang == "en" else self.question_nl

    def tips(self, lang: str = "nl") -> tuple[str, ...]:
        """Return the tips in ``lang`` ("nl" or "en")."""
        return self.tips_en if lang == "en" else self.tips_nl


PIECES: tuple[Piece, ...] = (
    Piece(
        key="impact",
        name_nl="Impact",
        name_en="Impact",
        question_nl="Welke echte impact maken we met dit initiatief?",
        question_en="What real impact do we make with this initiative?",
        tips_nl=(
            "Schrijf het hogere doel kort en in gewone mensentaal: één zin die iedereen "
            "onthoudt en die als moreel kompas voor de lange termijn werkt.",
            "Impact is geen projectresultaat maar de verandering in de wereld waar alle partners samen naartoe werken.",
        ),
        tips_en=(
            "Write the higher purpose briefly and in plain human language: one sentence "
            "everyone remembers, a moral compass for the long term.",
            "Impact is not a project result but the change in the world that all partners work towards together.",
        ),
        group="idee_naar_impact",
        area=GridArea(1, 1, 1, 6),
        colour="#8c2d5a",
    ),
    Piece(
        key="gezamenlijke_ambitie",
        name_nl="Gezamenlijke ambitie",
        name_en="Joint ambition",
        question_nl="Welke gezamenlijke doelen willen we bereiken?",
        question_en="Which joint goals do we want to achieve?",
        tips_nl=(
            "Maak de ambitie concreet genoeg om er stappen naartoe te zetten; de Impact "
            "Roadmap bouwt straks op deze doelen.",
            "Blijf de ambities van de partners op elkaar afstemmen: de common ground van "
            "de start kan na een half jaar al veranderd zijn.",
        ),
        tips_en=(
            "Make the ambition concrete enough to take steps towards it; the Impact Roadmap will build on these goals.",
            "Keep aligning the partners' ambitions: the common ground you started from may "
            "have shifted within half a year.",
        ),
        group="idee_naar_impact",
        area=GridArea(2, 1, 1, 6),
        colour="#b2452f",
    ),
    Piece(
        key="partners",
        name_nl="Partners",
        name_en="Partners",
        question_nl="Met wie pakken we dit initiatief op?",
        question_en="With whom do we take on this initiative?",
        tips_nl=(
            "Denk in een ecosysteem: onderwijs, bedrijven, overheid en burgers die elk een "
            "eigen puzzelstuk inbrengen dat in het geheel past.",
            "Partners zitten naast elkaar, niet tegenover elkaar: werk vanuit gelijkwaardigheid.",
        ),
        tips_en=(
            "Think in an ecosystem: education, businesses, government and citizens, each "
            "bringing a piece of their own that fits the whole.",
            "Partners sit side by side, not across the table: work as equals.",
        ),
        group="samenwerken",
        area=GridArea(3, 1, 1, 1),
        colour="#1f5f8b",
    ),
    Piece(
        key="intenties",
        name_nl="Intenties",
        name_en="Intentions",
        question_nl="Met welke intenties start ik dit initiatief?",
        question_en="With which intentions do I start this initiative?",
        tips_nl=(
            "Iedere partner vult dit voor zichzelf in: maak eigen belangen, verwachtingen en "
            "behoeftes expliciet, dan ontstaat wederzijds begrip.",
        ),
        tips_en=(
            "Every partner fills this in for themselves: make your own interests, "
            "expectations and needs explicit, so mutual understanding can grow.",
        ),
        group="samenwerken",
        area=GridArea(3, 2, 1, 2),
        colour="#23707e",
        first_person=True,
    ),
    Piece(
        key="inbreng",
        name_nl="Inbreng",
        name_en="Contribution",
        question_nl="Wat draag ik bij aan het initiatief?",
        question_en="What do I contribute to the initiative?",
        tips_nl=(
            "Noem wat je werkelijk inbrengt: mensen, tijd, kennis, netwerk, faciliteiten en geld, in cash of in kind.",
            "Voor wat hoort wat hoeft niet altijd in geld uitgedrukt te worden, maar elke "
            "partner moet wel een concrete opbrengst zien.",
        ),
        tips_en=(
            "Name what you really bring: people, time, knowledge, network, facilities and money, in cash or in kind.",
            "Give and take need not always be expressed in money, but every partner must see a concrete return.",
        ),
        group="samenwerken",
        area=GridArea(4, 2, 1, 2),
        colour="#2f7a4f",
        first_person=True,
    ),
    Piece(
        key="middelen",
        name_nl="Middelen",
        name_en="Resources",
        question_nl="Wat hebben we nodig om onze ambitie te bereiken?",
        question_en="What do we need to achieve our ambition?",
        tips_nl=(
            "Kijk verder dan geld: ook een fysieke plek, een vaste kern van mensen, expertise en tijd zijn middelen.",
        ),
        tips_en=("Look beyond money: a physical place, a steady core team, expertise and time are resources too.",),
        group="samenwerken",
        area=GridArea(4, 1, 1, 1),
        colour="#5b6e2e",
    ),
    Piece(
        key="waarde",
        name_nl="Waarde",
        name_en="Value",
        question_nl="Welke betekenisvolle waarde wordt er gecreëerd?",
        question_en="What meaningful value is created?",
        tips_nl=(
            "Beschrijf de waarde per doelgroep, vanuit hun ogen; het Waarde Propositie "
            "Canvas helpt om die scherper te krijgen.",
        ),
        tips_en=(
            "Describe the value per target group, through their eyes; the Value "
            "Proposition Canvas helps to sharpen it.",
        ),
        group="idee_naar_impact",
        area=GridArea(3, 4, 1, 2),
        colour="#a35f12",
    ),
    Piece(
        key="doelgroepen",
        name_nl="Doelgroepen",
        name_en="Target groups",
        question_nl="Voor wie is dit initiatief van waarde?",
        question_en="For whom is this initiative of value?",
        tips_nl=(
            "Benoem de doelgroepen zo concreet mogelijk (studenten, werkenden, "
            "bewoners…) en koppel ieder aan de waarde die het initiatief hen brengt.",
        ),
        tips_en=(
            "Name the target groups as concretely as possible (students, workers, "
            "residents…) and link each to the value the initiative brings them.",
        ),
        group="idee_naar_impact",
        area=GridArea(3, 6, 1, 1),
        colour="#9a5b13",
    ),
    Piece(
        key="opbrengsten",
        name_nl="Opbrengsten",
        name_en="Returns",
        question_nl="Welke financiële en niet-financiële opbrengsten worden er gerealiseerd?",
        question_en="Which financial and non-financial returns are realised?",
        tips_nl=(
            "Noem financiële én niet-financiële opbrengsten: minder uitval, een beter "
            "imago of toegang tot een netwerk zijn ook opbrengsten.",
            "Maak per partner zichtbaar wat die ervoor terugkrijgt.",
        ),
        tips_en=(
            "Name financial and non-financial returns: less drop-out, a better image or "
            "access to a network are returns too.",
            "Make visible what each partner gets in return.",
        ),
        group="idee_naar_impact",
        area=GridArea(4, 4, 1, 3),
        colour="#6b4c9a",
    ),
    Piece(
        key="continuiteit",
        name_nl="Continuïteit",
        name_en="Continuity",
        question_nl="Hoe houden we het initiatief in de lucht?",
        question_en="How do we keep the initiative going?",
        tips_nl=(
            "Denk na over de tijd na de subsidie: commitment van partners, continuïteit "
            "van mensen en middelen en een passende organisatievorm.",
        ),
        tips_en=(
            "Think about the time after the subsidy: partner commitment, continuity of "
            "people and resources, and a fitting organisational form.",
        ),
        group="samenwerken",
        area=GridArea(5, 1, 1, 3),
        colour="#35606e",
    ),
    Piece(
        key="consequenties",
        name_nl="Consequenties",
        name_en="Consequences",
        question_nl="Wat zou er gebeuren als dit initiatief niet zou doorgaan?",
        question_en="What would happen if this initiative did not go ahead?",
        tips_nl=(
            "Maak de kosten van niets doen zichtbaar: wat verliezen de partners, de "
            "doelgroepen en de regio als het initiatief stopt?",
        ),
        tips_en=(
            "Make the cost of doing nothing visible: what do the partners, the target "
            "groups and the region lose if the initiative stops?",
        ),
        group="idee_naar_impact",
        area=GridArea(5, 4, 1, 3),
        colour="#7a3b3b",
    ),
)

PIECE_KEYS: tuple[str, ...] = tuple(p.key for p in PIECES)
"""The eleven keys in canvas reading order."""

_BY_KEY = {p.key: p for p in PIECES}


def get_piece(key: str) -> Piece:
    """Return the piece with ``key``.

    Raises:
        KeyError: if ``key`` is not one of the eleven piece keys.
    """
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown piece key {key!r}; expected one of {', '.join(PIECE_KEYS)}") from None


def pieces_in_group(group: Group) -> tuple[Piece, ...]:
    """Return the pieces of one process, in canvas order."""
    return tuple(p for p in PIECES if p.group == group)
