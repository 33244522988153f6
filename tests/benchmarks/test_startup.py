"""Start-up: a whole run over raw/ against the bare import of the pipeline's own dependencies.
Run with `make bench`; prints the ratio (the issue's target is at most 1.5)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from conftest import ROOT

pytestmark = pytest.mark.benchmark
IMPORTS = "import great_expectations, pandas, pyarrow.parquet, opencc, bs4, pdfplumber"


def seconds(args, **kwargs):
    start = time.perf_counter()
    subprocess.run(args, check=False, capture_output=True, cwd=ROOT, **kwargs)
    return time.perf_counter() - start


def test_run_against_bare_imports(tmp_path):
    seconds([sys.executable, "-m", "pipeline", "run", "--out", str(tmp_path / "warm")])  # fills caches
    bare = min(seconds([sys.executable, "-c", IMPORTS]) for _ in range(3))
    run = min(seconds([sys.executable, "-m", "pipeline", "run", "--out", str(tmp_path / "warm")]) for _ in range(3))
    print(f"\nbare imports {bare:.2f}s, pipeline run over raw/ {run:.2f}s, ratio {run / bare:.2f}")
