"""An indicator framework table found by its header: 序号 then level columns (一级指标, 二级指标, …).

Rows follow the header and start with their number. Cells stay where the text layer put them,
empty ones included, because position is what tells a merged cell's continuation from a new label;
reconciliation fills merged cells and judges what is readable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LEVEL_HEADER = re.compile(r"^([一二三四五])级指标$")
_NUMBER = re.compile(r"^\d{1,3}$")


@dataclass
class IndicatorRow:
    no: int
    cells: list[str]  # one entry per level column, then any extra cells the text layer left
    location: str
    raw: str


@dataclass
class IndicatorTable:
    levels: int
    location: str
    rows: list[IndicatorRow] = field(default_factory=list)


def find_indicator_tables(lines: list[str], locations: list[str]) -> list[IndicatorTable]:
    tables = []
    index = 0
    while index < len(lines):
        cells = [c.strip() for c in lines[index].split("\t")]
        levels = [c for c in cells[1:] if _LEVEL_HEADER.match(c)]
        if cells and cells[0] in ("序号", "编号") and len(levels) >= 2:
            table = IndicatorTable(len(levels), locations[index])
            index = _read_rows(lines, locations, index + 1, table)
            if table.rows:
                tables.append(table)
            continue
        index += 1
    return tables


def _read_rows(lines: list[str], locations: list[str], start: int, table: IndicatorTable) -> int:
    index = start
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        cells = [c.strip() for c in line.split("\t")]
        if not _NUMBER.match(cells[0]):
            break
        values = cells[1:]
        while len(values) > table.levels and not values[-1]:
            values.pop()
        values += [""] * (table.levels - len(values))
        table.rows.append(IndicatorRow(int(cells[0]), values, locations[index], line))
        index += 1
    return index
