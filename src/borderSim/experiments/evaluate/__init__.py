"""Evaluation: design points x replicates as chunks of rows of the vectorised core (:mod:`.tasks`), run where
:mod:`.executors` says, into a resumable results folder (:mod:`.store`) by ``borderSim sweep`` (:mod:`.sweep`);
replicates may draw their parameters from a posterior file (:mod:`.posterior`)."""
