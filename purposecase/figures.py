"""Plotly figures (pure: records in, ``go.Figure`` out; no ipywidgets).

plotly is imported inside each function, so modules that only need the data
stay fast to import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .pieces import get_piece
from .puzzle import GET_PIECES, GIVE_PIECES

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

INITIATIVE_COLOUR = "#4a5761"
UNASSIGNED_COLOUR = "#b9b3aa"


@dataclass(frozen=True)
class GiveTakeItem:
    """One item of give and take, the input of :func:`give_and_take_figure`.

    Attributes:
        piece: ``"inbreng"`` or ``"middelen"`` (given to the initiative) or ``"waarde"`` or
            ``"opbrengsten"`` (got from it).
        text: the item's text (hover).
        givers: organisations that give it (inbreng, middelen); empty: not yet assigned.
        recipients: organisations or target groups that get it (waarde, opbrengsten); empty:
            not yet assigned. Issue 17's explicit "voor wie" lands here as a list of names.
        kind: the item's kind (``"financieel"``…), shown in the hover; may be ``None``.
    """

    piece: str
    text: str
    givers: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    kind: str | None = None


def give_and_take_items(shared: Any, organisations: Mapping[str, str]) -> list[GiveTakeItem]:
    """Return the shared case's inbreng, middelen, waarde and opbrengsten as :class:`GiveTakeItem`.

    Who gives an inbreng or middelen item: the organisations of its ``origin`` partners,
    else its ``partner`` label. Who gets a waarde or opbrengsten item: the organisations
    of its ``voor`` partners (issue 17, "voor wie"), else its ``partner`` label, else the
    organisations it came from (``origin``); nobody named means "not yet assigned".

    Args:
        shared: a :class:`purposecase.model.SharedCase` (or a :class:`~purposecase.model.PurposeCase`,
            whose items carry only ``partner``).
        organisations: partner id → organisation name (the contact person's name only where
            a partner has no organisation).
    """
    from .puzzle import TARGET_GROUP, givers, recipients

    groups = {i.id: i.text for i in shared.items("doelgroepen") if hasattr(i, "id")}

    def names(ids: Sequence[str]) -> tuple[str, ...]:
        out = []
        for i in ids:
            if i.startswith(TARGET_GROUP) and i[len(TARGET_GROUP):] in groups:
                out.append(groups[i[len(TARGET_GROUP):]])
            elif i in organisations:
                out.append(organisations[i])
        return tuple(dict.fromkeys(out))

    out = []
    for key in GIVE_PIECES + GET_PIECES:
        for item in shared.items(key):
            label = (item.partner,) if item.partner else ()  # a publication case names its partner in text
            if key in GIVE_PIECES:
                out.append(GiveTakeItem(key, item.text, givers=names(givers(item)) or label, kind=item.kind))
            else:
                out.append(GiveTakeItem(key, item.text, recipients=names(recipients(item)) or label, kind=item.kind))
    return out


def give_and_take_figure(
    items: Sequence[GiveTakeItem],
    *,
    title: str,
    initiative: str,
    piece_names: Mapping[str, str],
    unassigned: str,
    gives: str,
    gets: str,
) -> go.Figure:
    """Return give and take in both directions: what each organisation gives and what each gets.

    A Sankey of three columns: on the left every organisation that gives (one link per
    organisation and piece: inbreng, middelen) into the initiative in the middle; on the
    right every organisation or target group that gets something (one link per piece:
    waarde, opbrengsten). An organisation that gives and gets appears on both sides in
    the same colour, so "only gives" or "only gets" shows at a glance. Items nobody is
    named for go to a grey "not yet assigned" node, so the figure is never one-sided or
    empty while the pieces hold items. Link values are item counts; an item for two
    recipients counts once for each. Node labels give the counts per piece ("ROC Twente:
    3 inbreng, 1 middelen"); every label and hover text is escaped.

    Args:
        items: the items (see :class:`GiveTakeItem`; :func:`give_and_take_items` builds them).
        title: figure title (translated).
        initiative: label of the middle node (e.g. the workspace's name).
        piece_names: piece key → word used in labels (translated), e.g. ``{"inbreng": "inbreng"}``.
        unassigned: label for items nobody is named for (translated).
        gives: heading of the left column (translated), e.g. "Geeft".
        gets: heading of the right column (translated), e.g. "Krijgt".

    Returns:
        A figure with one ``go.Sankey`` trace and column headings as annotations.
    """
    import plotly.graph_objects as go

    left: dict[str, dict[str, list[str]]] = {}
    right: dict[str, dict[str, list[str]]] = {}
    for item in items:
        side, names = (left, item.givers) if item.piece in GIVE_PIECES else (right, item.recipients)
        for name in names or (None,):
            side.setdefault(name, {}).setdefault(item.piece, []).append(item.text)
    everyone = list(dict.fromkeys([n for n in left if n] + [n for n in right if n]))
    palette = dict(zip(everyone, (OWNER_PALETTE * (len(everyone) // len(OWNER_PALETTE) + 1)), strict=False))
    link_colour = {
        "inbreng": "rgba(47,122,79,0.45)", "middelen": "rgba(11,110,153,0.40)",
        "waarde": "rgba(192,86,27,0.40)", "opbrengsten": "rgba(107,76,154,0.45)",
    }

    def order(side: dict[str, dict[str, list[str]]]) -> list[str | None]:
        named: list[str | None] = [n for n in everyone if n in side]
        return named + ([None] if None in side else [])

    labels, colours = [], []
    source, target, value, colour, hover = [], [], [], [], []

    def node(name: str | None, pieces: dict[str, list[str]]) -> int:
        counts = ", ".join(f"{len(texts)} {piece_names.get(p, p)}" for p, texts in pieces.items())
        labels.append(_plain(f"{name or unassigned}: {counts}"))
        colours.append(palette.get(name, UNASSIGNED_COLOUR) if name else UNASSIGNED_COLOUR)
        return len(labels) - 1

    middle = node(None, {})
    labels[middle], colours[middle] = _plain(initiative), INITIATIVE_COLOUR
    for side in (left, right):  # plotly places sources left, the initiative in the middle, sinks right
        for name in order(side):
            n = node(name, side[name])
            for piece, texts in side[name].items():
                source.append(n if side is left else middle)
                target.append(middle if side is left else n)
                value.append(len(texts))
                colour.append(link_colour.get(piece, "rgba(74,87,97,0.3)"))
                hover.append(_plain(piece_names.get(piece, piece)) + "<br>" + "<br>".join(_plain(t) for t in texts[:8]))
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node=dict(label=labels, color=colours, pad=22, thickness=22, line=dict(color="#ffffff", width=1)),
            link=dict(source=source, target=target, value=value, color=colour, customdata=hover,
                      hovertemplate="%{customdata}<extra></extra>"),
        )
    )
    for x, text, anchor in ((0.0, gives, "left"), (1.0, gets, "right")):
        fig.add_annotation(text=f"<b>{_plain(text)}</b>", x=x, y=1.06, xref="paper", yref="paper",
                           showarrow=False, xanchor=anchor)
    fig.update_layout(
        title=title,
        font=dict(family="DejaVu Sans, sans-serif", size=13),
        height=max(420, 120 + 60 * max(len(left), len(right), 1)),
        margin=dict(l=20, r=20, t=90, b=20),
    )
    return fig


# ----------------------------------------------------------- step 5: the Impact Roadmap
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping

    from .roadmap import EffortMatrix, ImpactRoadmap

OWNER_PALETTE = (
    "#0b6e99",
    "#c0561b",
    "#2e7d4f",
    "#8a3f8f",
    "#a57a00",
    "#1f4e79",
    "#b23a48",
    "#4f6d2a",
    "#6a5acd",
    "#5d4037",
)
"""Partner colours of the roadmap figures and overview (dark enough for white text, told apart by hue)."""
NO_OWNER_COLOUR = "#9aa3a9"
"""Colour of steps that have no owner."""


def owner_colours(partner_ids: Sequence[str]) -> dict[str, str]:
    """Return a colour per partner id, stable for the given order (use the workspace's partner order).

    Colours repeat after :data:`OWNER_PALETTE` runs out.
    """
    return {pid: OWNER_PALETTE[n % len(OWNER_PALETTE)] for n, pid in enumerate(dict.fromkeys(partner_ids))}


def _month_bounds(first: str, last: str) -> tuple[str, str, int]:
    """Return ISO start date, ISO end date (first day after ``last``) and the duration in ms."""
    from datetime import date

    y1, m1 = (int(x) for x in first.split("-"))
    y2, m2 = (int(x) for x in last.split("-"))
    start = date(y1, m1, 1)
    end = date(y2 + (m2 == 12), m2 % 12 + 1, 1)
    return start.isoformat(), end.isoformat(), (end - start).days * 86_400_000


MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
"""Short month names per language (Dutch: Taalunie abbreviations, "mrt", "okt")."""


def month_text(month: str | None, lang: str = "nl") -> str:
    """Return ``"2026-03"`` as ``"mrt 2026"`` (nl) or ``"Mar 2026"`` (en); ``""`` for ``None``."""
    if not month:
        return ""
    year, number = month.split("-")[:2]
    return f"{MONTHS.get(lang, MONTHS['nl'])[int(number) - 1]} {year}"


def period_text(start: str | None, end: str | None, lang: str = "nl") -> str:
    """Return a roadmap step's period in words: ``"feb 2026 – mei 2026"``, one month once, ``""`` without."""
    first, last = start or end, end or start
    if not first:
        return ""
    return month_text(first, lang) if first == last else f"{month_text(first, lang)} – {month_text(last, lang)}"


def month_ticks(first: str, last: str, lang: str = "nl", most: int = 12) -> tuple[list[str], list[str]]:
    """Return date-axis tick positions and labels for the months ``first``…``last`` (``"YYYY-MM"``), in ``lang``.

    Plotly's own date ticks use the browser's English month names; these do not.
    Every month gets a tick, or every 2nd, 3rd, 6th or 12th month when there would
    be more than ``most``; the year is printed at its first tick (``"jan 2026"``, ``"feb"``).

    Returns:
        ``(tickvals, ticktext)``: ISO dates (first of the month) and labels.
    """
    names = MONTHS.get(lang, MONTHS["nl"])
    y, m = (int(x) for x in first.split("-"))
    y2, m2 = (int(x) for x in last.split("-"))
    months = []
    while (y, m) <= (y2, m2):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    step = next(s for s in (1, 2, 3, 6, 12, 10**6) if len(months) / s <= most)
    vals, text, year = [], [], None
    for y, m in months:
        if (m - 1) % step:
            continue
        vals.append(f"{y:04d}-{m:02d}-01")
        text.append(f"{names[m - 1]} {y}" if y != year else names[m - 1])
        year = y
    return vals, text


def roadmap_timeline(
    roadmap: ImpactRoadmap,
    names: Mapping[str, str],
    colours: Mapping[str, str] | None = None,
    *,
    title: str,
    no_owner: str,
    labels: Sequence[str] | None = None,
    empty: str = "",
    lang: str = "nl",
) -> go.Figure:
    """Return a timeline (Gantt-style bars) of the roadmap's steps, coloured by owner.

    Each step with a period (``start``/``eind``, months inclusive; one given month is a
    one-month bar) is a horizontal bar from the first day of its first month to the
    end of its last month. A step with several owners is split into one thinner bar
    per owner within its row; one legend entry per owner. Steps without a period are
    left out (say so next to the figure). Labels, names and hover texts are escaped, so
    user text shows literally (plotly would read tags in it). Source of the fields: the
    publication's "Wat is de Impact Roadmap?".

    Args:
        roadmap: the :class:`purposecase.roadmap.ImpactRoadmap`.
        names: partner id → display name (also decides the legend order).
        colours: partner id → colour (default :func:`owner_colours` over ``names``).
        title: figure title (translated).
        no_owner: legend label for steps without an owner (translated).
        labels: the y-axis label per step (default ``"1. wat"``); same length as the steps.
        empty: text shown when no step has a period.
        lang: language of the month names on the time axis (:func:`month_ticks`).

    Returns:
        A figure with one ``go.Bar`` trace per owner (``orientation="h"``, date x-axis,
        step 1 on top).
    """
    import plotly.graph_objects as go

    colours = dict(colours) if colours is not None else owner_colours(list(names))
    labels = [_plain(label) for label in labels] if labels is not None else [
        _plain(f"{n}. {_short(s.wat) or '…'}") for n, s in enumerate(roadmap.steps, start=1)
    ]
    bars: dict[str | None, dict[str, list]] = {}
    shown = []
    span: list[str] = []
    for label, step in zip(labels, roadmap.steps, strict=True):
        months = step.months()
        if months is None:
            continue
        shown.append(label)
        span += list(months)
        start, end, duration = _month_bounds(*months)
        owners: list[str | None] = list(step.eigenaren) or [None]
        width = 0.8 / len(owners)
        period = months[0] if months[0] == months[1] else f"{months[0]} – {months[1]}"
        who = _plain(", ".join(names.get(p, p) for p in step.eigenaren) or no_owner)
        for i, owner in enumerate(owners):
            bar = bars.setdefault(owner, {"y": [], "base": [], "x": [], "width": [], "offset": [], "hover": []})
            bar["y"].append(label)
            bar["base"].append(start)
            bar["x"].append(duration)
            bar["width"].append(width)
            bar["offset"].append(-0.4 + i * width)
            bar["hover"].append(f"{label}<br>{period}<br>{who}")
    order = [p for p in names if p in bars] + [p for p in bars if p is not None and p not in names]
    if None in bars:
        order.append(None)
    fig = go.Figure()
    for owner in order:
        bar = bars[owner]
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=bar["y"],
                base=bar["base"],
                x=bar["x"],
                width=bar["width"],
                offset=bar["offset"],
                name=_plain(no_owner if owner is None else names.get(owner, owner)),
                marker=dict(color=NO_OWNER_COLOUR if owner is None else colours.get(owner, NO_OWNER_COLOUR)),
                customdata=bar["hover"],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    fig.update_layout(
        title=title,
        barmode="overlay",
        font=dict(family="DejaVu Sans, sans-serif", size=13),
        height=max(260, 110 + 48 * len(shown)),
        margin=dict(l=20, r=20, t=60, b=40),
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0),
        plot_bgcolor="#fbfaf8",
    )
    fig.update_xaxes(type="date", gridcolor="#e6e2dc")
    if span:
        vals, text = month_ticks(min(span), max(span), lang)
        fig.update_xaxes(tickvals=vals, ticktext=text, hoverformat="%Y-%m")
    fig.update_yaxes(categoryorder="array", categoryarray=shown, autorange="reversed", automargin=True)
    if not shown and empty:
        fig.add_annotation(text=empty, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    return fig


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plain(text: str) -> str:
    """Escape user text for plotly and isolate its direction (U+2068 … U+2069, :mod:`purposecase.bidi`).

    Plotly reads ``<b>``, ``<a href>`` … in labels: user text is shown literally, never as markup.
    """
    import html

    from .bidi import isolate

    return isolate(html.escape(str(text), quote=False))


def roadmap_effort_figure(
    matrix: EffortMatrix,
    names: Mapping[str, str],
    *,
    title: str,
    hours_title: str,
    euros_title: str,
    step_labels: Sequence[str] | None = None,
    lang: str = "nl",
) -> go.Figure:
    """Return two heatmaps side by side: hours and euros per partner (rows) and step (columns).

    Cell text is the value (hours with one decimal at most, euros rounded to whole
    euros); each scale runs from white at 0 to the Middelen (hours) or Inbreng (euros)
    piece colour at its largest value. Source: the publication's Impact Roadmap section, "een goede
    onderlinge verdeling van inzet, mensen en middelen".

    Args:
        matrix: the :class:`purposecase.roadmap.EffortMatrix`.
        names: partner id → display name.
        title: figure title (translated).
        hours_title: subplot title of the hours (translated, e.g. "Uren").
        euros_title: subplot title of the euros (translated).
        step_labels: column labels (default ``"1"``, ``"2"`` …).
        lang: ``"nl"`` writes 1.250,5; ``"en"`` writes 1,250.5.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    columns = list(step_labels) if step_labels is not None else [str(n + 1) for n in range(len(matrix.steps))]
    rows = [_plain(names.get(p, p)) for p in matrix.partners]
    columns = [_plain(c) for c in columns]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(hours_title, euros_title), shared_yaxes=True,
                        horizontal_spacing=0.06)
    for col, values, piece, prefix, decimals in (
        (1, matrix.hours, "middelen", "", 1),
        (2, matrix.euros, "inbreng", "€ ", 0),
    ):
        text = [[prefix + format_number(v, lang, decimals) if v else "" for v in row] for row in values]
        fig.add_trace(
            go.Heatmap(
                z=[list(r) for r in values],
                x=columns,
                y=rows,
                text=text,
                texttemplate="%{text}",
                colorscale=[[0, "#ffffff"], [1, get_piece(piece).colour]],
                zmin=0,
                zmax=max([v for row in values for v in row] + [1.0]),
                showscale=False,
                xgap=2,
                ygap=2,
                hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
            ),
            row=1,
            col=col,
        )
    fig.update_layout(
        title=title,
        font=dict(family="DejaVu Sans, sans-serif", size=13),
        height=max(240, 130 + 42 * len(rows)),
        margin=dict(l=20, r=20, t=80, b=30),
        plot_bgcolor="#ffffff",
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(type="category")
    return fig


def format_number(value: float, lang: str = "nl", decimals: int = 1) -> str:
    """Return ``value`` with thousands separators, at most ``decimals`` decimals, trailing zeros dropped.

    Dutch (default) writes ``12.500,5``; English ``12,500.5``.
    """
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


# ------------------------------------------------- step 4: the value proposition per target group
if TYPE_CHECKING:  # pragma: no cover
    from .valueprop import Fit


def value_fit_figure(
    fits: Sequence[Fit], *, title: str, pains: str, gains: str, overall: str, not_applicable: str
) -> go.Figure:
    """Return horizontal bars of the fit per target group (step 4, value proposition).

    Concept of fit: Osterwalder, Pigneur, Bernarda & Smith (2014), *Value
    Proposition Design* (Dutch: *Waarde Propositie Ontwerp*, Boom); the weighting
    is :func:`purposecase.valueprop.fit`'s (importance-weighted shares).

    Args:
        fits: one :class:`purposecase.valueprop.Fit` per target group, in display order.
        title: figure title (already translated).
        pains: legend label of the pains-relieved bars, e.g. "pijnen verzacht".
        gains: legend label of the gains-created bars, e.g. "voordelen gecreëerd".
        overall: legend label of the overall-fit markers.
        not_applicable: text shown for a share that has no pains or gains to weigh.

    Returns:
        A figure with one row per target group (top to bottom in order) and x in
        percent (0–100): two bars (pains relieved, coloured like Consequenties; gains
        created, like Opbrengsten — the Doelgroepen and Waarde browns are too alike to
        tell apart) and a diamond for the overall fit. Target-group names
        are HTML-escaped (plotly reads tags in labels) and made unique by a number
        when two are alike.
    """
    import html

    import plotly.graph_objects as go

    labels: list[str] = []
    for f in fits:
        label = html.escape(f.doelgroep if len(f.doelgroep) <= 60 else f.doelgroep[:59] + "…", quote=False)
        n, unique = 2, label
        while unique in labels:
            unique, n = f"{label} ({n})", n + 1
        labels.append(unique)

    def percent(share: float | None) -> float | None:
        return None if share is None else round(100 * share)

    def texts(values: list[float | None]) -> list[str]:
        return [not_applicable if v is None else f"{v:.0f} %" for v in values]

    fig = go.Figure()
    for name, shares, colour in (
        (pains, [percent(f.pain_share) for f in fits], get_piece("consequenties").colour),
        (gains, [percent(f.gain_share) for f in fits], get_piece("opbrengsten").colour),
    ):
        fig.add_trace(
            go.Bar(
                name=name,
                y=labels,
                x=[v or 0 for v in shares],
                orientation="h",
                marker_color=colour,
                text=texts(shares),
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{y}}: %{{text}}<extra>{html.escape(name, quote=False)}</extra>",
            )
        )
    totals = [percent(f.share) for f in fits]
    fig.add_trace(
        go.Scatter(
            name=overall,
            y=labels,
            x=totals,
            mode="markers",
            marker=dict(symbol="diamond", size=13, color=INITIATIVE_COLOUR, line=dict(color="white", width=1)),
            text=texts(totals),
            hovertemplate=f"%{{y}}: %{{text}}<extra>{html.escape(overall, quote=False)}</extra>",
        )
    )
    fig.update_layout(
        title=title,
        barmode="group",
        font=dict(family="DejaVu Sans, sans-serif", size=13),
        height=max(280, 140 + 90 * len(fits)),
        margin=dict(l=20, r=40, t=70, b=40),
        xaxis=dict(range=[0, 112], tickvals=[0, 25, 50, 75, 100], ticktext=["0 %", "25 %", "50 %", "75 %", "100 %"]),
        yaxis=dict(autorange="reversed", automargin=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0),
    )
    return fig
