"""Calibration by approximate Bayesian computation (ABC) on the vectorised core.

Split like the experiment layer (problem, sampling, evaluation, analysis):

* problem (:mod:`.problem`): calibration files -- priors inside the schema's ranges, runs, targets
  from the record, the ABC schedule;
* sampling (:mod:`.abc`): ABC rejection and ABC-SMC with ELFI, whose simulator takes a whole batch
  of parameter vectors;
* evaluation (:mod:`.simulate`, :mod:`.distance`, :mod:`.store`, :mod:`.calibrate`): candidates ->
  rows of the core through the experiment layer's executors; scaled distance; a resumable results
  folder with the posterior, populations, manifest and a calibrated scenario;
* analysis (:mod:`.report`): posterior predictive checks, marginals, pair plots, shrinkage, Sobol
  indices of the targets.

Why ELFI: its simulator interface is ``sim(*params, batch_size, random_state)`` -- one call per
batch of candidates -- so a generation is one evaluation of the core over thousands of rows, where
the core runs a thousand times faster per replicate-day than one row at a time (docs/performance.md).
pyabc 0.13 calls the model once per particle (its samplers parallelise particles, not batches), and
abcpy, astroabc and abcpmc are unmaintained since 2021 or earlier. Measurements in docs/calibration.md.
"""
