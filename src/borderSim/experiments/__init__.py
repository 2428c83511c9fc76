"""Batch experiments, split as SALib and EMA Workbench split them, each stage importing only those before it.

* :mod:`.design`: experiment files, scenarios x parameter axes -> design points, the problem's names and
  bounds from the schema; the samplers of ranged axes (grid, LHS, Sobol, Morris), one registry entry each.
* :mod:`.evaluate`: points x replicates -> rows of the vectorised core, in chunks, in-process, on local
  processes or on Dask; results written chunk by chunk into a resumable Parquet dataset (``borderSim sweep``);
  replicates' parameters drawn from a posterior file.
* :mod:`.analyse`: paired contrasts with bootstrap intervals, at the point estimate and over the posterior; Sobol
  and Morris indices, scenario discovery with PRIM; the outcomes' labels and the metric check; figures.
"""
