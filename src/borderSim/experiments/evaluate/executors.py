"""Where chunks run: in this process, on local processes, or on a Dask cluster.

Each executor maps :func:`borderSim.experiments.evaluate.tasks.run_task` (or another picklable function of
a task with ``chunk`` and ``days``, e.g. a calibration's candidates) over tasks and yields
``(task, output, error)`` as chunks finish, in any order (the store keys everything by design point
and replicate, never by position). A chunk that raises yields its exception; the others go on.
Local processes use the standard library's ``ProcessPoolExecutor`` (spawn); each worker watches the
process that started it and exits when it is gone, so a sweep killed with ``kill -9`` leaves no workers
(nor, once they are gone, multiprocessing's resource tracker) behind. ``--scheduler`` uses
``dask.distributed`` (a running scheduler's address, or ``local`` for a LocalCluster on loopback).
At most two chunks per worker are in flight, so memory stays bounded however long the design.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from borderSim.common.errors import InputError
from borderSim.experiments.evaluate.tasks import ChunkOutput, Task, run_task

Result = tuple[Task, ChunkOutput | Any | None, BaseException | None]


def _windowed(submit, tasks: Iterable[Task], wait_one, window: int) -> Iterator[Result]:
    pending: dict = {}
    it = iter(tasks)
    for task in it:
        pending[submit(task)] = task
        if len(pending) >= window:
            break
    while pending:
        fut = wait_one(pending)
        task = pending.pop(fut)
        err = fut.exception()
        yield task, (None if err is not None else fut.result()), err
        for nxt in it:
            pending[submit(nxt)] = nxt
            break


PARENT_POLL_SECONDS = 0.5


def watch_parent(parent: int, interval: float = PARENT_POLL_SECONDS) -> None:
    """Exit this process as soon as ``parent`` is no longer its parent (it died, even by ``kill -9``,
    and this process was handed to init): a worker blocked on its task queue would otherwise wait forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="borderSim-watch-parent", daemon=True).start()


class InProcess:
    """Chunks one after the other in this process; progress is reported day by day."""

    workers = 1
    name = "in-process"

    def map(self, tasks: Iterable[Task], progress: Callable[[int], None] | None = None, fn: Callable | None = None
            ) -> Iterator[Result]:
        fn = fn or run_task
        for task in tasks:
            try:
                out = fn(task, progress)
            except Exception as err:        # recorded with the chunk; the others go on
                yield task, None, err
            else:
                yield task, out, None

    def close(self) -> None:
        pass


class Processes:
    """Chunks on ``workers`` local processes (spawned); progress is reported chunk by chunk."""

    def __init__(self, workers: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        self.name = f"{workers} local processes"
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=watch_parent, initargs=(os.getpid(),))

    def map(self, tasks: Iterable[Task], progress: Callable[[int], None] | None = None, fn: Callable | None = None
            ) -> Iterator[Result]:
        from concurrent.futures import FIRST_COMPLETED, wait

        fn = fn or run_task
        def wait_one(pending):
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            return min(done, key=lambda f: pending[f].chunk.id)

        for task, out, err in _windowed(lambda t: self._pool.submit(fn, t), tasks, wait_one,
                                        2 * self.workers):
            yield task, out, err
            if progress is not None:        # once the caller has kept the chunk (it asks for the next one)
                progress(task.chunk.rows * task.days)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class Dask:
    """Chunks on a dask.distributed cluster: ``address`` of a running scheduler, or ``local``."""

    def __init__(self, address: str, workers: int | None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError("--scheduler", address, "needs dask.distributed: pip install 'borderSim[experiments]'"
                             ) from None
        self._cluster = None
        if address == "local":
            n = workers or 2
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                         dashboard_address=None, silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
            self.name = f"a Dask LocalCluster of {n} workers"
        else:
            try:
                self._client = Client(address, timeout="5s")
            except (OSError, TimeoutError, ValueError) as err:
                raise InputError("--scheduler", address, f"no Dask scheduler answers there ({type(err).__name__}); "
                                 "give host:port of a running `dask scheduler`, or local") from None
            self.name = f"the Dask scheduler at {address}"
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})) or (workers or 1))

    def map(self, tasks: Iterable[Task], progress: Callable[[int], None] | None = None, fn: Callable | None = None
            ) -> Iterator[Result]:
        from distributed import wait

        fn = fn or run_task
        def wait_one(pending):
            done = wait(list(pending), return_when="FIRST_COMPLETED").done
            return min(done, key=lambda f: pending[f].chunk.id)

        submit = lambda t: self._client.submit(fn, t, pure=False)  # noqa: E731
        for task, out, err in _windowed(submit, tasks, wait_one, 2 * self.workers):
            yield task, out, err
            if progress is not None:        # once the caller has kept the chunk (it asks for the next one)
                progress(task.chunk.rows * task.days)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._client.close()
        if self._cluster is not None:
            with contextlib.suppress(Exception):
                self._cluster.close()


def make_executor(workers: int | None, scheduler: str | None):
    """The executor the flags ask for (in-process when neither is given)."""
    if workers is not None and workers < 1:
        raise InputError("--workers", str(workers), "must be a whole number of at least 1")
    if scheduler is not None:
        if not scheduler.strip():
            raise InputError("--scheduler", repr(scheduler), "expected host:port of a Dask scheduler, or local")
        return Dask(scheduler, workers)
    if workers is None or workers == 1:
        return InProcess()
    return Processes(workers)
