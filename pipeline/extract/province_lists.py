"""Province-to-cities tables found by shape: each row a province cell and a ``、``-separated city list.

The white paper prints each domain's top 100 this way (``江苏省<TAB>南京市、苏州市、…``). A run of
such rows is one table; its caption (the nearest line above the header) names the list, and the
caption minus its table number, year and "百强城市" is the list's name (``数字政务``). Rows keep
whatever the source holds (an empty list, a province cell of dashes, a trailing separator) for
reconciliation to judge and record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.cells import split_cells

_LIST_SEPARATOR = re.compile(r"[、，,;；]")
_HEADER = re.compile(r"省\s*[(（]?\s*区、市|省份|省\s*$|^\s*地区\s*$|province", re.IGNORECASE)
_CAPTION_NOISE = re.compile(r"^(?:表|table)\s*\d+\s*|(?:19|20)\d\d\s*年?(?:度)?|(?:百强|前\d+)?(?:城市|榜单|榜)?\s*$",
                            re.IGNORECASE)
_MIN_ROWS = 5


@dataclass
class ProvinceListRow:
    province: str
    cities: list[str]
    location: str
    raw: str


@dataclass
class ProvinceListTable:
    table_no: int
    caption: str
    rows: list[ProvinceListRow] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The list's name from its caption: ``表 3 2020数字政务百强城市`` -> ``数字政务``."""
        name = self.caption
        for _ in range(3):
            name = _CAPTION_NOISE.sub("", name).strip()
        return name

    @property
    def location(self) -> str:
        return self.rows[0].location if self.rows else ""


def split_list(cell: str) -> list[str]:
    """The pieces of a city list, empty pieces included (a trailing ``、`` leaves one)."""
    return [piece.strip() for piece in _LIST_SEPARATOR.split(cell)] if cell.strip() else []


def find_province_lists(lines: list[str], locations: list[str], is_province) -> list[ProvinceListTable]:
    """Runs of at least five (province, city list) rows. ``is_province(text)`` tells a province cell."""
    candidates: list[tuple[int, ProvinceListRow, bool]] = []
    for index, line in enumerate(lines):
        if not line.strip() or not ("\t" in line or "|" in line or "  " in line.strip()):
            continue
        cells, _ = split_cells(line)
        cells = [c for c in cells if c] if len(cells) > 2 else cells
        if not 1 <= len(cells) <= 2 or (len(cells[0]) > 12 and re.search(r"[\u4e00-\u9fff]", cells[0])):
            continue
        province_cell = cells[0]
        listed = cells[1] if len(cells) == 2 else ""
        known = is_province(province_cell)
        if not known and not listed:
            continue
        if not known and re.search(r"[\u4e00-\u9fff]", province_cell) and not _LIST_SEPARATOR.search(listed):
            continue
        candidates.append((index, ProvinceListRow(province_cell, split_list(listed), locations[index], line), known))
    runs: list[list[tuple[int, ProvinceListRow, bool]]] = []
    for entry in candidates:
        if runs and all(not lines[i].strip() for i in range(runs[-1][-1][0] + 1, entry[0])):
            runs[-1].append(entry)
        else:
            runs.append([entry])
    tables: list[ProvinceListTable] = []
    for run in runs:
        known = sum(k for _, _, k in run)
        if known < _MIN_ROWS or known < 0.8 * len(run):
            continue
        tables.append(ProvinceListTable(len(tables) + 1, _caption(lines, run[0][0]), [row for _, row, _ in run]))
    return tables


def _caption(lines: list[str], first: int) -> str:
    """The line above the header row (or above the first row when there is no header)."""
    above = [i for i in range(first - 1, max(first - 6, -1), -1) if lines[i].strip()]
    if above:
        cells, _ = split_cells(lines[above[0]])
        if cells and _HEADER.search(cells[0]):
            above = above[1:]
    return lines[above[0]].strip() if above else ""
