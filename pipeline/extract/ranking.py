"""Ranking tables read by the structure of their cells: one mechanism for every layout.

1. Lines become rows of typed cells (pipeline.extract.cells): cut at pipes, tabs, commas or spaces; a
   list written on one line (``1.深圳市；2.上海市；3.北京市``) gives a row per item, and a table copied
   one cell per line is folded back into rows.
2. Rows that hold a rank and a name, one after another, make a block (a page number, a running head
   or its own header repeated atop a new page may interrupt it); a header line just above it names
   its columns.
3. Each column of the block gets a role from its header label and the kinds of its cells.
4. The roles repeat across a line in column groups — (rank, city[, province][, score]) once, twice,
   four times: the shortest repeat in which every group holds a rank and a name is the group.
5. Each line gives one row per group it fills (a last line may fill fewer), with its rank, its place
   names, the numbers after them (a score) and every other column kept aside (a row number, a year,
   a change). A line whose ranks the table already holds starts another table.
6. A line that looks like a ranking row but is read into no table comes back in ``unread`` with the
   reason, and so does a line inside a table that is not one of its rows.

The extractor knows no file and no line number; which names are cities and which provinces is left to
reconciliation.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from pipeline.extract.cells import (EMPTY, INT, NAME, NOTE, PLACES, RANK, RANK_PREFIX, SCORE, TEXT, YEAR,
                                    cell_kind, holds_text, is_rank, looks_like_row, ranking_cells, rank_value)

_MIN_ROWS = 3  # fewer rows than this is a list, not a table
_MAX_INTERRUPTION = 3  # lines that may interrupt a table (page numbers, running heads) when its ranks carry on
_NOTE_SHARE = 0.2  # a width that at most this share of a block's lines have is a note, not a column
_LONGEST_GROUP = 8  # cells of one row written one per line


@dataclass
class RankingRow:
    rank: int
    fields: list[str]  # the place names of the row's column group, in column order
    location: str
    raw: str
    group: int
    extra: list[str] = field(default_factory=list)  # cells beyond the table's columns (a note such as 并列)
    values: list[str] = field(default_factory=list)  # a score column, or numbers after the names
    aside: dict[str, str] = field(default_factory=dict)  # other columns by label: 序号, 年份, 变化, a region
    read_from: list[str] = field(default_factory=list)  # every line the row was read from (one cell per line)


@dataclass
class RankingTable:
    table_no: int
    groups: int
    width: int  # place names per row
    header: list[str]
    caption: str
    rows: list[RankingRow] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # per place column: its header label, or what it holds

    @property
    def location(self) -> str:
        return self.rows[0].location if self.rows else ""

    def roles(self) -> list[str]:
        """Per place column: 'city', 'province' or 'unknown'."""
        labels = self.labels or self.header[1:1 + self.width]
        roles = [_label_role(re.sub(r"[（(][^）)]*[）)]", "", label)) for label in labels]  # 城市（省份）
        roles = [role if role in ("city", "province") else "unknown" for role in roles]
        return roles + ["unknown"] * (self.width - len(roles))


@dataclass
class Unread:
    """A line that looks like a ranking row (or lies inside a table) and was not read as one."""

    location: str
    raw: str
    why: str


@dataclass
class RankingScan:
    tables: list[RankingTable] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)


def find_ranking_tables(lines: list[str], locations: list[str], gaz=None) -> RankingScan:
    """Every ranking table in the lines, in document order, and the row-like lines none of them reads."""
    kind_of = _kind_reader(gaz)
    typed = _fold_cell_runs(_read_lines(lines, locations, kind_of))
    nonblank = _nonblank_before(lines)
    scan = RankingScan(unread=_unfolded(typed))
    spans: list[tuple[int, int, int]] = []  # (table number, first line, last line) of each table
    for block in _blocks(typed):
        layout = _layout(block, kind_of)
        if isinstance(layout, str):
            _reject(block.lines, layout)
            continue
        parts, rowless = _split(block, layout, nonblank)
        scan.unread.extend(problem for entry in rowless for problem in entry.problems)
        for n, part in enumerate(parts):
            why = _not_a_table(part, layout)
            if why:
                _reject([entry.line for entry in part], why)
                continue
            scan.tables.append(_table(len(scan.tables) + 1, part, layout, block if n == 0 else None, lines))
            scan.unread.extend(problem for entry in part for problem in entry.problems)
            spans.append((len(scan.tables), part[0].line.index, part[-1].line.last))
    scan.unread.extend(_unread_lines(scan, typed, spans, lines, locations))
    return scan


def _kind_reader(gaz):
    """``cell_kind`` with the gazetteer's places, each distinct cell typed once."""
    from pipeline.reconcile.gazetteer import gazetteer
    from pipeline.reconcile.places import place_level

    gaz = gaz or gazetteer()
    kinds: dict[str, str] = {}

    def kind_of(cell: str) -> str:
        if cell not in kinds:
            kinds[cell] = cell_kind(cell, lambda text: place_level(text, gaz))
        return kinds[cell]
    return kind_of


