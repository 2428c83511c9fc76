"""The model's rules: pure functions over arrays with a leading batch axis, shared by both engines.

``streams`` (counter-based random draws), ``params`` (parameters as arrays), ``state`` (state arrays and
initialisation), ``communities``, ``governments``, ``thirdparties``, ``ladder``, ``military``,
``negotiation`` (the submodels), ``draws`` (counts and choices from uniforms), ``tracking`` (summary
accumulators) and ``schedule`` (the day's order and the phases that belong to no agent).
"""
