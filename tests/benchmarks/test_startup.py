"""Start-up: a whole run over raw/ against the bare import of the pipeline's own dependencies.
Run with `make bench`; prints the ratios (the issue's target is at most 1.5)."""

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
    """Cold: every source read and every table validated (--no-cache); warm: a repeated run over the
    same raw/, which reuses the cached readings and validation outcomes."""
    warm_out = str(tmp_path / "warm")
    seconds([sys.executable, "-m", "pipeline", "run", "--out", warm_out])  # fills the caches
    bare = min(seconds([sys.executable, "-c", IMPORTS]) for _ in range(3))
    cold = min(seconds([sys.executable, "-m", "pipeline", "run", "--no-cache", "--out", str(tmp_path / f"cold{n}")])
               for n in range(3))
    warm = min(seconds([sys.executable, "-m", "pipeline", "run", "--out", warm_out]) for _ in range(3))
    print(f"\nbare imports {bare:.2f}s; pipeline run over raw/: cold {cold:.2f}s (ratio {cold / bare:.2f}), "
          f"warm {warm:.2f}s (ratio {warm / bare:.2f})")
