"""Every row accounted for: the lines of a source that are, or look like, ranking rows, and what became
of each.

A line is *seen* when it lies between the first and the last row of a ranking table, or when it looks
like a ranking row wherever it is (a rank first, then a place name, no prose). Each seen line must be
*read* (a row of some table: a ranking table, or a table another family reads) or *recorded* (a
data_quality row at its location says why it was not read). What is neither is *lost*: the run's
expectations fail on it, so that no row vanishes without a word. This check is independent of how
the tables were found: it only asks the lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.extract.cells import cell_kind, holds_text, looks_like_row, ranking_cells


@dataclass
class RowCount:
    seen: int = 0
    read: int = 0
    recorded: int = 0
    recorded_rows: int = 0  # of those recorded, the lines that look like rows (not a page number in a table)
    lost: list[str] = field(default_factory=list)  # locations of lines seen, neither read nor recorded

    def columns(self) -> dict[str, int]:
        """The counts as the ``sources`` table carries them."""
        return {"n_rows_seen": self.seen, "n_rows_read": self.read, "n_rows_recorded": self.recorded}


def count_rows(lines: list[str], locations: list[str], tables, read_elsewhere: set[str], recorded: set[str],
               gaz) -> RowCount:
    """Count the seen lines of one source. ``tables``: its ranking tables (their rows know the lines
    they were read from); ``read_elsewhere``: locations other table families read; ``recorded``:
    locations that have a data_quality row of this source."""
    spans, read = _table_spans(locations, tables)
    row_like = _row_like(lines, gaz)
    seen = row_like | {i for first, last in spans for i in range(first, last + 1) if holds_text(lines[i])}
    read |= read_elsewhere
    count = RowCount(seen=len(seen))
    for i in sorted(seen):
        if locations[i] in read:
            count.read += 1
        elif locations[i] in recorded:
            count.recorded += 1
            count.recorded_rows += i in row_like
        else:
            count.lost.append(locations[i])
    return count


def _table_spans(locations: list[str], tables) -> tuple[list[tuple[int, int]], set[str]]:
    """(first line, last line) of each table, and the locations its rows were read from."""
    index = {location: i for i, location in reversed(list(enumerate(locations)))}
    spans, read = [], set()
    for table in tables:
        where = [location for row in table.rows for location in row.read_from or [row.location]]
        read.update(where)
        spans.append((min(index[w] for w in where), max(index[w] for w in where)))
    return spans, read


def _row_like(lines: list[str], gaz) -> set[int]:
    """The lines that look like ranking rows (cells.looks_like_row: a rank first, then place names)."""
    from pipeline.reconcile.places import place_level

    def kind(cell: str) -> str:
        return cell_kind(cell, lambda text: place_level(text, gaz))

    found = set()
    for i, line in enumerate(lines):
        cells = ranking_cells(line)[0] if line.strip() else []
        if cells and looks_like_row([kind(c) for c in cells]):
            found.add(i)
    return found
