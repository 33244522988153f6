"""Delimited tables found by shape: consecutive pipe- or tab-separated lines with the same number of
cells, the first of them the header. The caption is the nearest plain line above the header.

Reconciliation decides what a table is from its header and its content (an index series, a score
table, a list of apps); this module only keeps each cell where the source put it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.extract.cells import split_cells


@dataclass
class Row:
    cells: list[str]
    location: str
    raw: str


@dataclass
class Table:
    table_no: int
    header: list[str]
    caption: str
    location: str
    rows: list[Row] = field(default_factory=list)


def find_tables(lines: list[str], locations: list[str]) -> list[Table]:
    tables: list[Table] = []
    current: Table | None = None
    width = 0
    last_plain = ""
    for line, location in zip(lines, locations):
        if not line.strip():
            continue
        cells, kind = split_cells(line)
        if kind in ("pipe", "tab") and len(cells) >= 2:
            if current is not None and len(cells) == width:
                current.rows.append(Row(cells, location, line))
                continue
            current = Table(len(tables) + 1, cells, last_plain, location)
            width = len(cells)
            tables.append(current)
            continue
        current = None
        last_plain = line.strip()
    return [t for t in tables if t.rows]
