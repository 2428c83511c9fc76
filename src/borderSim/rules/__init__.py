"""The model's rules: pure functions over arrays with a leading batch axis, shared by both engines.

``streams`` (counter-based random draws), ``params`` (parameters as arrays), ``state`` (state arrays and
initialisation), ``communities``, ``governments``, ``mediators`` (the mediator registry),
``thirdparties`` (China, backing and pressure), ``ladder``, ``military``, ``negotiation`` (the
submodels), ``draws`` and ``kernels`` (counts, choices and compiled loops), ``day`` (a day's record
and working memory), ``phases`` (each agent phase, written once) and ``schedule`` (the day's order
and the phases that belong to no agent). Nothing here imports an engine or the outputs.
"""
