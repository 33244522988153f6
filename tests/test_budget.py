"""One bad file never stalls or sinks a run: markup of any depth is read in linear time, each source
is read within a time and a memory budget (a source that overruns, crashes its reader or trips a bug
is failed with a message saying what to do, and every other table is written), and the run's child
processes end with it, however it ends."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

import budget_hooks
from conftest import ROOT
from conftest import read_table as read


@pytest.fixture
def hooked_workers(monkeypatch):
    """Readers that misbehave on sources holding budget_hooks' markers (and only on those)."""
    from pipeline import budget

    budget.close_idle()
    monkeypatch.setattr(budget, "WORKER", budget_hooks.worker_code())
    yield
    budget.close_idle()  # the next test gets ordinary readers


def raw_with(tmp_path, **files):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "raw" / "ccid2020_whitepaper.txt", raw / "a_whitepaper.txt")
    for name, text in files.items():
        (raw / name).write_text(text, encoding="utf-8")
    return raw


def nested_divs(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + "2020年 深圳市" + "</div>" * depth + "</body></html>"


def test_markup_nested_deep_renders_in_linear_time():
    """16,000 nested <div> took 11 s when each block's line break was inserted into the tree; the time
    now grows with the page (four times the depth, about four times the time, not sixteen)."""
    from pipeline.ingest import render_html

    def seconds(depth):
        start = time.perf_counter()
        assert render_html(nested_divs(depth)) == ["2020年 深圳市"]
        return time.perf_counter() - start

    seconds(1000)  # imports
    small, large = min(seconds(8000) for _ in range(2)), min(seconds(32000) for _ in range(2))
    assert large / small < 8, (small, large)


def test_each_source_is_read_within_its_budget_and_the_others_are_written(tmp_path, hooked_workers):
    from pipeline.budget import Budget
    from pipeline.run import run

    raw = raw_with(tmp_path, **{
        "c_slow.txt": f"{budget_hooks.SLOW}\n一个永远读不完的文件\n",
        "d_hog.txt": f"{budget_hooks.HOG}\n",
        "e_crash.txt": f"{budget_hooks.CRASH}\n",
        "f_bug.txt": f"{budget_hooks.BUG}\n",
        "g_slow_across.txt": f"{budget_hooks.SLOW_ACROSS}\n读得完，但跨来源的第二遍读不完\n"})
    out = tmp_path / "out"
    start = time.monotonic()
    assert run(raw, out, workers=2, budget=Budget(seconds=20, megabytes=1500)) == 1
    assert time.monotonic() - start < 150
    sources = read(out, "sources").set_index("file")
    assert sources.loc["a_whitepaper.txt", "status"] == "ok"
    message = sources.loc["c_slow.txt", "message"]
    assert sources.loc["c_slow.txt", "status"] == "failed"
    assert "c_slow.txt" in message and "20 s budget" in message and "--source-seconds 80" in message
    message = sources.loc["d_hog.txt", "message"]
    assert sources.loc["d_hog.txt", "status"] == "failed"
    assert "1500 MB memory budget" in message and "--source-memory 3000" in message
    assert "ended unexpectedly (killed by signal 9)" in sources.loc["e_crash.txt", "message"]
    assert "internal error (ZeroDivisionError: a bug on purpose)" in sources.loc["f_bug.txt", "message"]
    assert sources.loc["g_slow_across.txt", "status"] == "ok"  # read; only the pass across sources was stopped
    quality = read(out, "data_quality")
    stopped = quality[quality["issue"] == "second reading across sources stopped"]
    assert stopped["source_id"].tolist() == ["all sources"]  # a record of its own, which data_quality's checks accept
    action, = stopped["action"].tolist()
    assert "20 s budget" in action and "stays as the first reading left it" in action
    assert json.loads((out / "validation.json").read_text(encoding="utf-8"))["tables"]["data_quality"]["success"]
    top = read(out, "ccid2020_top100")
    assert len(top) == 100 and top.iloc[0]["city"] == "深圳市"


def test_a_page_of_markup_nested_100000_deep_is_read_in_a_run(tmp_path):
    from pipeline.run import run

    raw = raw_with(tmp_path, **{"b_nested.html": nested_divs(100_000)})
    assert run(raw, tmp_path / "out") == 0
    sources = read(tmp_path / "out", "sources").set_index("file")
    assert sources.loc["b_nested.html", ["status", "n_lines"]].tolist() == ["ok", 1]


def test_budget_options_are_checked_and_named_in_the_help():
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", "--help"], capture_output=True, text=True,
                            cwd=ROOT)
    assert "--source-seconds" in result.stdout and "--source-memory" in result.stdout
    bad = subprocess.run([sys.executable, "-m", "pipeline", "run", "--source-seconds", "0"], capture_output=True,
                         text=True, cwd=ROOT)
    assert bad.returncode == 2 and "must be more than 0" in bad.stderr


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (read from /proc)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False


