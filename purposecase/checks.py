"""Health check of a Purpose Case: rules drawn from the publication (pure functions).

Each rule returns a :class:`CheckResult` with a status — ``"ok"``, ``"let_op"``
(needs attention) or ``"nvt"`` (cannot be judged, e.g. no partners known) —
and the message keys (``checks.<id>.titel`` / ``.uitleg`` / ``.<status>``) the
UI shows in the user's language. ``SOURCES`` says where each rule comes from.

The rules are heuristics on text: they point a collaboration at a question to
discuss, they do not grade it. The trekker can set a rule aside with a reason
(stored in the shared case, :class:`purposecase.model.CheckSetAside`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .model import PurposeCase, SharedCase
from .pieces import PIECE_KEYS

IMPACT_MAX_WORDS = 30
"""An impact statement longer than this is not "kort" (publication: a short, human higher goal)."""

IMPACT_MAX_ITEMS = 2

_JARGON = (
    "kpi",
    "roi",
    "synergie",
    "implementatie",
    "optimalisatie",
    "stakeholder",
    "output",
    "outcome",
    "governance",
    "operationaliseren",
    "faciliteren",
)
_FINANCIAL = re.compile(
    r"(€|\beuro|financi[eë]l|\bgeld|omzet|inkomst|besparing|bespaar|kosten|subsidie|budget|winst|"
    r"bijdrage in cash|in-cash|\bcash\b|fonds|investering|verdien|betaal|contributie|revenue|"
    r"bekostig|financier|\beur\b)",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(\d\s?(?:k|mln|mio|miljoen|mld|miljard)\b"  # "€400k", "1,2 mln euro", "2 miljoen"
    r"|(?:€|eur|euro)\s?\d|\d[\d.,]*\s?(?:€|eur\b|euro))",  # "€ 400.000", "400.000 euro", "EUR 5.000"
    re.IGNORECASE,
)
"""An amount of money: a number with a money unit or a magnitude (k, mln, miljoen…)."""
_CARRIERS = re.compile(
    r"(structure|partnerbijdrage|bijdrage|stichting|coöperatie|cooperatie|verdienmodel|lidmaatschap|contributie|"
    r"meerjar|begroting|commitment|borg|financier|eigen middelen|in de lucht|vaste|service office|"
    r"organisatievorm|ecosysteem|netwerk|team|veranker|practoraat|lectoraat|ingebed|inbedding)",
    re.IGNORECASE,
)
_SUBSIDY = re.compile(r"subsidie", re.IGNORECASE)

SOURCES: dict[str, str] = {
    "alle_stukken": "Van businesscase naar Purpose Case: de elf puzzelstukken samen doorlopen",
    "impact_kort": "Puzzelstuk Impact: 'Welke echte impact maken we?'; het hogere doel als moreel kompas",
    "opbrengsten_soorten": "Puzzelstuk Opbrengsten: 'financiële en niet-financiële opbrengsten'",
    "partners_geven_nemen": "Het proces van samenwerken; interview House of Hospitality: "
    "'altijd een concrete opbrengst'",
    "doelgroep_waarde": "Puzzelstukken Waarde en Doelgroepen; Waarde Propositie Canvas",
    "continuiteit_na_subsidie": "Puzzelstuk Continuïteit: 'Hoe houden we het initiatief in de lucht?'; interviews over "
    "de tijd na de RIF-subsidie",
    "consequenties_gevuld": "Puzzelstuk Consequenties: 'Wat zou er gebeuren als dit initiatief niet zou doorgaan?'",
}
"""Where in the publication each rule comes from."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one rule.

    Attributes:
        id: rule id (a key of :data:`SOURCES`).
        status: ``"ok"``, ``"let_op"`` or ``"nvt"``.
        detail: data for the message (e.g. the empty pieces), as ``{name: value}``.
        set_aside: the trekker's reason when the rule was set aside, else ``None``.
    """

    id: str
    status: str
    detail: dict
    set_aside: str | None = None

    @property
    def source(self) -> str:
        """Return where in the publication the rule comes from."""
        return SOURCES[self.id]


def _words(text: str) -> list[str]:
    return re.findall(r"[\w’'-]+", text)


def check_all_pieces(case: PurposeCase) -> CheckResult:
    """Every one of the eleven pieces holds at least one item."""
    empty = [k for k in PIECE_KEYS if not case.items(k)]
    return CheckResult("alle_stukken", "let_op" if empty else "ok", {"leeg": empty})


def check_impact_short(case: PurposeCase) -> CheckResult:
    """Impact is short (≤ 2 items of ≤ 30 words) and in human language (no management jargon)."""
    items = case.items("impact")
    if not items:
        return CheckResult("impact_kort", "let_op", {"reden": "leeg"})
    longest = max(len(_words(i.text)) for i in items)
    jargon = sorted({w for i in items for w in _words(i.text.casefold()) if w in _JARGON})
    if len(items) > IMPACT_MAX_ITEMS:
        return CheckResult("impact_kort", "let_op", {"reden": "te_veel", "aantal": len(items)})
    if longest > IMPACT_MAX_WORDS:
        return CheckResult("impact_kort", "let_op", {"reden": "te_lang", "woorden": longest})
    if jargon:
        return CheckResult("impact_kort", "let_op", {"reden": "jargon", "woorden": ", ".join(jargon)})
    return CheckResult("impact_kort", "ok", {"woorden": longest})


def is_financial(text: str, kind: str | None = None) -> bool:
    """Return whether an opbrengst is financial: its kind says so, else its wording.

    Wording counts as financial when it holds a money word ("subsidie", "omzet",
    "bekostiging"…) or an amount: ``"rijksbekostiging … € 400.000"``, ``"€400k"``,
    ``"1,2 mln euro"``, ``"2 miljoen"``, ``"EUR 5.000"``. A bare count ("1.000 leerlingen")
    is not an amount.
    """
    if kind is not None:
        return kind == "financieel"
    return bool(_FINANCIAL.search(text) or _AMOUNT.search(text))


def check_returns_both_kinds(case: PurposeCase) -> CheckResult:
    """Opbrengsten hold both financial and non-financial returns (kind, or money words when unset)."""
    items = case.items("opbrengsten")
    if not items:
        return CheckResult("opbrengsten_soorten", "let_op", {"financieel": 0, "niet_financieel": 0})
    fin = sum(1 for i in items if is_financial(i.text, i.kind))
    non = len(items) - fin
    return CheckResult(
        "opbrengsten_soorten", "ok" if fin and non else "let_op", {"financieel": fin, "niet_financieel": non}
    )


def check_partners_give_and_take(
    case: PurposeCase, shared: SharedCase | None = None, partners: Sequence[tuple[str, str]] = ()
) -> CheckResult:
    """Every partner has intenties and inbreng.

    In a workspace (``shared`` and ``partners`` = ``(id, name)`` pairs given) a
    partner counts when a shared-case item of the piece has them in its origin.
    For a case without partner data the rule only checks that both pieces are
    filled; with partner labels on items (``"RET: …"``) it checks every labelled
    partner of inbreng also has intenties and vice versa.
    """
    if shared is not None and partners:
        missing = [
            name
            for pid, name in partners
            if not any(pid in i.origin for i in shared.items("intenties"))
            or not any(pid in i.origin for i in shared.items("inbreng"))
        ]
        return CheckResult("partners_geven_nemen", "let_op" if missing else "ok", {"ontbreekt": missing})
    intenties, inbreng = case.items("intenties"), case.items("inbreng")
    if not intenties or not inbreng:
        return CheckResult("partners_geven_nemen", "let_op", {"ontbreekt": [], "leeg": True})
    labelled_i = {i.partner for i in intenties if i.partner}
    labelled_b = {i.partner for i in inbreng if i.partner}
    if labelled_i and labelled_b:
        missing = sorted(labelled_i ^ labelled_b)
        return CheckResult("partners_geven_nemen", "let_op" if missing else "ok", {"ontbreekt": missing})
    return CheckResult("partners_geven_nemen", "ok", {"ontbreekt": []})


def check_target_groups_have_value(case: PurposeCase) -> CheckResult:
    """Every doelgroep has a waarde: at least as many waarde items as doelgroepen (one value per group)."""
    groups, values = len(case.items("doelgroepen")), len(case.items("waarde"))
    if groups == 0:
        return CheckResult("doelgroep_waarde", "let_op", {"doelgroepen": 0, "waarde": values})
    return CheckResult(
        "doelgroep_waarde", "ok" if values >= groups else "let_op", {"doelgroepen": groups, "waarde": values}
    )


def check_continuity_after_subsidy(case: PurposeCase) -> CheckResult:
    """Continuïteit says how the initiative is carried, not only by subsidy."""
    items = case.items("continuiteit")
    text = " ".join(i.text for i in items)
    if not items or not text.strip(" x"):
        return CheckResult("continuiteit_na_subsidie", "let_op", {"reden": "leeg"})
    if _CARRIERS.search(text):
        return CheckResult("continuiteit_na_subsidie", "ok", {})
    if _SUBSIDY.search(text):
        return CheckResult("continuiteit_na_subsidie", "let_op", {"reden": "alleen_subsidie"})
    return CheckResult("continuiteit_na_subsidie", "let_op", {"reden": "onduidelijk"})


def check_consequences(case: PurposeCase) -> CheckResult:
    """Consequenties is filled in."""
    return CheckResult("consequenties_gevuld", "ok" if case.items("consequenties") else "let_op", {})


RULES: tuple[Callable[..., CheckResult], ...] = (
    check_all_pieces,
    check_impact_short,
    check_returns_both_kinds,
    check_partners_give_and_take,
    check_target_groups_have_value,
    check_continuity_after_subsidy,
    check_consequences,
)


def run_checks(
    case: PurposeCase, shared: SharedCase | None = None, partners: Sequence[tuple[str, str]] = ()
) -> list[CheckResult]:
    """Run every rule on ``case``; rules set aside in ``shared`` carry the trekker's reason.

    Args:
        case: the Purpose Case (for a workspace: ``shared.as_case(...)``).
        shared: the shared case, for origins and set-aside rules (optional).
        partners: ``(partner id, name)`` of the workspace's active partners (optional).

    Returns:
        One :class:`CheckResult` per rule, in :data:`RULES` order.
    """
    out = []
    for rule in RULES:
        result = rule(case, shared, partners) if rule is check_partners_give_and_take else rule(case)
        if shared is not None and result.id in shared.set_aside:
            result = CheckResult(result.id, result.status, result.detail, shared.set_aside[result.id].reason)
        out.append(result)
    return out
