"""Incremental runs: after adding one file to a raw folder of 200 sources, a re-run reads only that
file. Run with `make bench`; prints the warm/cold ratio (the issue's target is at most 0.2)."""

from __future__ import annotations

import shutil
import time

import pytest

from conftest import ROOT

pytestmark = pytest.mark.benchmark


def corpus(folder, count):
    """``count`` distinct sources: the mirrors and reposts of raw/ with a numbered first line."""
    seeds = [p for p in sorted((ROOT / "raw").glob("*.txt"))]
    for n in range(count):
        seed = seeds[n % len(seeds)]
        (folder / f"{n:03d}_{seed.name}").write_text(f"副本 {n}\n" + seed.read_text(encoding="utf-8"), encoding="utf-8")


def test_rerun_with_one_new_file(tmp_path):
    from pipeline.run import run

    raw = tmp_path / "raw"
    raw.mkdir()
    corpus(raw, 200)
    out = tmp_path / "out"
    start = time.perf_counter()
    run(raw, out)
    cold = time.perf_counter() - start
    shutil.copy(ROOT / "raw" / "ccid2020_summary_mirror.txt", raw / "new_mirror.txt")
    start = time.perf_counter()
    run(raw, out)
    warm = time.perf_counter() - start
    print(f"\n200 sources: cold run {cold:.1f}s, re-run with one new file {warm:.1f}s, ratio {warm / cold:.2f}")
