"""An output folder holds a whole set or the set it held: a run killed while writing leaves the old
files, two runs into one folder take turns, `validate` refuses a folder whose files do not match its
package, and a full disk or a folder that cannot be written is a message, with no file left behind."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import time

import pandas as pd
import pytest

from conftest import ROOT


def cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=ROOT,
                          **kwargs)


def published(out) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file() and not p.name.startswith(".")}


@pytest.fixture(scope="module")
def two_raws(tmp_path_factory):
    """raw/ itself, and raw/ with a fourth copy of the top-100 (another sources table, another vote)."""
    bigger = tmp_path_factory.mktemp("bigger")
    shutil.copytree(ROOT / "raw", bigger, dirs_exist_ok=True)
    shutil.copy(ROOT / "raw" / "rfidworld_repost_ccid2020.txt", bigger / "another_repost.txt")
    return ROOT / "raw", bigger


@pytest.fixture(scope="module")
def two_sets(tmp_path_factory, two_raws):
    """A run's folder for each of the two raw folders."""
    from pipeline.run import run

    small, bigger = two_raws
    first, second = tmp_path_factory.mktemp("small_set"), tmp_path_factory.mktemp("bigger_set")
    assert run(small, first) == 0 and run(bigger, second) == 0
    return first, second


def copy_of(folder, tmp_path):
    shutil.copytree(folder, tmp_path / "out")
    return tmp_path / "out"


def sources_rows(out):
    return (len(pd.read_csv(out / "sources.csv", keep_default_na=False)), len(pd.read_parquet(out / "sources.parquet")))


def test_a_run_killed_while_writing_its_files_leaves_the_folder_as_it_was(tmp_path, two_raws, two_sets):
    from pipeline.run import run

    _, bigger = two_raws
    out = copy_of(two_sets[0], tmp_path)
    before = published(out)
    marker = tmp_path / "writing"
    code = f"""
import pathlib, sys, time
from pipeline import output_set
write = output_set.OutputSet.write
def write_then_hang(self, name, data):
    write(self, name, data)
    if len(self.staged) == 5:
        pathlib.Path({str(marker)!r}).touch()
        time.sleep(3600)
output_set.OutputSet.write = write_then_hang
from pipeline.__main__ import main
sys.exit(main(["run", "--raw", {str(bigger)!r}, "--out", {str(out)!r}]))
"""
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    process.kill()
    process.wait()
    assert published(out) == before  # five new files were written, none of them in place
    assert (out / ".staging").is_dir()
    assert cli("validate", "--out", str(out)).returncode == 0
    assert run(bigger, out) == 0
    assert not (out / ".staging").exists() and sources_rows(out) == (6, 6)


def test_validate_refuses_a_folder_that_mixes_files_of_two_runs(tmp_path, two_sets):
    first, second = copy_of(two_sets[0], tmp_path / "a"), copy_of(two_sets[1], tmp_path / "b")
    shutil.copy(second / "sources.csv", first / "sources.csv")  # what a kill while switching files could leave
    result = cli("validate", "--out", str(first))
    assert result.returncode == 1
    assert f"{first / 'sources.csv'}: not the file datapackage.json records" in result.stderr
    assert f"mixes files of different runs; run `python -m pipeline run --out {first}`" in result.stderr
    assert cli("validate", "--out", str(second)).returncode == 0
    (second / "sources.parquet").unlink()
    assert "sources.parquet: missing" in cli("validate", "--out", str(second)).stderr
    missing = cli("validate", "--out", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such folder" in missing.stderr and not (tmp_path / "nowhere").exists()


def test_two_runs_into_one_folder_take_turns_and_leave_a_whole_set(tmp_path, two_raws):
    small, bigger = two_raws
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--raw", str(bigger), "--out", str(out)],
                             cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not ((out / ".lock").exists() and (out / ".lock").read_text().strip() == str(first.pid)):
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    second = cli("run", "--raw", str(small), "--out", str(out))
    first.communicate()
    assert (first.returncode, second.returncode) == (0, 0)
    assert f"waiting: another run (process {first.pid}) is writing to {out}" in second.stderr
    assert sources_rows(out) == (5, 5)  # the second run's set, whole
    assert cli("validate", "--out", str(out)).returncode == 0


class DiskFullOnClose:
    """What a full disk does to a buffered file: the write seems to go through, closing it fails."""

    def __init__(self, fd: int):
        self.fd = fd

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        os.close(self.fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    def write(self, data):
        return len(data)


def test_a_full_disk_is_a_message_and_leaves_no_temporary_file(tmp_path, monkeypatch, capsys, two_sets):
    from pipeline.__main__ import main

    out = copy_of(two_sets[0], tmp_path)
    shutil.rmtree(out / ".cache")
    before = published(out)
    real = os.fdopen
    written = []

    def filling(fd, mode="r", *args, **kwargs):
        if "w" not in mode:
            return real(fd, mode, *args, **kwargs)
        written.append(fd)
        return real(fd, mode, *args, **kwargs) if len(written) < 8 else DiskFullOnClose(fd)

    monkeypatch.setattr(os, "fdopen", filling)
    capsys.readouterr()
    assert main(["run", "--out", str(out)]) == 1
    monkeypatch.undo()
    errors = capsys.readouterr().err
    assert f"error: {out}: no space left on the device while writing" in errors
    assert "free some space there, or pass --out with a folder on another disk" in errors
    assert "the cache in" in errors  # the cache could not be written either: said once, the run went on
    assert "Traceback" not in errors
    assert published(out) == before
    assert [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name == ".staging"] == []


def test_a_folder_that_cannot_be_written_is_a_message_before_anything_is_read(tmp_path, monkeypatch, capsys):
    from pipeline import output_set
    from pipeline.__main__ import main

    real = os.open

    def read_only(path, flags, *args, **kwargs):
        if str(path).startswith(str(tmp_path)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system")
        return real(path, flags, *args, **kwargs)

    (tmp_path / "out").mkdir()
    monkeypatch.setattr(output_set.os, "open", read_only)
    assert main(["run", "--out", str(tmp_path / "out")]) == 1
    errors = capsys.readouterr().err
    assert f"error: {tmp_path / 'out'}: cannot be written (Read-only file system)" in errors
    assert "make the folder writable, or pass --out with a folder you can write to" in errors
    assert "reading sources" not in errors and "Traceback" not in errors


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_for_real(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = cli("run", "--out", str(out))
    finally:
        out.chmod(0o755)
    assert result.returncode == 1 and "cannot be written (Permission denied)" in result.stderr
    assert "Traceback" not in result.stderr
