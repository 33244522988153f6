"""What one source holds, found and resolved without looking at any other source, kept between runs.

Building the tables has two kinds of work: per source (find the tables of a text, resolve their
names against the gazetteer) and across sources (merge copies, vote, check claims). The first is
most of the cost and, for a source whose bytes and id have not changed, gives the same answer every
run; so each such result is stored in ``OUT/.cache/findings/`` under the source's sha256, its id and
a fingerprint of the code, with the data-quality records it made. A re-run after adding one file
recomputes only that file's findings.

Results are stored pickled the moment they are computed and unpickled when used, so what the
cross-source steps later do to them never leaks into the cache.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Hashable
from pathlib import Path

from pipeline.cache import code_fingerprint, load_pickle, store
from pipeline.model import QualityRecord
from pipeline.prepare import READING_CODE

# what reads the text (its lines are the input) and what finds and resolves tables in it
_CODE = (*READING_CODE, "findings.py", "build.py", "claims.py", "extract", "reconcile")


class SourceFindings:
    """The stored findings of one source; ``cache`` None keeps nothing (``--no-cache``)."""

    def __init__(self, cache: Path | None, sha256: str, source_id: str):
        self.path = None
        self.entries: dict[Hashable, bytes] = {}
        self.used: set[Hashable] = set()
        self.changed = False
        if cache is None:
            return
        who = hashlib.sha256(f"{sha256}\n{source_id}\n{code_fingerprint(_CODE)}".encode()).hexdigest()
        self.path = cache / f"{who}.pickle"
        self.entries = load_pickle(self.path, dict) or {}

    def get(self, key: Hashable, compute: Callable[[list[QualityRecord]], object],
            quality: list[QualityRecord]):
        """``compute(records)`` the first time (it appends its data-quality records to ``records``),
        the stored result after; either way the records are added to ``quality``."""
        self.used.add(key)
        if key not in self.entries:
            records: list[QualityRecord] = []
            result = compute(records)
            self.entries[key] = pickle.dumps((result, records))
            self.changed = True
        result, records = pickle.loads(self.entries[key])
        quality.extend(records)
        return result

    def save(self) -> None:
        """Store what this run computed, dropping what it no longer asked for (findings for another
        set of domain names or regions)."""
        if self.path is None:
            return
        if set(self.entries) - self.used:
            self.entries = {key: value for key, value in self.entries.items() if key in self.used}
            self.changed = True
        if not self.changed:
            return
        store(self.path, pickle.dumps(self.entries))
        self.changed = False
