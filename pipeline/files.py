"""Opening the files a run reads (sources, the manifest, corrections) the safe way: only regular files,
never through a link that leaves their folder, and the size checked before a byte is read.

A user's raw/ folder is anyone's download: a link to /etc/passwd, a named pipe that blocks whoever
opens it, a link to /dev/zero, a sparse file of gigabytes. Each is refused with a message saying what
it is and what to do, and nothing is read from it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pipeline.model import PipelineError

MAX_MB = 50  # the largest source read, in MB of 1,000,000 bytes
MAX_BYTES = MAX_MB * 1_000_000

_SPECIAL = "not a regular file, so nothing was read from it; put the document itself there as an ordinary file, or remove it"
_KINDS = [(stat.S_ISDIR, "a folder; give a file, not a folder"), (stat.S_ISFIFO, f"a named pipe (FIFO), {_SPECIAL}"),
          (stat.S_ISCHR, f"a character device, {_SPECIAL}"), (stat.S_ISBLK, f"a block device, {_SPECIAL}"),
          (stat.S_ISSOCK, f"a socket, {_SPECIAL}")]
_WHAT_TO_DO = {FileNotFoundError: "check the path", PermissionError: "check the file's permissions"}


def read_file(path: Path, within: Path | None = None) -> tuple[bytes, int]:
    """(the file's bytes, its permission bits), or PipelineError saying why not. With ``within`` (the
    sources folder), a link leading out of that folder is not followed."""
    path = Path(path)
    real = os.path.realpath(path)
    if within is not None and path.is_symlink():
        root = os.path.realpath(within)
        if os.path.commonpath([root, real]) != root:
            raise PipelineError(f"{path}: is a link to {real}, outside {within}: links that leave the sources "
                                f"folder are not followed (they could expose any file on this machine); copy the "
                                f"file itself into {within} to read it.")
    try:
        info = os.stat(real)
    except OSError as exc:
        if path.is_symlink():
            raise PipelineError(f"{path}: is a link to {os.readlink(path)}, which does not exist; put the file "
                                "itself in raw/ or remove the link.") from exc
        raise PipelineError(f"{path}: cannot be read ({exc.strerror}); {_WHAT_TO_DO.get(type(exc), 'check the file')}.") from exc
    _regular(path, info)
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise PipelineError(f"{path}: cannot be read ({exc.strerror}); {_WHAT_TO_DO.get(type(exc), 'check the file')}.") from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)  # what was opened, should the name have been swapped since
        _regular(path, info)
        data = handle.read(MAX_BYTES + 1)  # never more, whatever the file claims or grows to
    if len(data) > MAX_BYTES:
        raise PipelineError(f"{path}: grew past the {MAX_MB} MB limit for one source while it was read; split the "
                            "document or extract the pages that hold the tables.")
    return data, stat.S_IMODE(info.st_mode)


def _regular(path: Path, info: os.stat_result) -> None:
    kind = next((name for test, name in _KINDS if test(info.st_mode)), None)
    if kind is not None:
        raise PipelineError(f"{path}: is {kind}.")
    check_size(path, info.st_size)


def check_size(path: Path, size: int) -> None:
    if size > MAX_BYTES:
        shown = f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.1f} MB"
        raise PipelineError(f"{path}: {shown} is over the {MAX_MB} MB limit for one source ({MAX_BYTES:,} bytes); "
                            "split the document or extract the pages that hold the tables.")
