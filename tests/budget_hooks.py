"""A source reader that misbehaves on purpose, for the budget and orphan tests: a source whose text
holds one of the markers below sleeps, eats memory, crashes or raises while it is normalised. Tests
start it in place of the real worker (``pipeline.budget.WORKER``)."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

SLOW, HOG, CRASH, BUG = "慢慢来SLOW", "吃内存HOG", "崩溃CRASH", "出错BUG"
SLOW_ACROSS = "跨来源慢SLOW-ACROSS"  # slows the second reading across sources, not the source's own
STARTED = "BUDGET_HOOKS_STARTED"  # a folder where a slow reader leaves its pid when it starts sleeping


def worker_code() -> str:
    return f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import budget_hooks; budget_hooks.serve()"


def serve() -> None:
    import pipeline.normalize as normalize
    import pipeline.normalize.elsewhere as elsewhere
    from pipeline.budget import serve as real_serve

    original, original_across = normalize.normalize_lines, elsewhere.read_elsewhere

    def slow_across(sources):
        if any(SLOW_ACROSS in line for source in sources if source.doc for line in source.lines):
            time.sleep(3600)
        return original_across(sources)

    def misbehaving(lines, **kwargs):
        text = "\n".join(lines)
        if SLOW in text:
            if os.environ.get(STARTED):
                (Path(os.environ[STARTED]) / str(os.getpid())).touch()
            time.sleep(3600)
        if HOG in text:
            hoard = []
            while True:
                hoard.append(bytearray(64 << 20))
        if CRASH in text:
            os.kill(os.getpid(), signal.SIGKILL)
        if BUG in text:
            raise ZeroDivisionError("a bug on purpose")
        return original(lines, **kwargs)

    normalize.normalize_lines = misbehaving
    elsewhere.read_elsewhere = slow_across
    real_serve()


def run_with_hooks(raw: str, out: str, workers: str) -> None:
    """``python -c`` entry for the orphan tests: a run whose readers are these."""
    from pipeline import budget
    from pipeline.__main__ import main

    budget.WORKER = worker_code()
    sys.exit(main(["run", "--raw", raw, "--out", out, "--workers", workers]))
