"""The vectorised core: the model over arrays of shape (batch, ...), thousands of replicates at once.

Rows are (parameter point, replicate) pairs; only days are a Python loop. See :func:`run.run_rows`.
"""

from borderSim.core.run import Chunk, ChunkResult, iter_chunks, run_rows

__all__ = ["Chunk", "ChunkResult", "iter_chunks", "run_rows"]