# 1. Lines as rows of typed cells

@dataclass
class _Line:
    """The cells of one line, or of a run of lines holding one cell each, folded into one row."""

    cells: list[str]
    kinds: list[str]
    separator: str  # pipe, tab, comma, space (any run of spaces), cells (one cell per line, folded)
    index: int  # the line it starts on
    last: int  # the line it ends on
    locations: list[str]
    raw: str
    starts: list[int] | None = None  # display columns of space-separated cells
    why_not: str = ""  # why the table this line was part of was not kept

    def __post_init__(self) -> None:
        self.row_like = looks_like_row(self.kinds)  # as read, before any placing of its cells


def _read_lines(lines: list[str], locations: list[str], kind_of) -> list[_Line]:
    out = []
    for index, (line, location) in enumerate(zip(lines, locations)):
        if not line.strip():
            continue
        for item in _list_items(line):
            cells, starts, separator = ranking_cells(item)
            if cells:  # not a line of bare separators (||)
                out.append(_Line(cells, [kind_of(c) for c in cells], separator, index, index, [location], item, starts))
    return out


_ITEM_SEPARATOR = re.compile(r"[；;，,]|\s+")


def _list_items(line: str) -> list[str]:
    """A list written on one line (``1.深圳市；2.上海市；3.北京市``, ``1.深圳 2.上海 3.北京``) as its
    items, else the line."""
    items = [item.strip() for item in _ITEM_SEPARATOR.split(line) if item.strip()]
    return items if len(items) >= 3 and all(RANK_PREFIX.match(item) for item in items) else [line]


def _fold_cell_runs(lines: list[_Line]) -> list[_Line]:
    """Runs of lines of one cell each, as a web page's table comes out when copied (a rank, a city, a
    score, each on its own line), folded into rows as long as their header labels, or as the shortest
    repeat of their kinds."""
    out: list[_Line] = []
    run: list[_Line] = []
    for line in [*lines, None]:
        if line is not None and len(line.cells) == 1:
            run.append(line)
            continue
        out.extend(_fold(run) if sum(is_rank(one.kinds[0]) for one in run) >= _MIN_ROWS else run)
        run = []
        if line is not None:
            out.append(line)
    return out


def _fold(run: list[_Line]) -> list[_Line]:
    out: list[_Line] = []
    start = 0
    while start < len(run):
        folded, used = _fold_at(run, start)
        out.extend(folded or [run[start]])
        start += used or 1
    return out


def _fold_at(run: list[_Line], start: int) -> tuple[list[_Line], int]:
    """The rows (with their header) folded from ``start`` on, and how many lines they take; none when
    fewer than three rows fold."""
    labels = _leading_labels(run[start:start + _LONGEST_GROUP])
    body = run[start + len(labels):]
    period = len(labels) or _cell_period([line.kinds[0] for line in body])
    chunks = _matching_chunks(body, period) if period else []
    if len(chunks) < _MIN_ROWS:
        return [], 0
    folded = [_joined(chunk) for chunk in ([labels] if labels else []) + chunks]
    return folded, len(labels) + sum(len(chunk) for chunk in chunks)