def start_hooked_run(tmp_path):
    """A run over two sources that never finish, in two workers, once both have started."""
    raw = raw_with(tmp_path, **{"b_slow.txt": f"{budget_hooks.SLOW}\n一\n", "c_slow.txt": f"{budget_hooks.SLOW}\n二\n"})
    started = tmp_path / "started"
    started.mkdir()
    code = (f"import sys; sys.path.insert(0, {str(ROOT / 'tests')!r}); import budget_hooks; "
            f"budget_hooks.run_with_hooks({str(raw)!r}, {str(tmp_path / 'out')!r}, '2')")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, budget_hooks.STARTED: str(started)})
    deadline = time.monotonic() + 90
    while len(list(started.iterdir())) < 2:
        assert process.poll() is None and time.monotonic() < deadline, "the slow readers did not start"
        time.sleep(0.2)
    children = descendants(process.pid)
    assert len(children) >= 3  # two readers and the validation process
    return process, children


def wait_gone(pids: set[int], seconds: float = 10) -> set[int]:
    deadline = time.monotonic() + seconds
    while {p for p in pids if alive(p)} and time.monotonic() < deadline:
        time.sleep(0.1)
    return {p for p in pids if alive(p)}


@linux_only
def test_a_run_killed_with_sigkill_leaves_no_process_behind(tmp_path):
    process, children = start_hooked_run(tmp_path)
    process.kill()
    process.wait()
    assert wait_gone(children) == set()
    errors = process.stderr.read()
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors


@linux_only
def test_sigterm_stops_the_children_first_and_leaves_the_folder_as_it_was(tmp_path):
    process, children = start_hooked_run(tmp_path)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 128 + signal.SIGTERM
    assert {p for p in children if alive(p)} == set()  # stopped before the run ended
    errors = process.stderr.read()
    assert "stopped (SIGTERM)" in errors and "Traceback" not in errors, errors
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == []


def test_a_pipeline_folder_where_the_run_starts_does_not_stand_in_for_this_one(tmp_path):
    """A run started from a folder that holds another project's ``pipeline`` package: its children
    import this one (they used to take the folder's, and every source failed)."""
    raw = raw_with(tmp_path)
    elsewhere = tmp_path / "another_project"
    (elsewhere / "pipeline").mkdir(parents=True)
    (elsewhere / "pipeline" / "__init__.py").write_text("raise ImportError('the wrong pipeline')\n")
    script = tmp_path / "go.py"
    script.write_text("import sys\nfrom pathlib import Path\nfrom pipeline.run import run\n"
                      f"sys.exit(run(Path({str(raw)!r}), Path({str(tmp_path / 'out')!r})))\n")
    result = subprocess.run([sys.executable, str(script)], cwd=elsewhere, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert read(tmp_path / "out", "sources")["status"].tolist() == ["ok"]
