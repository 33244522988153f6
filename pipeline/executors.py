"""Where sources are read and normalised: in worker processes on this machine (the default), or on a
Dask cluster (``--executor dask``) when a corpus is too big for one machine.

Reading a source is a pure function of its bytes (pipeline.prepare.read_and_normalise), so either
executor gives the same Prepared values, in the order of the files, and the same tables byte for
byte. Both hold each source to its time and memory budget (pipeline.budget) and turn an overrun or a
crash into an Overrun for that source alone. Dask is an optional extra, imported only here and only
when asked for, so a plain run starts as lean as before.
"""

from __future__ import annotations

import os
import time
from collections import deque

from pipeline.budget import Budget, Overrun, Processes, outcome, time_overrun, within_memory
from pipeline.model import PipelineError

EXECUTORS = ("processes", "dask")
DASK_MISSING = ("--executor dask needs Dask, an optional extra: install it with "
                "`.venv/bin/python -m pip install -e '.[dask]'` (or `make setup-dask`), then run again")


class Dask:
    """A Dask cluster: a LocalCluster of ``workers`` single-threaded worker processes, or the existing
    cluster whose scheduler is at ``scheduler`` (its workers must run this same pipeline code: checked
    on connecting). Each source is one task; no more tasks are given out than the cluster has threads,
    so a task's time budget starts about when it does. A task that overruns is cancelled and the
    worker running it restarted (Dask cannot stop a running task otherwise)."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None, timeout: float = 30) -> None:
        self.workers, self.scheduler, self.timeout = workers, scheduler, timeout
        self.cluster = self.client = None

    def __enter__(self) -> Dask:
        return self

    def _connect(self) -> None:
        """The cluster started or reached when there is a first source to read (a re-run whose sources
        all come from the cache starts none)."""
        import logging

        from distributed import Client, LocalCluster

        if self.scheduler is None:
            self.cluster = LocalCluster(n_workers=self.workers or os.cpu_count() or 1, threads_per_worker=1,
                                        processes=True, dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        else:
            from distributed.comm.addressing import get_address_host_port

            try:  # the address read before any client starts (a client that fails to start can leave its loop behind)
                get_address_host_port(self.scheduler)
            except ValueError as exc:  # not an address: no scheme Dask knows, no port
                raise PipelineError(f"--scheduler {self.scheduler}: not a Dask scheduler's address ({exc}); pass it "
                                    "as tcp://HOST:PORT, as `dask scheduler` prints it") from exc
            try:
                self.client = Client(self.scheduler, timeout=self.timeout)
            except OSError as exc:
                raise PipelineError(f"--scheduler {self.scheduler}: no Dask scheduler answered there ({exc}); start "
                                    "one (`dask scheduler`) or pass its address as tcp://HOST:PORT") from exc
        try:
            self._check_code()
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.cluster = self.client = None

    def _check_code(self) -> None:
        """Every worker reads with the code this run would: a worker with another version of the
        pipeline (or of its dictionaries) would give other tables, so it is refused."""
        from pipeline.prepare import reading_fingerprint

        try:
            self.client.wait_for_workers(1, timeout=self.timeout)
        except TimeoutError as exc:
            address = self.client.scheduler.address
            raise PipelineError(f"the Dask scheduler at {address} has no worker (none came in {self.timeout:g} s): "
                                f"start one, `dask worker {address}`, and run again") from exc
        own = reading_fingerprint()
        other = {address: theirs for address, theirs in self.client.run(reading_fingerprint).items() if theirs != own}
        if other:
            raise PipelineError(
                f"Dask workers {', '.join(sorted(other))} run other pipeline code than this one (their reading code "
                f"fingerprint is not {own}): install this same version of the project on them and start them again")

    def map(self, function, arguments: list[tuple], budget: Budget) -> list:
        from distributed import wait

        if not arguments:
            return []
        if self.client is None:
            self._connect()
        results: list = [None] * len(arguments)
        todo = deque(range(len(arguments)))
        running: dict = {}  # future -> (index, deadline)
        threads = max(1, sum(self.client.nthreads().values()))
        while todo or running:
            while todo and len(running) < threads:
                index = todo.popleft()
                future = self.client.submit(_on_worker, function, arguments[index], budget.megabytes, pure=False)
                running[future] = (index, time.monotonic() + budget.seconds)
            wait_for = max(0.0, min(deadline for _, deadline in running.values()) - time.monotonic())
            try:
                done, _ = wait(list(running), timeout=wait_for, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            for future in done:
                index, _ = running.pop(future)
                results[index] = self._answer(future, budget)
            overdue = [future for future, (_, deadline) in running.items() if time.monotonic() >= deadline]
            if overdue:
                self._stop(overdue)
                for future in overdue:
                    results[running.pop(future)[0]] = time_overrun(budget)
        return results

    def _answer(self, future, budget: Budget):
        try:
            (status, value), address = future.result()
        except Exception as exc:  # the worker died (KilledWorker) or the task could not run there
            return Overrun(f"the Dask worker reading it failed ({type(exc).__name__}: {exc}), so it was not read; if "
                           "this happens again with this file, report it with the file")
        if status == "memory":  # its memory may be left half-updated
            self.client.restart_workers([address], raise_for_error=False)
        return outcome(status, value, budget)

    def _stop(self, futures: list) -> None:
        keys = {future.key for future in futures}
        busy = [worker for worker, tasks in self.client.processing().items() if keys & set(tasks)]
        self.client.cancel(futures, force=True)
        if busy:
            self.client.restart_workers(busy, raise_for_error=False)


def _on_worker(function, arguments: tuple, megabytes: int) -> tuple:
    """One source on a Dask worker, within the memory budget where the worker runs one task at a time
    (an address-space limit is the process's, so a worker of several threads relies on Dask's own
    memory limit); returns the answer and the worker's address."""
    from distributed import get_worker

    worker = get_worker()
    return within_memory(function, arguments, megabytes if worker.state.nthreads == 1 else None), worker.address


def executor(name: str, workers: int | None = None, scheduler: str | None = None) -> Processes | Dask:
    """The executor ``--executor name`` asks for (one worker process when ``--workers`` is not given)."""
    if name == "dask":
        return Dask(workers, scheduler)
    return Processes(workers or 1)