def _leading_labels(lines: list[_Line]) -> list[_Line]:
    """Header labels one per line (排名, 城市, 得分), when they name a rank column."""
    labels = []
    for line in lines:
        if not _label_role(line.cells[0]):
            break
        labels.append(line)
    return labels if len(labels) >= 2 and any(_label_role(line.cells[0]) == RANK for line in labels) else []


def _cell_period(kinds: list[str]) -> int:
    """The shortest length at which the kinds repeat, with a rank and a place in each repeat, or 0."""
    for period in range(2, _LONGEST_GROUP + 1):
        chunks = [kinds[k:k + period] for k in range(0, period * _MIN_ROWS, period)]
        if len(chunks[-1]) == period and _holds_rank_and_place(chunks[0]) and _alike(chunks):
            return period
    return 0


def _matching_chunks(lines: list[_Line], period: int) -> list[list[_Line]]:
    """Consecutive chunks of ``period`` lines whose kinds match the first chunk's; a last chunk may be
    shorter (a copy cut short)."""
    matching: list[list[_Line]] = []
    for k in range(0, len(lines), period):
        chunk = lines[k:k + period]
        kinds = [line.kinds[0] for line in chunk]
        if not _holds_rank_and_place(kinds) or matching and not _alike([[l.kinds[0] for l in matching[0]], kinds]):
            break
        matching.append(chunk)
    return matching


def _joined(lines: list[_Line]) -> _Line:
    return _Line([line.cells[0] for line in lines], [line.kinds[0] for line in lines], "cells", lines[0].index,
                 lines[-1].last, [line.locations[0] for line in lines], " | ".join(line.raw.strip() for line in lines))


def _unfolded(lines: list[_Line]) -> list[Unread]:
    """A table left one cell per line (ranks each followed by a place, three times or more) that did
    not fold: said once, at its first rank."""
    pairs = [a for a, b in zip(lines, lines[1:]) if len(a.cells) == 1 and is_rank(a.kinds[0]) and b.kinds[0] in PLACES]
    if len(pairs) < _MIN_ROWS:
        return []
    return [Unread(pairs[0].locations[0], pairs[0].raw, (
        "a table written one cell per line (ranks and places on lines of their own) that does not fold into rows "
        "of one length; save it as a table with one row per rank and run again"))]


# 2. Blocks: runs of lines that hold a rank and a name

@dataclass
class _Block:
    separator: str
    lines: list[_Line]
    header: list[str]
    header_index: int  # the header's line, or the first row's when there is none


def _blocks(lines: list[_Line]) -> list[_Block]:
    """Runs of lines that hold a rank and a name, with the same separator, at most a few other lines
    between them; each with the header line just above it (a markdown rule or one more line between)."""
    blocks: list[_Block] = []
    current: _Block | None = None
    header: _Line | None = None
    since_header = since_row = 0
    for line in lines:
        if _is_header(line) and not _repeats_header(current, line, since_row):
            current, header, since_header = None, line, 0
        elif _holds_row(line):
            if current is None or current.separator != line.separator or since_row > _MAX_INTERRUPTION:
                current = _Block(line.separator, [], [], line.index)
                if header is not None and since_header <= 1:
                    current.header, current.header_index = header.cells, header.index
                blocks.append(current)
            current.lines.append(line)
            header, since_row = None, 0
        elif not _is_rule(line):
            since_header += 1
            since_row += 1
    return blocks


def _repeats_header(block: _Block | None, line: _Line, since_row: int) -> bool:
    """Whether ``line`` is the running block's own header again, as a table printed over several pages
    repeats it at the top of each: the table goes on (the line is one of its interruptions)."""
    return (block is not None and bool(block.header) and line.cells == block.header
            and since_row < _MAX_INTERRUPTION)


def _holds_row(line: _Line) -> bool:
    """A rank and a name; or, in a table whose separators fix its cells, a rank whose name cell is
    empty (``| 5 | | 69% |``), which is the table's row too, and said when it cannot be read."""
    if len(line.cells) < 2 or not any(is_rank(k) for k in line.kinds):
        return False
    return any(k in PLACES or k == NAME for k in line.kinds) or (
        line.separator in ("pipe", "tab") and EMPTY in line.kinds and not {TEXT} & set(line.kinds))


