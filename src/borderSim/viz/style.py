"""Colours and figure helpers shared by the map and the charts (matplotlib, no pyplot state).

The colours themselves are :mod:`borderSim.outputs.palette`'s (one colour per country everywhere);
they are re-exported here for the page's modules.
"""

from __future__ import annotations

import io

from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure

from borderSim.outputs.palette import BORDER, CEASEFIRE, RUNG_COLOURS, SHELLED, SIDE_COLOURS, SIDE_TINTS

__all__ = ["BORDER", "CEASEFIRE", "DPI", "FONT", "RUNG_CMAP", "RUNG_COLOURS", "RUNG_NORM", "SHELLED",
           "SIDE_COLOURS", "SIDE_TINTS", "new_figure", "png"]

RUNG_CMAP = ListedColormap(RUNG_COLOURS, name="rungs")
RUNG_NORM = BoundaryNorm([r - 0.5 for r in range(8)], RUNG_CMAP.N)

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
