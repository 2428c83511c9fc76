"""Benchmarks, reported and never asserted (``borderSim bench``; figures in ``benchmarks/results``).

:mod:`~borderSim.bench.engines` (replicate-days per second of both engines, where the day's time goes),
:mod:`~borderSim.bench.sweeps` (``--sweeps``), :mod:`~borderSim.bench.calibration` (``--calibration``);
:mod:`~borderSim.bench.report` the machine's description and the report files they share. The
fingerprint of the model's numbers, which a refactor must keep, is ``benchmarks/fingerprint.py``.
"""
