"""What the run's caches in ``OUT/.cache/`` share: a fingerprint of the code a cached result depends
on, storing (a cache that cannot be written is said once, and the run goes on), loading a stored
pickle (a damaged one is a miss, not an error), and pruning to what the run used."""

from __future__ import annotations

import hashlib
import pickle
import sys
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=None)
def code_fingerprint(entries: tuple[str, ...]) -> str:
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


def load_pickle(path: Path, kind: type):
    """The stored ``kind`` object, or None when there is none, it cannot be read back, or it is
    something else (a file from another program)."""
    try:
        stored = pickle.loads(path.read_bytes())
        return stored if isinstance(stored, kind) else None
    # no file, or one cut short or garbled, which can fail in any of these ways: a miss, read again
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError, IndexError, KeyError,
            ImportError):
        return None


def store(path: Path, data: bytes) -> None:
    """Write a cache entry atomically; when the cache cannot be written (a read-only folder, a full disk)
    the run goes on without it, saying so once."""
    from pipeline.export import atomic_write

    try:
        atomic_write(path, data)
    except OSError as exc:
        _cannot_write(path.parent, exc)


_UNWRITABLE: set[Path] = set()  # caches already said to be unwritable in this process


def _cannot_write(folder: Path, exc: OSError) -> None:
    top = next((p for p in (folder, *folder.parents) if p.name == ".cache"), folder)
    if top in _UNWRITABLE:
        return
    _UNWRITABLE.add(top)
    print(f"warning: the cache in {top} cannot be written ({exc.strerror or exc}); this run goes on without "
          "storing what it reads, so the next one reads everything again: make the folder writable, or use "
          "--no-cache", file=sys.stderr)


def prune(folder: Path, keep: set[str], suffix: str) -> None:
    """Delete the ``*suffix`` files of ``folder`` this run did not use (sources removed or changed,
    tables that changed, code that changed), so the cache does not grow run after run."""
    if folder.is_dir():
        for path in folder.glob(f"*{suffix}"):
            if path.name not in keep:
                try:
                    path.unlink(missing_ok=True)
                except OSError as exc:
                    _cannot_write(folder, exc)
