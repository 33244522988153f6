"""Ranking tables found by shape: lines that are one or more (rank, name[, name]) column groups.

The extractor knows nothing about files or line numbers. It splits each normalised line into cells
(pipes, tabs, runs of spaces, or single spaces when the ranks prove it is a table), keeps lines whose
cells form equal-width groups that each start with a rank, and joins consecutive such lines into
tables. Which column is the city and which the province comes from the header when there is one;
otherwise reconciliation decides from the content.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from pipeline.numerals import NUMERAL_CHARS, as_number

_RANK = re.compile(rf"^第?(\d{{1,4}}|[{NUMERAL_CHARS}]{{1,5}})(?:名|位|\.|、)?$")
_NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)?%?$")
_WORDY = re.compile(r"[A-Za-z\u3400-\u4dbf\u4e00-\u9fff]")
_RANK_HEADER = re.compile(r"^(?:排名|名次|排序|序号|位次|rank(?:ing)?|no\.?|#)$", re.IGNORECASE)
_PROVINCE_HEADER = re.compile(r"省|地区|区、市|province", re.IGNORECASE)
_CITY_HEADER = re.compile(r"城市|市|名称|city|name", re.IGNORECASE)
# A cell of prose (a numbered heading, a sentence) is not a name.
_PROSE = re.compile(r"[，。,；;！!？?]")
_LONGEST_NAME = 40
# Lines that may interrupt a table (page numbers, running heads) when the ranks carry on after them.
_MAX_INTERRUPTION = 3


@dataclass
class RankingRow:
    rank: int
    fields: list[str]
    location: str
    raw: str
    group: int
    extra: list[str] = field(default_factory=list)  # cells beyond the table's width (a note such as 并列)
    values: list[str] = field(default_factory=list)  # numbers after the names (a score column)


@dataclass
class RankingTable:
    table_no: int
    groups: int
    width: int
    header: list[str]
    caption: str
    rows: list[RankingRow] = field(default_factory=list)

    @property
    def location(self) -> str:
        return self.rows[0].location if self.rows else ""

    def roles(self) -> list[str]:
        """Per field of a group: 'city', 'province' or 'unknown', read from the header."""
        if not self.header:
            return ["unknown"] * self.width
        cells = [re.sub(r"[（(][^）)]*[）)]", "", cell) for cell in self.header[1 : 1 + self.width]]  # 城市（省份）
        roles = []
        for cell in cells:
            if _PROVINCE_HEADER.search(cell):
                roles.append("province")
            elif _CITY_HEADER.search(cell):
                roles.append("city")
            else:
                roles.append("unknown")
        return roles + ["unknown"] * (self.width - len(roles))


def split_cells(line: str) -> tuple[list[str], str]:
    """Cells of one line and the separator kind: 'pipe', 'tab', 'comma', 'spaces' or 'space'.

    Markdown emphasis and links around a cell's text are dropped, full-width digits read as digits,
    and a rank written ``1、`` or ``1.`` before its name is a cell of its own; a full-width bar (｜), as
    Chinese input methods type it, separates cells like ``|``."""
    line = unicodedata.normalize("NFKC", line) if _WIDE_DIGIT.search(line) else line.replace("｜", "|")
    if "|" in line:
        cells = [c.strip() for c in line.split("|")]
        if cells and not cells[0]:
            cells = cells[1:]
        kind = "pipe"
    elif "\t" in line:
        cells = [c.strip() for c in line.split("\t")]
        kind = "tab"
    elif _COMMA_ROW.match(line):
        cells = [c.strip().strip('"') for c in line.split(",")]
        kind = "comma"
    elif _RANK_PREFIX.match(line):
        cells = _RANK_PREFIX.sub(r"\1 ", line).split()
        kind = "space"
    else:
        cells = [c for c in re.split(r"\s{2,}|\u3000+", line.strip())]
        kind = "spaces"
        if len(cells) < 2:
            cells = line.split()
            kind = "space"
    if kind in ("space", "spaces"):
        cells = [c for c in cells if not _DASH.match(c)]
    cells = [_unmark(c) for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    return cells, kind


_WIDE_DIGIT = re.compile(r"[０-９]")
# a comma-separated row: a rank first, or short cells only (城市,排名,省份), never a sentence
_COMMA_ROW = re.compile(r'^\s*"?\d{1,4}"?\s*,|^\s*[^,，。；;！？!?]{1,24}(?:,[^,，。；;！？!?]{0,24})+\s*$')
_RANK_PREFIX = re.compile(
    rf"^\s*(第?\d{{1,4}}[名位]?|第[{NUMERAL_CHARS}]{{1,5}}[名位])\s*[、.．:：]\s*(?=[^\d\s])")  # not 第二、 (a heading)
# a bare Chinese numeral before words and single spaces is an outline heading (一 总体情况), not a rank
_OUTLINE = re.compile(rf"^[{NUMERAL_CHARS}]{{1,5}}$")
_DASH = re.compile(r"^[-–—－~～]+$")  # "1. 深圳市 - 广东省": a dash between names separates them
_MARKUP = re.compile(r"^\*\*(.+)\*\*$|^\[([^\]]+)\]\([^)]*\)$")


def _unmark(cell: str) -> str:
    match = _MARKUP.match(cell)
    return (match.group(1) or match.group(2)).strip() if match else cell


def parse_groups(cells: list[str]) -> list[tuple[int, list[str], list[str]]] | None:
    """The (rank, fields, scores) groups of a row, or None when the cells are not a ranking row.
    A number after a group's names is that group's score, set aside: a decimal (1 深圳市 91.7 51 龙岩市),
    or an integer followed by the next group's rank (1 深圳市 90 11 宁波市)."""
    if not cells or not _RANK.match(cells[0]):
        return None
    groups: list[tuple[int, list[str], list[str]]] = []
    for k, cell in enumerate(cells):
        match = _RANK.match(cell)
        following = cells[k + 1] if k + 1 < len(cells) else ""
        if match and not (groups and groups[-1][1] and (_RANK.match(following) or _NUMBER.match(following))):
            groups.append((as_number(match.group(1)), [], []))
        elif groups[-1][1] and _NUMBER.match(cell):
            groups[-1][2].append(cell)
        else:
            groups[-1][1].append(cell)
    # The groups before the last fix the width; the last may be shorter (an empty cell, padded) or
    # longer (a note after it, which the table cuts off and records).
    width = len(groups[0][1])
    if not 1 <= width <= 3:
        return None
    for index, (_, fields, _) in enumerate(groups):
        if len(fields) != width:
            if index != len(groups) - 1 or len(fields) > width + 2:
                return None
            fields.extend([""] * (width - len(fields)))
        if not any(fields):
            return None
        for value in fields:
            if value and (_NUMBER.match(value) or not _WORDY.search(value) or _PROSE.search(value)
                          or len(value) > _LONGEST_NAME):
                return None
    return groups


