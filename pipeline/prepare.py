"""Reading and normalising the sources: the costly, independent part of a run, so it is cached, runs
in worker processes within each source's time and memory budget (pipeline.budget), and in parallel.

The cache keys a source by the sha256 of its bytes and a fingerprint of the code and data that read
and normalise it, so adding one file to raw/ re-reads only that file, and changing a repair re-reads
everything. Results come back in the order of the files, whatever the number of workers, so the
output does not depend on it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.model import Document, PipelineError, QualityRecord, Repair

ALL_SOURCES = "all sources"  # the source_id of a record about a step that reads every source at once
_READING = "pipeline.prepare"  # the module whose imports are the reading step (see cache.code_fingerprint)


@dataclass
class Prepared:
    doc: Document | None
    error: str = ""
    lines: list[str] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    script: str = ""
    edition: int | None = None
    sha256: str = ""  # of the file's bytes, also when they are not a readable document ('' if unreadable)
    mode: int = 0o600  # the file's permission bits: its cache entries get no more


def reading_fingerprint() -> str:
    """The code and data that read and normalise a source (also asked of each Dask worker)."""
    from pipeline.cache import code_fingerprint

    return code_fingerprint(_READING)


def cache_name(sha256: str) -> str:
    from pipeline.cache import SUFFIX

    return f"{sha256}-{reading_fingerprint()}{SUFFIX}"


def prepare_all(paths: list[Path], metas: list[dict], root: Path, cache: Path | None, executor=None,
                budget=None) -> list[Prepared]:
    """Every file of ``root`` (raw/) read and normalised, from ``cache`` where the same bytes were read
    by the same code before, the others within ``budget`` on ``executor`` (pipeline.executors; one
    worker process by default)."""
    from pipeline.budget import Budget, Overrun, Processes
    from pipeline.cache import load, store
    from pipeline.files import read_file

    done: list[Prepared | None] = []
    unread: list[tuple[int, Path, dict, bytes, str, int]] = []  # (index, path, meta, bytes, sha256, mode)
    for path, meta in zip(paths, metas):
        try:
            data, mode = read_file(path, root)
        except PipelineError as exc:
            done.append(Prepared(None, str(exc)))
            continue
        sha256 = hashlib.sha256(data).hexdigest()
        stored = load(cache / cache_name(sha256), Prepared) if cache is not None else None
        if stored is not None and stored.doc is not None:
            stored.doc.file, stored.doc.meta = path.name, dict(meta)  # the same bytes may come under another name
            stored.mode = mode
        else:
            unread.append((len(done), path, meta, data, sha256, mode))
        done.append(stored)
    results = (executor or Processes()).map(read_and_normalise,
                                            [(path, meta, data) for _, path, meta, data, _, _ in unread],
                                            budget or Budget())
    for (index, path, _, _, sha256, mode), result in zip(unread, results):
        if isinstance(result, Overrun):
            result = Prepared(None, f"{path}: {result}")
        result.sha256, result.mode = sha256, mode
        if cache is not None and result.doc is not None:
            store(cache / cache_name(sha256), result, mode)
        done[index] = result
    return done


def read_across(prepared: list[Prepared], quality: list, cache: Path | None = None, budget=None) -> list[Prepared]:
    """The second reading of the byte damage no line could read alone, with evidence from every source
    (pipeline.normalize.elsewhere), in a worker within the budget, where the lexicon the first reading
    loaded is still in memory. Its outcome depends on every source, so it is cached (in ``cache``/across)
    under the names and sha256 of them all and the reading code: a re-run with nothing new does not read
    again. When it overruns, the first readings stand (their spans flagged as read) and a data_quality
    row says so."""
    import sys

    from pipeline.budget import Budget, Overrun, map_within
    from pipeline.cache import SUFFIX, load, prune, store

    readable = [p for p in prepared if p.doc is not None]
    entry = None
    if cache is not None:
        key = json.dumps([reading_fingerprint(), [(p.doc.file, p.sha256) for p in readable]], ensure_ascii=False)
        entry = cache / "across" / f"{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}{SUFFIX}"
        prune(entry.parent, {entry.name})
        stored = load(entry, list)
        if stored is not None:
            read_again = {index: (lines, repairs) for index, lines, repairs in stored}
            for index, source in enumerate(readable):
                source.lines, source.repairs = read_again.get(index, (source.lines, source.repairs))
            return prepared
    result, = map_within(_read_elsewhere, [(prepared,)], 1, budget or Budget())
    if isinstance(result, Overrun):
        why = (f"the second reading of byte damage, across all sources, was stopped: {result}; each span it would "
               "have read again stays as the first reading left it, flagged")
        print(f"warning: {why}", file=sys.stderr)
        quality.append(QualityRecord(ALL_SOURCES, "", "text", "second reading across sources stopped", "", "", why))
        return prepared
    if entry is not None:  # what it changed, with no more permissions than the most private of the sources
        changed = [(index, after.lines, after.repairs) for index, (before, after) in
                   enumerate(zip(readable, (p for p in result if p.doc is not None)))
                   if (before.lines, before.repairs) != (after.lines, after.repairs)]
        mode = 0o666
        for source in readable:
            mode &= source.mode
        store(entry, changed, mode)
    return result


def _read_elsewhere(prepared: list[Prepared]) -> list[Prepared]:
    from pipeline.normalize.elsewhere import read_elsewhere

    read_elsewhere(prepared)
    return prepared


def read_and_normalise(path: Path, meta: dict, data: bytes) -> Prepared:
    """One source, in a worker (see pipeline.budget)."""
    from pipeline.ingest import read_source
    from pipeline.manifest import infer_edition
    from pipeline.normalize import detect_script, normalize_lines

    try:
        doc = read_source(path, meta, data=data)
    except PipelineError as exc:
        return Prepared(None, str(exc))
    lines, repairs = normalize_lines(doc.lines)
    return Prepared(doc, "", lines, repairs, detect_script(doc.lines), infer_edition(lines))
