"""Colours and figure helpers shared by the map and the charts (matplotlib, no pyplot state)."""

from __future__ import annotations

import io

from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure

#: Tajikistan, Kyrgyzstan (indexed like ``borderSim.geography.SIDES``); a colour-blind-safe pair.
SIDE_COLOURS = ("#1b7837", "#762a83")

#: Rungs 0-6: calm to sustained war.
RUNG_COLOURS = ("#f7f7f7", "#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#8c2d04")
RUNG_CMAP = ListedColormap(RUNG_COLOURS, name="rungs")
RUNG_NORM = BoundaryNorm([r - 0.5 for r in range(8)], RUNG_CMAP.N)

SHELLED = "#d7191c"
CEASEFIRE = "#4393c3"
FONT = 7
DPI = 100


def new_figure(width: float = 5.0, height: float = 3.4) -> Figure:
    """A standalone figure (not registered with pyplot, so nothing leaks between sessions).

    Panels are placed by hand: a layout engine would triple the time to draw each day.
    """
    return Figure(figsize=(width, height), dpi=DPI)


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()
