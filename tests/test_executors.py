"""The Dask executor (issue 18): the same tables byte for byte as the process pool, each source held
to its budget, and a cluster running other code, or none at all, refused with a message."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pipeline.__main__ import main
from pipeline.budget import Budget, Overrun
from pipeline.model import PipelineError

distributed = pytest.importorskip("distributed")

from pipeline.executors import Dask  # noqa: E402  (needs distributed)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cluster():
    """A cluster of two single-threaded workers standing in for one a user already runs."""
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as local:
        yield local


def test_a_run_on_a_cluster_writes_the_tables_of_output_byte_for_byte(cluster, tmp_path):
    out = tmp_path / "out"
    assert main(["run", "--no-cache", "--out", str(out), "--executor", "dask", "--scheduler",
                 cluster.scheduler_address]) == 0
    published = _published(ROOT / "output")
    assert published == _published(out)
    for name in published:
        assert (out / name).read_bytes() == (ROOT / "output" / name).read_bytes(), name


def test_each_task_is_held_to_the_budget_and_a_failure_stays_its_own(cluster):
    """A task past its time is cancelled and its worker restarted; one past its memory, or one that
    raises, is an Overrun saying so; the others come back, in order."""
    with Dask(scheduler=cluster.scheduler_address) as dask:
        late, ok, bad, big = dask.map(_call, [(time.sleep, 30), (len, "深圳市"), (int, "保定市"), (bytearray, 2 ** 33)],
                                      Budget(seconds=3, megabytes=300))
        assert ok == 3
        assert isinstance(late, Overrun) and "3 s budget" in str(late) and "--source-seconds 12" in str(late)
        assert isinstance(bad, Overrun) and "internal error (ValueError" in str(bad)
        assert isinstance(big, Overrun) and "300 MB memory budget" in str(big) and "--source-memory 600" in str(big)
        dask.client.wait_for_workers(2, timeout=60)  # the restarted workers came back
        assert dask.map(_call, [(len, "宁波市")], Budget()) == [3]


def test_workers_with_other_code_are_refused(cluster, monkeypatch):
    """A function sent by value reports each process's own id: the workers' differ from the run's, as a
    fingerprint of other code would."""
    import pipeline.prepare

    monkeypatch.setattr(pipeline.prepare, "reading_fingerprint", lambda: f"process {os.getpid()}")
    with Dask(scheduler=cluster.scheduler_address) as dask:
        with pytest.raises(PipelineError, match="run other pipeline code than this one.*install this same version"):
            dask.map(_call, [(len, "深圳市")], Budget())


def test_no_scheduler_at_the_address_is_an_error_naming_it_once_a_source_is_to_be_read():
    with Dask(scheduler="tcp://127.0.0.1:9", timeout=1) as dask:
        assert dask.map(_call, [], Budget()) == []  # every source from the cache: no cluster is asked
        with pytest.raises(PipelineError, match=r"--scheduler tcp://127.0.0.1:9: no Dask scheduler answered there"):
            dask.map(_call, [(len, "深圳市")], Budget())


@pytest.mark.parametrize("address", ["nonsense", "http://127.0.0.1:8786", "tcp://127.0.0.1:notaport"])
def test_an_address_that_is_none_is_an_error_saying_how_to_write_one(address):
    with Dask(scheduler=address, timeout=1) as dask:
        with pytest.raises(PipelineError, match=rf"--scheduler {address}: not a Dask scheduler's address .*tcp://HOST:PORT"):
            dask.map(_call, [(len, "深圳市")], Budget())


def test_a_scheduler_without_workers_is_an_error_saying_to_start_one():
    import logging

    with distributed.LocalCluster(n_workers=0, dashboard_address=None, silence_logs=logging.ERROR) as empty:
        with Dask(scheduler=empty.scheduler_address, timeout=2) as dask:
            with pytest.raises(PipelineError, match=r"has no worker \(none came in 2 s\): start one, `dask worker tcp://"):
                dask.map(_call, [(len, "深圳市")], Budget())


@pytest.mark.parametrize("argv, message", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "a scheduler is for --executor dask"),
    (["--executor", "dask", "--scheduler", "tcp://127.0.0.1:8786", "--workers", "2"], "has its own workers"),
])
def test_options_that_do_not_go_together_are_refused(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", *argv])
    assert exit_.value.code == 2 and message in capsys.readouterr().err


def test_without_dask_installed_the_option_says_how_to_install_it(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "distributed" else real(name, *a))
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--executor", "dask"])
    assert exit_.value.code == 2 and "pip install -e '.[dask]'" in capsys.readouterr().err


def _published(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def _call(function, argument):
    return function(argument)
