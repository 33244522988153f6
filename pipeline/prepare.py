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
from functools import lru_cache
from pathlib import Path

from pipeline.model import Document, PipelineError, Repair

_CODE = ("ingest.py", "pdf.py", "model.py", "manifest.py", "prepare.py", "package_data.py", "normalize", "data",
         "reconcile/gazetteer.py")


@dataclass
class Prepared:
    doc: Document | None
    error: str = ""
    lines: list[str] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    script: str = ""
    edition: int | None = None


@lru_cache(maxsize=None)
def code_fingerprint(entries: tuple[str, ...] = _CODE) -> str:
    """Hash of every file (under pipeline/) that decides what a cached step produces, and of the
    versions of the packages whose data it reads."""
    from importlib.metadata import PackageNotFoundError, version

    root = Path(__file__).resolve().parent
    try:
        versions = " ".join(version(p) for p in ("jionlp", "jieba", "opencc"))
    except PackageNotFoundError as missing:
        raise RuntimeError(f"the {missing.name} package is not installed; run `make setup`") from None
    digest = hashlib.sha256(versions.encode())
    for entry in entries:
        target = root / entry
        files = sorted(target.rglob("*")) if target.is_dir() else [target]
        for path in files:
            if path.is_file() and path.suffix in (".py", ".tsv"):
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_name(sha256: str) -> str:
    return f"{sha256}-{code_fingerprint()}.pickle"


def prune_cache(folder: Path, keep: set[str], suffix: str) -> None:
    """Delete the ``*suffix`` files of ``folder`` this run did not use (sources removed or changed,
    tables that changed, code that changed), so the cache does not grow run after run."""
    if folder.is_dir():
        for path in folder.glob(f"*{suffix}"):
            if path.name not in keep:
                path.unlink(missing_ok=True)


def prepare(path: Path, meta: dict, cache: Path | None) -> Prepared:
    cached = None
    if cache is not None:
        try:
            key = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            key = None
        cached = cache / cache_name(key) if key else None
        if cached is not None and cached.exists():
            try:
                done = pickle.loads(cached.read_bytes())
            except (pickle.UnpicklingError, EOFError, AttributeError):
                done = None
            if done is not None:
                if done.doc is not None:  # the same bytes may come under another name or manifest entry
                    done.doc.file, done.doc.meta = path.name, dict(meta)
                return done
    done = _prepare(path, meta)
    if cached is not None and done.doc is not None:
        cache.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(".tmp")
        temporary.write_bytes(pickle.dumps(done))
        temporary.replace(cached)
    return done


def _prepare(path: Path, meta: dict) -> Prepared:
    from pipeline.ingest import read_source
    from pipeline.manifest import infer_edition
    from pipeline.normalize import detect_script, normalize_lines

    try:
        doc = read_source(path, meta)
    except PipelineError as exc:
        return Prepared(None, str(exc))
    lines, repairs = normalize_lines(doc.lines)
    return Prepared(doc, "", lines, repairs, detect_script(doc.lines), infer_edition(lines))


def prepare_all(paths: list[Path], metas: list[dict], workers: int, cache: Path | None) -> list[Prepared]:
    if workers <= 1 or len(paths) <= 1:
        return [prepare(p, m, cache) for p, m in zip(paths, metas)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(prepare, paths, metas, [cache] * len(paths)))
