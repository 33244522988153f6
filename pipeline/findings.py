"""What one source holds, found and resolved without looking at any other source, kept between runs.

Building the tables has two kinds of work: per source (find the tables of a text, resolve their
names against the gazetteer) and across sources (merge copies, vote, check claims). The first is
most of the cost and gives the same answer every run for the same normalised lines, locations and
source id (what it is computed from, whatever changed the lines: a pass that reads other sources
too); so each result is stored in ``OUT/.cache/findings/`` under a digest of those and a fingerprint
of the code, with the data-quality records it made. A re-run after adding one file recomputes only
that file's findings.

Results are encoded (pipeline.codec) the moment they are computed and decoded when used, so what
the cross-source steps later do to them never leaks into the cache.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable
from pathlib import Path

from pipeline.model import QualityRecord

_FINDING = ("pipeline.build", "pipeline.findings")  # the modules that find and resolve (see cache.code_fingerprint)


class SourceFindings:
    """The stored findings of one source; ``cache`` None keeps nothing (``--no-cache``). ``mode`` is the
    source file's permission bits: the stored findings get no more."""

    def __init__(self, cache: Path | None, source_id: str, lines: list[str], locations: list[str], mode: int):
        from pipeline.cache import SUFFIX, code_fingerprint, load

        self.path = None
        self.mode = mode
        self.entries: dict[Hashable, str] = {}
        self.used: set[Hashable] = set()
        self.changed = False
        if cache is None:
            return
        read = json.dumps([source_id, lines, locations], ensure_ascii=False).encode("utf-8", "surrogatepass")
        who = hashlib.sha256(read + code_fingerprint(*_FINDING).encode()).hexdigest()
        self.path = cache / f"{who}{SUFFIX}"
        try:
            self.entries = {key: value for key, value in load(self.path, list) or [] if isinstance(value, str)}
        except (TypeError, ValueError):  # verified, but not the shape this version stores: computed again
            self.entries = {}

    def get(self, key: Hashable, compute: Callable[[list[QualityRecord]], object],
            quality: list[QualityRecord]):
        """``compute(records)`` the first time (it appends its data-quality records to ``records``),
        the stored result after; either way the records are added to ``quality``."""
        from pipeline import codec

        self.used.add(key)
        try:
            result, records = codec.loads(self.entries[key])
        except (KeyError, ValueError, TypeError):  # not stored, or not what this version stores: computed again
            records = []
            self.entries[key] = codec.dumps((compute(records), records))
            self.changed = True
            result, records = codec.loads(self.entries[key])
        quality.extend(records)
        return result

    def save(self) -> None:
        """Store what this run computed, dropping what it no longer asked for (findings for another
        set of domain names or regions)."""
        from pipeline.cache import store

        if self.path is None:
            return
        if set(self.entries) - self.used:
            self.entries = {key: value for key, value in self.entries.items() if key in self.used}
            self.changed = True
        if not self.changed:
            return
        store(self.path, list(self.entries.items()), self.mode)
        self.changed = False
