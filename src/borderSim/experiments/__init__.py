"""Batch experiments, split as SALib and EMA Workbench split them.

* design (:mod:`.design`): experiment files, scenarios x parameter axes -> design points; the
  problem's names and bounds come from the schema.
* evaluate (:mod:`.evaluate`, :mod:`.executors`, :mod:`.store`): points x replicates -> rows of the
  vectorised core, in chunks, in-process, on local processes or on Dask; results written chunk by
  chunk into a resumable Parquet dataset.
* analyse (:mod:`.compare`, :mod:`.sensitivity`, :mod:`.discover`, :mod:`.figures`): paired
  contrasts with bootstrap intervals, Sobol and Morris indices, scenario discovery with PRIM.
"""
