"""Analysis of a results folder: paired contrasts (:mod:`.compare`, over the posterior :mod:`.uncertainty`),
Sobol and Morris indices (:mod:`.sensitivity`), PRIM (:mod:`.discover`), the outcomes they name (:mod:`.outcomes`),
the daily series' rung shares and ceasefire survival (:mod:`.series`) and the figures (:mod:`.figures`,
:mod:`.analysis_figures`)."""
