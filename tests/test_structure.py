"""The code's shape: every module imports alone, no import circle (lazy imports inside functions
included), and the table families' plan refuses a cycle, a doubly built table or a missing input."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import replace
from graphlib import CycleError, TopologicalSorter

import pytest

from conftest import ROOT
from pipeline.editions import active_editions
from pipeline.families import REGISTRY, Family, plan
from pipeline.model import PipelineError

PACKAGE = ROOT / "pipeline"


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the pipeline modules it imports anywhere in its body (importing a.b.c imports a.b too)."""
    names = modules()
    graph = {name: set() for name in names}
    for name, tree in names.items():
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("pipeline")]
            for target in targets:
                while target and target not in names:
                    target = target.rpartition(".")[0]
                parents = [".".join(target.split(".")[:n]) for n in range(2, target.count(".") + 2)]
                graph[name] |= {t for t in parents if t in names and t != name and not name.startswith(t + ".")}
    return graph


def test_no_module_imports_itself_back():
    sorter = TopologicalSorter(import_graph())
    try:
        sorter.prepare()
    except CycleError as exc:
        pytest.fail(f"import circle: {' -> '.join(exc.args[1])}")


@pytest.mark.parametrize("module", sorted(modules()))
def test_every_module_imports_alone(module):
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_families_are_planned_inputs_first():
    order = [i.label for i in plan(active_editions())]
    assert order.index("domain_lists (ccid2020)") < order.index("cases (ccid2020)")
    for taker in ("domain_lists (ccid2020)", "indicators (ccid2020)", "tahaoo_series (tahaoo2020)"):
        assert order.index(taker) < order.index("ranking (ccid2020, ccid2021)")
    assert order[-1] == "claims"


def test_plan_refuses_a_cycle_a_table_built_twice_and_a_missing_input():
    editions = active_editions()
    looped = REGISTRY + (Family("echo", "each", ("{id}_echo",), requires=("{id}_cases",)),)
    looped = tuple(replace(f, requires=f.requires + ("{id}_echo",)) if f.name == "domain_lists" else f for f in looped)
    ccid = next(e for e in editions if e.id == "ccid2020")
    with_echo = tuple(replace(e, families=e.families + ("echo",)) if e is ccid else e for e in editions)
    with pytest.raises(PipelineError, match="in a circle"):
        plan(with_echo, looped)
    twice = REGISTRY + (Family("again", "run", ("claims",)),)
    with pytest.raises(PipelineError, match="assigned by two families"):
        plan(editions, twice)
    lonely = tuple(replace(e, families=("cases",)) if e is ccid else e for e in editions)
    with pytest.raises(PipelineError, match="needs the table ccid2020_domain_top100, which no family builds"):
        plan(lonely)


def test_a_family_reads_only_what_it_declared(gaz):
    from pipeline.families import Inputs

    instance = next(i for i in plan(active_editions()) if i.label == "stages (ccid2020)")
    inputs = Inputs(instance, [], None, gaz, None, [], {"ccid2020_top100": [{"rank": 1}]}, {})
    with pytest.raises(RuntimeError, match="does not require"):
        inputs.table("ccid2020_top100")
    with pytest.raises(RuntimeError, match="without requiring them"):
        inputs.lines_taken("s")


def test_a_source_row_is_read_only_after_reading():
    from types import MappingProxyType

    from pipeline.sources import Source, SourceNote, source_rows

    source = Source(MappingProxyType({"source_id": "s", "status": "ok", "message": "read", "n_tables": None}))
    with pytest.raises(TypeError):
        source.row["status"] = "partial"  # a family says it with a note instead
    row, = source_rows([source], [SourceNote("s", "cut short?", partial=True, counts=(("n_tables", 2),))])
    assert (row["status"], row["message"], row["n_tables"]) == ("partial", "read; cut short?", 2)
