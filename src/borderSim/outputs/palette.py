"""The project's colours, defined once: every figure (overview.png, the browser page, experiment
figures) takes its colours from here, so a country has the same colour everywhere.

Tajikistan green and Kyrgyzstan purple are the two ends of ColorBrewer's PRGn scheme, a pair that
stays distinct for the common colour-vision deficiencies; the rung scale is ColorBrewer's YlOrBr
(calm pale yellow to war dark brown), never used for a country.
"""

from __future__ import annotations

#: Tajikistan, Kyrgyzstan (indexed like ``borderSim.inputs.geography.SIDES``).
SIDE_COLOURS = ("#1b7837", "#762a83")
#: The same colours by side code.
BY_SIDE = {"TJ": SIDE_COLOURS[0], "KG": SIDE_COLOURS[1]}
#: Light tints of the side colours, for bands and fills behind the lines.
SIDE_TINTS = ("#a6dba0", "#c2a5cf")

#: Rungs 0-6: calm to sustained war.
RUNG_COLOURS = ("#f7f7f7", "#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#8c2d04")

DYAD = "#2c3e50"        # the dyad as a whole (lines that belong to neither country)
SHELLED = "#d7191c"
CEASEFIRE = "#4393c3"
BORDER = "#222222"      # the international border on maps