def _is_header(line: _Line) -> bool:
    return len(line.cells) >= 2 and any(_label_role(c) == RANK for c in line.cells) and not any(
        is_rank(k) or k in PLACES for k in line.kinds)


def _is_rule(line: _Line) -> bool:
    return all(kind == EMPTY for kind in line.kinds)  # |---|---| under a markdown header


_LABELS = [
    (RANK, re.compile(r"^(?:排名|名次|排序|排行|排位|位次|序号|rank(?:ing)?|no\.?|#)$", re.IGNORECASE)),
    (SCORE, re.compile(r"得分|分数|分值|指数|评分|总分|score|index", re.IGNORECASE)),
    (YEAR, re.compile(r"^(?:年份|年度|year)$", re.IGNORECASE)),
    (NOTE, re.compile(r"变化|升降|变动|较上年|change", re.IGNORECASE)),
    ("province", re.compile(r"省|地区|区、市|province", re.IGNORECASE)),
    ("city", re.compile(r"城市|市|名称|city|name", re.IGNORECASE)),
]
_ROW_NUMBER = re.compile(r"^(?:序号|编号)$")


def _label_role(label: str) -> str:
    """What a header label names: a rank, a score, a year, a change (note), a province or a city."""
    return next((role for role, pattern in _LABELS if pattern.search(label.strip())), "")


# 3. and 4. Column roles, and the group they repeat in

_ASIDE = {INT: "number", NAME: "text", YEAR: "year", NOTE: "note"}  # a column set aside, named for what it holds


