"""Shared fixtures: the repo's raw/ folder and one pipeline run over it per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent


def read_table(out: Path, name: str):
    """A published CSV as the user would load it: adcodes as text, empty cells as empty strings."""
    return pd.read_csv(out / f"{name}.csv", dtype={"adcode": str}, keep_default_na=False)


@pytest.fixture(scope="session", autouse=True)
def cache_key(tmp_path_factory):
    """The cache key of the test session, apart from the user's own (subprocesses inherit it)."""
    from pipeline.cache import KEY_VARIABLE, _key

    previous = os.environ.get(KEY_VARIABLE)
    os.environ[KEY_VARIABLE] = str(tmp_path_factory.mktemp("key") / "cache-key")
    _key.cache_clear()
    yield Path(os.environ[KEY_VARIABLE])
    if previous is None:
        del os.environ[KEY_VARIABLE]
    else:
        os.environ[KEY_VARIABLE] = previous
    _key.cache_clear()


@pytest.fixture(scope="session")
def gaz():
    from pipeline.reconcile.gazetteer import gazetteer

    return gazetteer()


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory):
    """Run the whole pipeline over raw/ once; returns (exit code, output folder)."""
    from pipeline.run import run

    out = tmp_path_factory.mktemp("output")
    code = run(ROOT / "raw", out)
    return code, out