def _rank_first(cells: list[str], column: int) -> list[str]:
    """The row with its rank cell first, then its names, then its numbers (a score column before the
    rank, as in 得分,排名,城市, ends up after the names, where it is set aside)."""
    rest = cells[:column] + cells[column + 1:]
    return [cells[column], *[c for c in rest if not _NUMBER.match(c)], *[c for c in rest if _NUMBER.match(c)]]


def _one_item_per_line(lines: list[str], locations: list[str]) -> tuple[list[str], list[str]]:
    """A list written on one line (``1.深圳市；2.上海市；3.北京市``) as one line per item, each keeping
    the location of the line it came from."""
    out_lines, out_locations = [], []
    for line, location in zip(lines, locations):
        items = [item.strip() for item in _ITEM_SEPARATOR.split(line) if item.strip()]
        if len(items) >= 3 and all(_RANK_PREFIX.match(item) for item in items):
            out_lines.extend(items)
            out_locations.extend([location] * len(items))
        else:
            out_lines.append(line)
            out_locations.append(location)
    return out_lines, out_locations


_ITEM_SEPARATOR = re.compile(r"[；;]")


def find_ranking_tables(lines: list[str], locations: list[str]) -> list[RankingTable]:
    """Every ranking table in the lines, in document order."""
    if any("；" in line or ";" in line for line in lines):
        lines, locations = _one_item_per_line(lines, locations)
    parsed: list[tuple[int, list[tuple[int, list[str]]], tuple]] = []
    rank_column = 0  # where a header put the rank (城市,排名,省份); rows are read with the rank first
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        cells, kind = split_cells(line)
        named = [k for k, cell in enumerate(cells) if _RANK_HEADER.match(cell)]
        if named and len(cells) > 1:  # a header; with several column groups the ranks lead each group
            rank_column = named[0] if len(named) == 1 else 0
            continue
        moved = False
        if rank_column and len(cells) > rank_column and _RANK.match(cells[rank_column]):
            cells = _rank_first(cells, rank_column)
        elif rank_column and not _RANK.match(cells[0]):
            rank_column = 0
        if (not rank_column and kind != "space" and len(cells) >= 2 and _RANK.match(cells[1])
                and _WORDY.search(cells[0]) and not _RANK.match(cells[0])):
            cells, moved = _rank_first(cells, 1), True  # 深圳市,1,广东省 with no header: held to sequential ranks
        if kind == "space" and cells and _OUTLINE.match(cells[0]):
            continue
        values = _trailing_numbers(cells)
        groups = parse_groups(cells[:len(cells) - len(values)])
        if groups:
            parsed.append((index, groups, (len(groups), kind, moved), values))
    tables: list[list[tuple[int, list, tuple]]] = []
    ranks_in: list[set[int]] = []  # the ranks each table holds so far
    for entry in parsed:
        index, groups, signature, _ = entry
        ranks = {rank for rank, _, _ in groups}
        if tables:
            last_index, last_groups, last_signature, _ = tables[-1][-1]
            between = [i for i in range(last_index + 1, index) if lines[i].strip()]
            # Same number of column groups and separator, ranks going on: the same table, even when a
            # row has an empty last cell or a note after it (the width is settled per table below).
            # A table may count down (100 to 1): its second row says so, one below the first.
            # A row on the very next line with ranks the table does not hold yet is the same table in
            # any order, as in a ranking sorted by province; a rank it holds starts another (1, 2, 3, 1).
            step = 1 if _ascending(tables[-1], groups[0][0]) else -1
            continues = signature == last_signature and (
                (index == last_index + 1 and not ranks & ranks_in[-1])
                or (step * (groups[0][0] - last_groups[0][0]) >= 0
                    and (not between
                         or (len(between) <= _MAX_INTERRUPTION and groups[0][0] == last_groups[0][0] + step))))
            if continues:
                tables[-1].append(entry)
                ranks_in[-1].update(ranks)
                continue
        tables.append([entry])
        ranks_in.append(ranks)
    found: list[RankingTable] = []
    for entries in tables:
        n_groups, kind, moved = entries[0][2]
        if sum(len(groups) for _, groups, _, _ in entries) < 3:
            continue
        if (kind == "space" or moved) and not _sequential(entries):
            continue
        header, caption = _header_and_caption(lines, entries[0][0])
        width = _table_width(entries, header, n_groups)
        table = RankingTable(len(found) + 1, n_groups, width, header, caption)
        for index, groups, _, values in entries:
            for g, (rank, fields, scores) in enumerate(groups):
                cells = fields + [""] * (width - len(fields))
                table.rows.append(RankingRow(rank, cells[:width], locations[index], lines[index], g + 1,
                                             [c for c in cells[width:] if c],
                                             scores + (values if g == len(groups) - 1 else [])))
        found.append(table)
    return found