@dataclass
class _Layout:
    width: int  # cells a full line holds
    period: int  # cells per column group
    rank: int  # where a group's rank is
    names: list[int]  # where its place names are
    values: list[int]  # a score column, or numbers after the names
    aside: dict[int, str]  # every other column, by its label or what it holds
    labels: list[str]  # per place column: its header label, or what it holds (city, province)
    trusted: bool  # separators and header fix the columns; otherwise the ranks must run in sequence

    @property
    def groups(self) -> int:
        return -(-self.width // self.period)


def _layout(block: _Block, kind_of) -> _Layout | str:
    """The block's columns and their roles, or why it is no ranking table."""
    width = _common_width(block)
    _align_spaced(block, width, kind_of)
    labels = (block.header + [""] * width)[:width]
    roles = _column_roles(block, labels)
    period = _period(roles)
    if not period:
        return "its columns do not repeat in groups that each hold a rank and a name"
    group, labels = roles[:period], labels[:period]
    if "place" not in group:
        return "its names are not places the gazetteer or the world list knows"
    rank = _rank_column(group)
    names, values, aside = _other_columns(group, labels, rank)
    named = [labels[j] if _label_role(labels[j]) in ("city", "province") else _place_role(block, j) for j in names]
    trusted = block.separator in ("pipe", "tab", "comma") and (rank == 0 or _label_role(labels[rank]) == RANK)
    return _Layout(width, period, rank, names, values, aside, named, trusted)


def _common_width(block: _Block) -> int:
    """Cells per line: the most that more than a fifth of the lines hold, or as many as the header names
    when some line fills them; a last column of notes (并列) that at most half the lines fill is no
    column but a note on each of those rows."""
    widths = Counter(len(line.cells) for line in block.lines)
    common = max((w for w, n in widths.items() if n > _NOTE_SHARE * len(block.lines)),
                 default=widths.most_common(1)[0][0])
    width = max(common, min(len(block.header), max(widths)))
    while width > min(widths) and width > len(block.header) and _only_notes(block, width - 1):
        width -= 1
    return width


def _column_kinds(block: _Block, column: int) -> list[str]:
    return [line.kinds[column] for line in block.lines if column < len(line.kinds)]


def _only_notes(block: _Block, column: int) -> bool:
    kinds = _column_kinds(block, column)
    return all(kind in (NOTE, EMPTY) for kind in kinds) and len(kinds) <= len(block.lines) / 2


def _align_spaced(block: _Block, width: int, kind_of) -> None:
    """Space-separated lines with fewer cells than the block's columns (an empty cell in the middle),
    placed by display column: each cell goes to the column whose start, on the lines that fill every
    column, is nearest. A long name that pushes the next cell keeps the cell count and needs nothing."""
    spaced = [line for line in block.lines if line.starts is not None]
    full = [line.starts for line in spaced if len(line.cells) == width]
    columns = [statistics.median(starts[j] for starts in full) for j in range(width)] if full else []
    for line in spaced:
        if columns and len(line.cells) < width:
            line.cells = _placed(line.cells, line.starts, columns)
            line.kinds = [kind_of(c) for c in line.cells]


def _placed(cells: list[str], starts: list[int], columns: list[float]) -> list[str]:
    placed = [""] * len(columns)
    column = 0
    for cell, start in zip(cells, starts):
        column = min(range(column, len(columns)), key=lambda j: abs(columns[j] - start))
        placed[column] = f"{placed[column]} {cell}".strip()
    return placed


_CATEGORY = {kind: "place" for kind in PLACES}
_PREFERRED = {c: n for n, c in enumerate(["place", NAME, RANK, INT, SCORE, YEAR, NOTE])}  # of two as common


def _column_roles(block: _Block, labels: list[str]) -> list[str]:
    """Each column's role: what its header label names (a rank, a score, a year, a change), else the
    kind most of its cells hold; 序号 beside 排名 is a row number."""
    ranked = any(_label_role(label) == RANK and not _ROW_NUMBER.match(label) for label in labels)
    return [_header_role(label, ranked) or _content_role(block, j) for j, label in enumerate(labels)]


def _header_role(label: str, ranked: bool) -> str:
    role = _label_role(label)
    if role == RANK and ranked and _ROW_NUMBER.match(label):
        return "row number"
    return role if role in (RANK, SCORE, YEAR, NOTE) else ""


def _content_role(block: _Block, column: int) -> str:
    counted = Counter(_CATEGORY.get(kind, kind) for kind in _column_kinds(block, column) if kind != EMPTY)
    return max(counted, key=lambda c: (counted[c], -_PREFERRED.get(c, len(_PREFERRED)))) if counted else EMPTY


def _period(roles: list[str]) -> int:
    """The shortest group of columns that repeats across the roles, each group with a rank and a name."""
    for period in range(1, len(roles) + 1):
        groups = [roles[k:k + period] for k in range(0, len(roles), period)]
        if all(_holds_rank_and_name(g) for g in groups) and _alike(groups):
            return period
    return 0


def _rank_column(group: list[str]) -> int:
    """A group's rank: the column its header or its cells mark as ranks (第1名), else the number nearest
    before the first name, else the first number after it (城市,排名,省份)."""
    first_name = _first_name(group)
    marked = [j for j, role in enumerate(group) if role == RANK]
    before = [j for j in range(first_name) if group[j] == INT]
    after = [j for j in range(first_name, len(group)) if group[j] == INT]
    return (marked or before[-1:] or after)[0]


def _other_columns(group: list[str], labels: list[str], rank: int) -> tuple[list[int], list[int], dict[int, str]]:
    """(place columns, value columns, columns set aside): a score anywhere and a number after the names
    are values; a row number, a year, a change or a word that is no place is set aside."""
    first_name = _first_name(group)
    names, values, aside = [], [], {}
    for j, role in enumerate(group):
        if j == rank or role == EMPTY:
            continue
        if role == "place":
            names.append(j)
        elif role == SCORE or (role == INT and j > first_name):
            values.append(j)
        else:
            aside[j] = labels[j] or _ASIDE.get(role, role)
    return names, values, aside


def _first_name(group: list[str]) -> int:
    return next(j for j, role in enumerate(group) if role in ("place", NAME))


def _holds_rank_and_name(roles: list[str]) -> bool:
    return any(r in (RANK, INT) for r in roles) and any(r in ("place", NAME) for r in roles)


def _holds_rank_and_place(kinds: list[str]) -> bool:
    return any(is_rank(k) for k in kinds) and any(k in PLACES for k in kinds)


_ALIKE = [{RANK, INT}, {INT, SCORE}, {"place", NAME}, PLACES | {NAME}]


def _alike(groups: list[list[str]]) -> bool:
    """Whether every group's roles (or kinds) match the first group's, column by column: ranks and
    numbers, numbers and scores, places and names go together, and an empty cell matches anything."""
    return all(a == b or EMPTY in (a, b) or any({a, b} <= alike for alike in _ALIKE)
               for group in groups[1:] for a, b in zip(groups[0], group))


def _place_role(block: _Block, column: int) -> str:
    """'province' for a column of mostly provinces, else 'city' (a municipality is either)."""
    levels = Counter(_column_kinds(block, column))
    return "province" if levels["province"] > levels["city"] + levels["county"] else "city"


# 5. Rows from the groups, tables from the rows

@dataclass
class _Entry:
    line: _Line
    rows: list[RankingRow]
    problems: list[Unread]  # column groups of the line that hold no rank and name


def _split(block: _Block, layout: _Layout, nonblank: list[int]) -> tuple[list[list[_Entry]], list[_Entry]]:
    """The block's lines as tables: a line whose ranks the table already holds (not a tie with the line
    before) starts another, and so does one after an interruption unless its rank carries on from the
    line before, up or down. Also the lines that gave no row (a rank and an empty name), whose problems
    are said whatever becomes of the tables; the rank such a line holds is one the table carries on
    from."""
    parts: list[list[_Entry]] = []
    rowless: list[_Entry] = []
    held: set[int] = set()
    bridge: tuple[int, int] | None = None  # (rank, line) of a row-less line since the part's last entry
    for line in block.lines:
        entry = _rows_of(line, layout)
        if not entry.rows:
            rowless.append(entry)
            rank_kind = line.kinds[layout.rank] if layout.rank < len(line.kinds) else EMPTY
            bridge = (rank_value(line.cells[layout.rank]), line.last) if is_rank(rank_kind) else None
            continue
        ranks = {row.rank for row in entry.rows}
        if parts and not _restarts(parts[-1], entry, ranks & held, nonblank, bridge):
            parts[-1].append(entry)
            held |= ranks
        else:
            parts.append([entry])
            held = set(ranks)
        bridge = None
    return parts, rowless


def _restarts(part: list[_Entry], entry: _Entry, repeated: set[int], nonblank: list[int],
              bridge: tuple[int, int] | None) -> bool:
    previous = part[-1]
    rank, last = entry.rows[0].rank, previous.rows[0].rank
    first = part[0].rows[0].rank
    second = part[1].rows[0].rank if len(part) > 1 else rank
    step = -1 if second == first - 1 else 1  # a table counting down says so with its second line
    last_line = previous.line.last
    if bridge is not None and bridge[0] == last + step:
        last, last_line = bridge
    interrupted = nonblank[entry.line.index] - nonblank[last_line] > 1
    return bool(repeated) and rank != last or interrupted and rank != last + step


def _rows_of(line: _Line, layout: _Layout) -> _Entry:
    """One row per column group the line fills (a group of empty cells is no row); cells past the
    table's columns are kept on the line's last row."""
    entry = _Entry(line, [], [])
    for g in range(layout.groups):
        cells = line.cells[g * layout.period:(g + 1) * layout.period]
        if any(cells):
            read = _group_row(line, g, cells + [""] * (layout.period - len(cells)), layout)
            (entry.rows if isinstance(read, RankingRow) else entry.problems).append(read)
    if entry.rows:
        entry.rows[-1].extra = [c for c in line.cells[layout.width:] if c]
    return entry


def _group_row(line: _Line, g: int, cells: list[str], layout: _Layout) -> RankingRow | Unread:
    """The row one column group holds, or what is wrong with it (a rank and no name, or no rank)."""
    names = [cells[j] for j in layout.names]
    kind = line.kinds[g * layout.period + layout.rank] if cells[layout.rank] else EMPTY
    if not is_rank(kind) or not any(names):
        held = " | ".join(filter(None, cells))
        what = "a rank and no name" if is_rank(kind) else "no rank and name"
        return Unread(line.locations[0], line.raw, f"column group {g + 1} of a ranking row holds {what}: {held}")
    return RankingRow(rank_value(cells[layout.rank]), names, line.locations[0], line.raw, g + 1,
                      values=[cells[j] for j in layout.values if cells[j]],
                      aside={label: cells[j] for j, label in layout.aside.items() if cells[j]},
                      read_from=list(line.locations))


def _not_a_table(part: list[_Entry], layout: _Layout) -> str:
    """Why a run of rows is not kept as a table, or ''."""
    rows = sum(len(entry.rows) for entry in part)
    if rows < _MIN_ROWS:
        return f"{rows} row(s) together, fewer than the {_MIN_ROWS} a table needs"
    if not layout.trusted and not _sequential(part, layout.groups):
        return "its ranks do not run in sequence, which a table needs when no separators or header fix its columns"
    return ""


def _sequential(part: list[_Entry], groups: int) -> bool:
    """Three lines or more, and in each column group ranks that run in sequence."""
    return len(part) >= _MIN_ROWS and all(
        _in_sequence([row.rank for entry in part for row in entry.rows if row.group == g]) for g in range(1, groups + 1))


def _in_sequence(ranks: list[int]) -> bool:
    """Ranks that go up (or down) by one, but for a tie: the same rank again, then a skip past it (5, 5, 7)."""
    if len(ranks) > 1 and ranks[1] < ranks[0]:  # a table counting down reads the same upwards
        ranks = ranks[::-1]
    steps = [b - a for a, b in zip(ranks, ranks[1:])]
    return all(step in (0, 1) or (step >= 2 and before == 0) for before, step in zip([1, *steps], steps))


def _table(number: int, part: list[_Entry], layout: _Layout, block: _Block | None, lines: list[str]) -> RankingTable:
    """The table of a part; ``block`` when it is the block's first, which the header and caption above
    the block describe."""
    header = block.header if block else []
    caption = _caption(lines, block.header_index) if block else ""
    rows = [row for entry in part for row in entry.rows]
    return RankingTable(number, layout.groups, len(layout.names), header, caption, rows, layout.labels)


def _reject(lines: list[_Line], why: str) -> None:
    for line in lines:
        line.why_not = why


def _caption(lines: list[str], first: int) -> str:
    """The nearest non-blank line above the header (or above the first row when there is none)."""
    return next((lines[i].strip() for i in range(first - 1, max(first - 6, -1), -1) if lines[i].strip()), "")


def _nonblank_before(lines: list[str]) -> list[int]:
    """For each line, how many non-blank lines come before it (to count the lines between two rows)."""
    counts, total = [], 0
    for line in lines:
        counts.append(total)
        total += bool(line.strip())
    return counts


# 6. What was not read

def _unread_lines(scan: RankingScan, rows: list[_Line], spans: list[tuple[int, int, int]], lines: list[str],
                  locations: list[str]) -> list[Unread]:
    """Every line inside a table that is not one of its rows, and every line that looks like a ranking
    row and is in no table, with the reason (once per line)."""
    said = {location for table in scan.tables for row in table.rows for location in row.read_from}
    said.update(u.location for u in scan.unread)
    inside = [Unread(locations[i], lines[i], f"a line inside ranking table {number} that is not one of its rows")
              for number, first, last in spans for i in range(first, last + 1)
              if holds_text(lines[i])]
    inside = [u for u in inside if u.location not in said]
    said.update(u.location for u in inside)
    return inside + _rows_in_no_table(rows, said)


def _rows_in_no_table(rows: list[_Line], said: set[str]) -> list[Unread]:
    unread = []
    for line in rows:
        if line.locations[0] not in said and line.row_like:
            why = line.why_not or "a single line, not part of a table"
            unread.append(Unread(line.locations[0], line.raw, f"looks like a ranking row but is in no table: {why}"))
            said.add(line.locations[0])
    return unread
