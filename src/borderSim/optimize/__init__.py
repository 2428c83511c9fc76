"""Robust many-objective search over policy levers (``borderSim optimize``), above the experiment layer.

``problem`` reads optimisation files; ``evaluate`` runs candidates x posterior draws x replicates on the
core through the experiment layer's executors and turns outcomes into robust objectives; ``search``
drives pymoo's NSGA-II/III generation by generation (resumable); ``store`` writes the results folder;
``figures`` draws it; ``pareto`` compares chosen designs with the baseline and finds where one fails.
"""
