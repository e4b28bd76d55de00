"""The 17 Sustainable Development Goals (SDG's) of the United Nations, with their short names.

Source: United Nations, "Transforming our world: the 2030 Agenda for Sustainable
Development" (2015), the goals' official English short names; the Dutch short
names as the Dutch government and SDG Nederland use them. The colours are the
UN's official goal colours (used as a stripe only: several are too light for
text). The publication names the SDG's in its chapter "Een andere kijk op
waardecreatie" (Katapult, "Maatschappelijke uitdagingen los je samen op!").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Sdg:
    """One goal.

    Attributes:
        number: 1–17.
        name_nl: Dutch short name.
        name_en: English short name.
        colour: the UN's official colour of the goal (hex).
    """

    number: int
    name_nl: str
    name_en: str
    colour: str

    def name(self, lang: str = "nl") -> str:
        """Return the short name in ``lang`` (``"en"`` or else Dutch)."""
        return self.name_en if lang == "en" else self.name_nl


SDGS: tuple[Sdg, ...] = (
    Sdg(1, "Geen armoede", "No poverty", "#e5243b"),
    Sdg(2, "Geen honger", "Zero hunger", "#dda63a"),
    Sdg(3, "Goede gezondheid en welzijn", "Good health and well-being", "#4c9f38"),
    Sdg(4, "Kwaliteitsonderwijs", "Quality education", "#c5192d"),
    Sdg(5, "Gendergelijkheid", "Gender equality", "#ff3a21"),
    Sdg(6, "Schoon water en sanitair", "Clean water and sanitation", "#26bde2"),
    Sdg(7, "Betaalbare en duurzame energie", "Affordable and clean energy", "#fcc30b"),
    Sdg(8, "Waardig werk en economische groei", "Decent work and economic growth", "#a21942"),
    Sdg(9, "Industrie, innovatie en infrastructuur", "Industry, innovation and infrastructure", "#fd6925"),
    Sdg(10, "Ongelijkheid verminderen", "Reduced inequalities", "#dd1367"),
    Sdg(11, "Duurzame steden en gemeenschappen", "Sustainable cities and communities", "#fd9d24"),
    Sdg(12, "Verantwoorde consumptie en productie", "Responsible consumption and production", "#bf8b2e"),
    Sdg(13, "Klimaatactie", "Climate action", "#3f7e44"),
    Sdg(14, "Leven in het water", "Life below water", "#0a97d9"),
    Sdg(15, "Leven op het land", "Life on land", "#56c02b"),
    Sdg(16, "Vrede, justitie en sterke publieke diensten", "Peace, justice and strong institutions", "#00689d"),
    Sdg(17, "Partnerschap om doelstellingen te bereiken", "Partnerships for the goals", "#19486a"),
)
"""The 17 goals in order."""


def get_sdg(number: int) -> Sdg:
    """Return goal ``number`` (1–17).

    Raises:
        KeyError: for any other number.
    """
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 17:
        raise KeyError(f"SDG number must be 1-17, got {number!r}")
    return SDGS[number - 1]


def normalise_sdgs(numbers: Iterable[object]) -> list[int]:
    """Return ``numbers`` as a sorted list of distinct goal numbers.

    Raises:
        ValueError: if any value is not an integer 1–17.
    """
    out: set[int] = set()
    for n in numbers:
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 17:
            raise ValueError(f"SDG numbers are integers 1-17, got {n!r}")
        out.add(n)
    return sorted(out)
