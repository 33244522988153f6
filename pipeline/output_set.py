"""The files of a run (tables, validation.json, report.html, datapackage.json) switched into OUT/ as
one set, and one run at a time.

Every file is first written in full to ``OUT/.staging/``; only then are they renamed into place,
with Ctrl-C and SIGTERM held back for those few milliseconds, and ``datapackage.json`` last: it
records the sha256 of every other file of the set. A run killed before the switch leaves the folder
as it was; a run killed during it (kill -9 in those milliseconds) leaves files that do not match the
package, which ``validate`` reports and the next run replaces. A lock file keeps a second run (or
``validate``) into the same folder waiting until the first is done. A full disk or a folder that
cannot be written is an error that names the folder and what to do, and leaves no file behind.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

from pipeline.model import PipelineError

PACKAGE = "datapackage.json"
_STAGING = ".staging"
_LOCK = ".lock"


class OutputSet:
    """``with OutputSet(out) as files: files.write(name, data); ...; files.switch(package)``."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.staging = self.out / _STAGING
        self.staged: dict[str, dict] = {}
        self._lock_fd: int | None = None

    def __enter__(self) -> OutputSet:
        self._lock()
        for leftover in self.out.glob(".*.tmp"):  # an older version's temporary files, or a crash's
            leftover.unlink(missing_ok=True)
        shutil.rmtree(self.staging, ignore_errors=True)
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None

    def write(self, name: str, data: bytes) -> None:
        """Stage one file of the set (nothing in OUT/ changes yet)."""
        from pipeline.atomic import atomic_write

        try:
            atomic_write(self.staging / name, data)
        except OSError as exc:
            shutil.rmtree(self.staging, ignore_errors=True)
            raise PipelineError(cannot_write(self.out, exc, name)) from exc
        self.staged[name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    def switch(self, package: dict, kept: dict[str, dict] | None = None) -> None:
        """Move the staged files into OUT/, then the package recording them and ``kept`` (files of the
        set already in OUT/ that this run leaves as they are); files of the previous set that are in
        neither are removed."""
        from pipeline.children import signals_held
        from pipeline.export import json_bytes

        files = dict(sorted({**(kept or {}), **self.staged}.items()))
        previous = set(recorded_files(self.out))
        self.write(PACKAGE, json_bytes({**package, "files": files}))
        with signals_held():
            try:
                for name in [*files, PACKAGE]:
                    if name in self.staged:
                        os.replace(self.staging / name, self.out / name)
                for name in previous - set(files) - {PACKAGE}:
                    (self.out / name).unlink(missing_ok=True)
            except OSError as exc:
                raise PipelineError(cannot_write(self.out, exc, name)) from exc

    def _lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # not a POSIX system: no lock
            return
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.out / _LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise PipelineError(cannot_write(self.out, exc)) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            print(f"waiting: another run (process {holder}) is writing to {self.out}; this one goes on when it has "
                  "finished (Ctrl-C to stop waiting)", file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd


def recorded_files(out: Path) -> dict[str, dict]:
    """The files the package in ``out`` records, {} when there is no package or it records none."""
    try:
        package = json.loads((Path(out) / PACKAGE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = package.get("files") if isinstance(package, dict) else None
    return files if isinstance(files, dict) else {}


def mismatches(out: Path) -> list[str]:
    """Why the files in ``out`` are not the whole set its package records ([] when they are)."""
    out = Path(out)
    again = f"python -m pipeline run --out {out}"
    files = recorded_files(out)
    if not files:
        return [f"{out / PACKAGE}: missing, or records no checksums of the files (written by an older version?); "
                f"run `{again}` (`make run` for output/) to write the tables again"]
    problems = []
    for name, expected in files.items():
        path = out / name
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            problems.append(f"{path}: missing; run `{again}` to write the whole set again")
            continue
        if digest != expected.get("sha256"):
            problems.append(f"{path}: not the file {PACKAGE} records (another run's, or changed since): the folder "
                            f"mixes files of different runs; run `{again}` to write the whole set again")
    return problems


def cannot_write(folder: Path, exc: OSError, name: str = "") -> str:
    """An error writing the output folder, for people: what happened, where, and what to do."""
    what = f" while writing {name}" if name else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"{folder}: no space left on the device{what}; free some space there, or pass --out with a folder on "
                f"another disk. The files already in {folder} were left as they were.")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (f"{folder}: cannot be written ({exc.strerror}){what}; make the folder writable, or pass --out with a "
                f"folder you can write to. The files already in {folder} were left as they were.")
    return (f"{folder}: writing failed ({exc.strerror or exc}){what}; check the folder and the disk, then run again. "
            f"The files already in {folder} were left as they were.")