_NOTE_SHARE = 0.2  # rows wider than the table: at most this share of them, or the table is that wide


def _table_width(entries, header: list[str], n_groups: int) -> int:
    """Fields per column group: the widest width that more than a fifth of the rows have, or more when
    the header names more columns. Shorter rows are padded with empty cells; the cells of a rare
    longer row (a note such as 并列) are kept aside, not taken for a column."""
    widths = Counter(len(groups[0][1]) for _, groups, _, _ in entries)
    common = max((w for w, n in widths.items() if n > _NOTE_SHARE * len(entries)),
                 default=widths.most_common(1)[0][0])
    named = len(header) // n_groups - 1 if header and len(header) % n_groups == 0 else 0
    return max(common, min(named, max(widths)))


def _trailing_numbers(cells: list[str]) -> list[str]:
    """Numbers at the end of a row after a rank and a name (``1,深圳市,广东省,89.7``): a score
    column, kept beside the row rather than read as another rank or making the row no ranking."""
    end = len(cells)
    while end > 2 and _NUMBER.match(cells[end - 1]):
        end -= 1
    return cells[end:] if end < len(cells) and _WORDY.search(cells[end - 1]) else []


def _ascending(entries, next_rank: int) -> bool:
    """Whether the table ``entries`` begin counts up: it does unless its second row is one below its first."""
    first = entries[0][1][0][0]
    second = entries[1][1][0][0] if len(entries) > 1 else next_rank
    return second != first - 1


def _sequential(entries) -> bool:
    """Single-space rows count only when every column group's ranks go up by one line after line, but
    for a tied rank: the same rank again, then a skip past it (5, 5, 7)."""
    if len(entries) < 3:
        return False
    # a table's rows all have the same number of groups: it is part of the signature they share
    groups = list(zip(*[[rank for rank, _, _ in groups] for _, groups, _, _ in entries]))
    for ranks in groups:
        if len(ranks) > 1 and ranks[1] < ranks[0]:  # a table counting down reads the same upwards
            ranks = ranks[::-1]
        steps = [b - a for a, b in zip(ranks, ranks[1:])]
        for before, step in zip([1, *steps], steps):
            if not (step == 1 or step == 0 or (step >= 2 and before == 0)):
                return False
    return True


def _header_and_caption(lines: list[str], first: int) -> tuple[list[str], str]:
    """The header row just above a table (cells, when its first cell names the rank) and the caption above that."""
    above = [i for i in range(first - 1, max(first - 6, -1), -1) if lines[i].strip()]
    header: list[str] = []
    caption = ""
    for position, i in enumerate(above[:2]):
        cells, _ = split_cells(lines[i])
        if not header and cells and _RANK_HEADER.match(cells[0]):
            header = cells
            rest = above[position + 1 :]
            caption = lines[rest[0]].strip() if rest else ""
            break
    if not header and above:
        caption = lines[above[0]].strip()
    return header, caption
