"""Every ranking layout in tests/layouts/ gives exactly the rows its file says, and loses none.

One small invented file per layout (see tests/layouts/README.md for the schema): a new layout is a
new file here, not a new branch in pipeline/extract/ranking.py.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pipeline.extract.accounting import count_rows
from pipeline.extract.ranking import find_ranking_tables

LAYOUTS = sorted((Path(__file__).parent / "layouts").glob("*.toml"))


def as_written(row) -> str:
    return " | ".join([str(row.rank), *row.fields])


def joined(values) -> str:
    return " | ".join(values)


@pytest.fixture(scope="module")
def cases():
    return {path.stem: tomllib.loads(path.read_text(encoding="utf-8")) for path in LAYOUTS}


def test_there_are_layouts_and_each_says_what_it_shows(cases):
    assert len(cases) >= 40
    assert all(case.get("layout") and "text" in case for case in cases.values())


@pytest.mark.parametrize("name", [path.stem for path in LAYOUTS])
def test_layout(cases, gaz, name):
    case = cases[name]
    lines = case["text"].splitlines()
    locations = [f"line {i}" for i in range(1, len(lines) + 1)]
    scan = find_ranking_tables(lines, locations, gaz)
    expected = case.get("table", [])
    assert [[as_written(row) for row in table.rows] for table in scan.tables] == [t["rows"] for t in expected]
    for table, want in zip(scan.tables, expected):
        for key in ("groups", "width", "caption"):
            if key in want:
                assert getattr(table, key) == want[key], key
        if "roles" in want:
            assert table.roles() == want["roles"]
        if "values" in want:
            assert [joined(row.values) for row in table.rows] == want["values"]
        if "extra" in want:
            assert [joined(row.extra) for row in table.rows] == want["extra"]
        if "aside" in want:
            assert [joined(f"{k}={v}" for k, v in row.aside.items()) for row in table.rows] == want["aside"]
        if "read_from" in want:
            assert [joined(row.read_from) for row in table.rows] == want["read_from"]
    assert sorted(u.location for u in scan.unread) == sorted(case.get("unread", []))
    count = count_rows(lines, locations, scan.tables, set(), {u.location for u in scan.unread}, gaz)
    assert count.lost == [], "rows seen but neither read nor recorded"
