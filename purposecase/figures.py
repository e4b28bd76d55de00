"""Plotly figures (pure: records in, ``go.Figure`` out; no ipywidgets).

plotly is imported inside each function, so modules that only need the data
stay fast to import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .pieces import get_piece

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from .puzzle import GiveAndTake

INITIATIVE_COLOUR = "#4a5761"


def give_and_take_sankey(
    rows: Sequence[GiveAndTake], *, title: str, initiative: str, gives: str, gets: str
) -> go.Figure:
    """Return a Sankey: each partner's inbreng flows into the initiative, which flows to what partners get.

    Args:
        rows: one :class:`purposecase.puzzle.GiveAndTake` per partner.
        title: figure title (already translated).
        initiative: label of the middle node (e.g. the workspace name).
        gives: suffix for the left nodes, e.g. "geeft".
        gets: suffix for the right nodes, e.g. "krijgt".

    Returns:
        A figure with nodes ``[partner gives…, initiative, partner gets…]``; link
        values are item counts (inbreng items in, opbrengsten/waarde items out),
        coloured like the Inbreng and Opbrengsten pieces. A partner with nothing
        on one side has no node on that side.
    """
    import plotly.graph_objects as go

    inbreng, opbrengsten = get_piece("inbreng").colour, get_piece("opbrengsten").colour
    labels, colours, source, target, value, link_colours, hover = [], [], [], [], [], [], []
    left = [r for r in rows if r.inbreng]
    right = [r for r in rows if r.krijgt]
    for r in left:
        labels.append(f"{r.partner} {gives}")
        colours.append(inbreng)
    middle = len(labels)
    labels.append(initiative)
    colours.append(INITIATIVE_COLOUR)
    for n, r in enumerate(left):
        source.append(n)
        target.append(middle)
        value.append(len(r.inbreng))
        link_colours.append("rgba(47,122,79,0.35)")
        hover.append("<br>".join(r.inbreng[:8]))
    for r in right:
        labels.append(f"{r.partner} {gets}")
        colours.append(opbrengsten)
        source.append(middle)
        target.append(len(labels) - 1)
        value.append(len(r.krijgt))
        link_colours.append("rgba(107,76,154,0.35)")
        hover.append("<br>".join(text for _, text in r.krijgt[:8]))
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node=dict(label=labels, color=colours, pad=18, thickness=18),
            link=dict(
                source=source,
                target=target,
                value=value,
                color=link_colours,
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
            ),
        )
    )
    fig.update_layout(
        title=title,
        font=dict(family="DejaVu Sans, sans-serif", size=13),
        height=420,
        margin=dict(l=20, r=20, t=60, b=20),
    )
    return fig
