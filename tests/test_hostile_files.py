"""Files in raw/ that reach outside it or break the tables: links out of raw/ are not followed, named
pipes and devices get a row instead of hanging the run or being skipped, a huge file is refused from
its size on disk, names with line breaks and quotes come out whole through pandas, DuckDB and csv,
and a formula-like value is neutralised in the CSV only."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from conftest import ROOT
from conftest import read_table as read

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and /dev are POSIX")
ODD_NAMES = ["回车\r名.txt", "换行\n名.txt", '引号"名.txt', "=1+1.txt"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from pipeline.run import run

    raw = tmp_path_factory.mktemp("raw")
    shutil.copy(ROOT / "raw" / "ccid2020_whitepaper.txt", raw)
    shutil.copy(ROOT / "raw" / "sources.toml", raw)
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.txt"
    secret.write_text("机密：深圳市 上海市 北京市 not for the tables\n", encoding="utf-8")
    (raw / "secret.txt").symlink_to(secret)
    (raw / "passwd.txt").symlink_to("/etc/passwd")
    (raw / "zero.txt").symlink_to("/dev/zero")
    (raw / "copy_inside.txt").symlink_to(raw / "ccid2020_whitepaper.txt")
    os.mkfifo(raw / "pipe.txt")
    with open(raw / "huge.txt", "wb") as handle:
        handle.truncate(3 * 10**9)  # sparse: 3 GB on paper, nothing on disk
    for name in ODD_NAMES:
        (raw / name).write_text("2020年 一份说明\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    return run(raw, out), out, secret, raw


def row(out, file):
    sources = read(out, "sources")
    return sources[sources["file"] == file].iloc[0]


@posix_only
def test_links_out_of_raw_are_not_followed_and_say_how_to_copy_the_file_in(hostile):
    code, out, secret, _ = hostile
    assert code == 1
    for file, target in (("secret.txt", secret), ("passwd.txt", "/etc/passwd"), ("zero.txt", "/dev/zero")):
        message = row(out, file)["message"]
        assert row(out, file)["status"] == "failed" and row(out, file)["sha256"] == ""
        assert f"is a link to {os.path.realpath(target)}, outside " in message
        assert "links that leave the sources folder are not followed" in message and "copy the file itself into" in message
    cached = b"".join(p.read_bytes() for p in out.joinpath(".cache").rglob("*") if p.is_file())
    assert "机密".encode() not in cached and b"root:" not in cached
    assert "机密" not in (out / "data_quality.csv").read_text(encoding="utf-8-sig")


@posix_only
def test_a_link_inside_raw_is_read_as_the_file_it_names(hostile):
    _, out, _, _ = hostile
    assert row(out, "copy_inside.txt")["message"].endswith("same content as ccid2020_whitepaper.txt; counted once")


@posix_only
def test_a_named_pipe_gets_a_row_instead_of_hanging_the_run(hostile):
    _, out, _, _ = hostile
    assert row(out, "pipe.txt")["status"] == "failed"
    assert "is a named pipe (FIFO), not a regular file, so nothing was read from it" in row(out, "pipe.txt")["message"]


def test_a_huge_file_is_refused_from_its_size_on_disk(hostile):
    _, out, _, raw = hostile
    assert row(out, "huge.txt")["message"].endswith(
        "huge.txt: 3.0 GB is over the 50 MB limit for one source (50,000,000 bytes); split the document or extract "
        "the pages that hold the tables.")
    if not os.path.exists("/proc/self/status"):
        return
    script = ("from pipeline.files import read_file\nfrom pipeline.model import PipelineError\n"
              f"try:\n    read_file({str(raw / 'huge.txt')!r})\nexcept PipelineError:\n    pass\n"
              "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')))")
    peak_kb = int(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                                 check=True).stdout)
    assert peak_kb < 100_000  # the peak of this process's memory: nothing of the 3 GB was read


def test_the_size_limit_is_one_number_in_code_message_and_readme():
    from pipeline.files import MAX_BYTES, MAX_MB

    assert MAX_BYTES == MAX_MB * 1_000_000 == 50_000_000
    assert "50 MB (50,000,000 bytes)" in (ROOT / "README.md").read_text(encoding="utf-8")


@posix_only
def test_a_device_named_directly_is_refused_without_reading_it():
    from pipeline.files import read_file
    from pipeline.model import PipelineError

    with pytest.raises(PipelineError, match="is a character device, not a regular file"):
        read_file("/dev/zero")


@posix_only
def test_a_named_pipe_as_the_manifest_does_not_hang_the_run(tmp_path):
    from pipeline.sources import read_sources

    shutil.copy(ROOT / "raw" / "rfidworld_repost_ccid2020.txt", tmp_path)
    os.mkfifo(tmp_path / "sources.toml")
    quality = []
    source, = read_sources(tmp_path, quality)
    assert source.row["status"] == "ok"
    assert any("is a named pipe (FIFO)" in q.action for q in quality)


def test_names_with_line_breaks_and_quotes_read_back_whole(hostile):
    """pandas, DuckDB and csv read as many rows from sources.csv as the Parquet file holds, each name whole."""
    import duckdb

    _, out, _, _ = hostile
    parquet = pd.read_parquet(out / "sources.parquet")
    from_pandas = pd.read_csv(out / "sources.csv", keep_default_na=False)
    with open(out / "sources.csv", encoding="utf-8-sig", newline="") as handle:
        from_csv = list(csv.DictReader(handle))
    from_duckdb = duckdb.sql(f"SELECT file FROM read_csv('{out / 'sources.csv'}', header=true, all_varchar=true)").fetchall()
    names = sorted(parquet["file"])
    assert set(ODD_NAMES) <= set(names)
    assert sorted(from_pandas["file"].str.removeprefix("'")) == names
    assert sorted(r["file"].removeprefix("'") for r in from_csv) == names
    assert sorted(f.removeprefix("'") for f, in from_duckdb) == names


def test_parquet_and_data_quality_keep_the_true_value_only_the_csv_is_neutralised(hostile):
    _, out, _, _ = hostile
    assert "=1+1.txt" in pd.read_parquet(out / "sources.parquet")["file"].tolist()
    assert "'=1+1.txt" in read(out, "sources")["file"].tolist()
    quality = pd.read_parquet(out / "data_quality.parquet")
    formula = quality[quality["issue"] == "text cell that a spreadsheet would run as a formula"]
    assert formula[["table", "raw", "resolved"]].values.tolist() == [["sources", "=1+1.txt", "'=1+1.txt"]]
    assert not pd.read_parquet(out / "sources.parquet")["file"].str.startswith("'").any()
