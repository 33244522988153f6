"""Reading 1,000 generated sources (UTF-8 copies of raw/'s documents, each with its own first line)
with the process pool and with a local Dask cluster, two workers each (issue 18). Only the reading
and normalising is timed: it is what the executors share out; what follows is the same for both.
Run with `make bench` (Dask's extra installed: `make test` and `make bench` install it)."""

from __future__ import annotations

import pytest

from test_incremental import text_corpus

pytestmark = pytest.mark.benchmark

SOURCES = 1_000
WORKERS = 2


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    text_corpus(folder, SOURCES)
    return sorted(folder.iterdir())


@pytest.mark.parametrize("name", ["processes", "dask"])
def test_reading_a_thousand_sources(benchmark, corpus, name):
    if name == "dask":
        pytest.importorskip("distributed")
    from pipeline.budget import Budget
    from pipeline.executors import executor
    from pipeline.prepare import prepare_all

    with executor(name, WORKERS) as readers:
        readers.map(len, [("warm",)] * WORKERS, Budget())  # the workers started before the clock
        prepared = benchmark.pedantic(prepare_all, args=(corpus, [{}] * len(corpus), corpus[0].parent, None, readers),
                                      rounds=1, iterations=1)
    assert len(prepared) == SOURCES and all(p.doc is not None for p in prepared)
