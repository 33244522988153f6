"""Reading and normalising one source: the costly, independent part of a run, so it is cached and
can run in parallel.

The cache keys a source by the sha256 of its bytes and a fingerprint of the code and data that read
and normalise it, so adding one file to raw/ re-reads only that file, and changing a repair re-reads
everything. Results come back in the order of the files, whatever the number of workers, so the
output does not depend on it.
"""

from __future__ import annotations

import hashlib
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.cache import code_fingerprint, load_pickle, store
from pipeline.model import Document, PipelineError, Repair

READING_CODE = ("ingest.py", "pdf.py", "model.py", "manifest.py", "prepare.py", "package_data.py", "normalize",
                "data", "reconcile/gazetteer.py")


@dataclass
class Prepared:
    doc: Document | None
    error: str = ""
    lines: list[str] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    script: str = ""
    edition: int | None = None
    sha256: str = ""  # of the file's bytes, also when they are not a readable document ('' if unreadable)


def cache_name(sha256: str) -> str:
    return f"{sha256}-{code_fingerprint(READING_CODE)}.pickle"


def prepare(path: Path, meta: dict, cache: Path | None) -> Prepared:
    try:
        data = path.read_bytes()
    except OSError:
        data = None  # read_source tries again and says why it cannot
    sha256 = hashlib.sha256(data).hexdigest() if data is not None else ""
    cached = cache / cache_name(sha256) if cache is not None and sha256 else None
    done = load_pickle(cached, Prepared) if cached is not None else None
    if done is not None:
        if done.doc is not None:  # the same bytes may come under another name or manifest entry
            done.doc.file, done.doc.meta = path.name, dict(meta)
        return done
    done = _prepare(path, meta, data)
    done.sha256 = sha256
    if cached is not None and done.doc is not None:
        store(cached, pickle.dumps(done))
    return done


def _prepare(path: Path, meta: dict, data: bytes | None) -> Prepared:
    from pipeline.ingest import read_source
    from pipeline.manifest import infer_edition
    from pipeline.normalize import detect_script, normalize_lines

    try:
        doc = read_source(path, meta, data=data)
    except PipelineError as exc:
        return Prepared(None, str(exc))
    lines, repairs = normalize_lines(doc.lines)
    return Prepared(doc, "", lines, repairs, detect_script(doc.lines), infer_edition(lines))


def prepare_all(paths: list[Path], metas: list[dict], workers: int, cache: Path | None) -> list[Prepared]:
    if workers <= 1 or len(paths) <= 1:
        return [prepare(p, m, cache) for p, m in zip(paths, metas)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(prepare, paths, metas, [cache] * len(paths)))
