"""Each source read and normalised within a time and a memory budget, in worker processes that the
run stops when one overruns: one pathological file (markup nested a hundred thousand deep, millions
of damaged characters, a bug) becomes a failed source whose message names the budget and how to
raise it, and every other source is read and every table written.

Workers are kept for the next source, and for the next run in the same Python process (the test
suite, a notebook), since starting one (imports, the word lexicon) costs more than most sources do;
a worker that overran is killed and replaced. The memory budget is the address space a worker may
add while reading one source (enforced where the system supports it: Linux).
"""

from __future__ import annotations

import atexit
import os
import select
import sys
import time
import traceback
from collections import deque
from dataclasses import dataclass

from pipeline import children

WORKER = "from pipeline.budget import serve; serve()"  # what a worker runs (a test starts its own)


@dataclass(frozen=True)
class Budget:
    """What one source may take to be read and normalised. The defaults leave room for the largest
    documents a run accepts (50 MB of text, 500 PDF pages: well under a minute to a few here)."""

    seconds: float = 300.0
    megabytes: int = 4096


class Overrun(Exception):
    """Why a source was not read: it overran its budget, or the process reading it failed."""


class Processes:
    """The executor of a plain run (see pipeline.executors): up to ``workers`` worker processes of
    this machine, each source within its budget."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def map(self, function, arguments: list[tuple], budget: Budget) -> list:
        return map_within(function, arguments, self.workers, budget)


def map_within(function, arguments: list[tuple], workers: int, budget: Budget) -> list:
    """``function(*args)`` for each of ``arguments``, in up to ``workers`` processes, in order; an
    entry that overran its budget or crashed is an Overrun saying so."""
    results: list = [None] * len(arguments)
    todo = deque(range(len(arguments)))
    busy: dict[int, _Worker] = {}
    try:
        while todo or busy:
            while todo and len(busy) < max(workers, 1):
                index = todo.popleft()
                worker = _worker()
                if worker is None:  # no process can be started: read here, without a budget
                    results[index] = function(*arguments[index])
                    continue
                worker.give(index, function, arguments[index], budget)
                busy[worker.fileno] = worker
            if not busy:
                continue
            wait = max(0.0, min(w.deadline for w in busy.values()) - time.monotonic())
            ready, _, _ = select.select(list(busy), [], [], wait)
            for fileno in ready:
                worker = busy.pop(fileno)
                results[worker.index] = worker.answer(budget)
            for fileno, worker in list(busy.items()):
                if time.monotonic() >= worker.deadline:
                    del busy[fileno]
                    worker.stop()
                    results[worker.index] = time_overrun(budget)
    except BaseException:
        for worker in busy.values():
            worker.stop()
        raise
    return results


def outcome(status: str, value, budget: Budget):
    """What a worker's answer (see ``within_memory``) means for the run: the value, or an Overrun."""
    if status == "ok":
        return value
    if status == "memory":
        return Overrun(f"reading and normalising it needed more than the {budget.megabytes} MB memory budget for "
                       "one source, so it was stopped; if it is a real document and the machine has the memory, "
                       f"run again with --source-memory {budget.megabytes * 2}")
    print(value, file=sys.stderr)
    return Overrun(f"reading it failed with an internal error ({value.strip().splitlines()[-1]}); report it with "
                   "the file (the traceback is above)")


def time_overrun(budget: Budget) -> Overrun:
    return Overrun(f"reading and normalising it took longer than the {budget.seconds:g} s budget for one source, "
                   "so it was stopped; if it is a real document, give it more time: python -m pipeline run "
                   f"--source-seconds {budget.seconds * 4:g}")


_IDLE: list[_Worker] = []
_WARNED: list[str] = []


def _worker() -> _Worker | None:
    while _IDLE:
        worker = _IDLE.pop()
        if worker.process.poll() is None:
            return worker
        worker.stop()
    try:
        return _Worker()
    except OSError as exc:
        if not _WARNED:
            _WARNED.append(str(exc))
            print(f"warning: no process can be started to read sources in ({exc.strerror or exc}); reading them in "
                  "this one, without the time and memory budget", file=sys.stderr)
        return None


@atexit.register
def close_idle() -> None:
    """Stop the workers kept for later (at exit, or before a test that starts its own)."""
    while _IDLE:
        _IDLE.pop().stop()


class _Worker:
    def __init__(self) -> None:
        self.process = children.start(WORKER)
        self.fileno = self.process.stdout.fileno()
        self.index = -1
        self.deadline = float("inf")

    def give(self, index: int, function, arguments: tuple, budget: Budget) -> None:
        self.index, self.deadline = index, time.monotonic() + budget.seconds
        try:
            children.send(self.process.stdin, (function, arguments, budget.megabytes))
        except OSError:
            pass  # it died while idle: answer() finds its output closed and says so

    def answer(self, budget: Budget):
        try:
            status, value = children.receive(self.process.stdout)
        except EOFError:
            self.stop()
            code = self.process.returncode
            how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
            return Overrun(f"the process reading it ended unexpectedly ({how}), so it was not read; if this happens "
                           "again with this file, report it with the file")
        if status == "memory":
            self.stop()  # its memory may be left half-updated
        else:
            _IDLE.append(self)
        return outcome(status, value, budget)

    def stop(self) -> None:
        children.stop(self.process)


def serve() -> None:
    """A worker: run each function it is sent within the memory budget, answer, and wait for the next."""
    requests, answers = children.serving()
    while True:
        try:
            function, arguments, megabytes = children.receive(requests)
        except EOFError:
            return
        answer = within_memory(function, arguments, megabytes)
        try:
            children.send(answers, answer)
        except OSError:  # the run is gone
            os._exit(0)
        if answer[0] == "memory":
            return


def within_memory(function, arguments: tuple, megabytes: int | None) -> tuple:
    """("ok", result), ("memory", None) or ("error", traceback): ``function(*arguments)`` with at
    most ``megabytes`` more address space (see ``outcome``)."""
    limits = _limit_memory(megabytes)
    try:
        return "ok", function(*arguments)
    except MemoryError:
        return "memory", None
    except Exception:
        return "error", traceback.format_exc()
    finally:
        if limits is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, limits)


def _limit_memory(megabytes: int | None):
    """Let this process grow by ``megabytes`` of address space from here; returns the limits to put
    back, or None where there is no limit to set or the system does not say how large the process is."""
    if megabytes is None:
        return None
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as handle:
            size = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        return None
    limits = resource.getrlimit(resource.RLIMIT_AS)
    wanted = size + megabytes * 1024 * 1024
    if limits[1] != resource.RLIM_INFINITY:
        wanted = min(wanted, limits[1])
    resource.setrlimit(resource.RLIMIT_AS, (wanted, limits[1]))
    return limits
