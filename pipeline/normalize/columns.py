"""Where a repair sits in the line as read.

Each stage records its changes at columns of the text it was given. Once an earlier stage has made a
line shorter or longer (an annotation removed, ``&nbsp;`` turned into a space), those columns no longer
point into the line as read. Walking back through the earlier stages' own changes puts them there: the
changes are the map, so no second copy of the text is kept.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from os.path import commonprefix

from pipeline.model import Repair


class LineMap:
    """One stage's changes to one line (in column order, not overlapping, columns in the stage's
    input) as a map from the columns of its output back to those of its input."""

    def __init__(self, changes: list[Repair]):
        self.changes = changes
        self.starts: list[int] = []  # where each change's text begins in the output
        self.shifts: list[int] = []  # output minus input columns after each change
        shift = 0
        for change in changes:
            self.starts.append(change.column + shift)
            shift += len(change.after) - len(change.before)
            self.shifts.append(shift)

    def input_column(self, column: int) -> tuple[int, bool]:
        """The input column of output ``column``, and whether the character was there in the input
        (False for one a change produced: it maps to where the change starts)."""
        i = bisect_right(self.starts, column) - 1
        if i < 0:
            return column, True
        change, start = self.changes[i], self.starts[i]
        if column < start + len(change.after):
            offset, kept = _offset_in_before(column - start, change.before, change.after)
            return change.column + offset, kept
        return column - self.shifts[i], True


    def input_last(self, column: int) -> int:
        """The input column of the last character that output ``column`` came from: itself where it was
        in the input, else the end of the change that produced it."""
        i = bisect_right(self.starts, column) - 1
        if i >= 0:
            change, start = self.changes[i], self.starts[i]
            if column < start + len(change.after):
                offset, kept = _offset_in_before(column - start, change.before, change.after)
                return change.column + offset if kept else change.column + len(change.before) - 1
        return self.input_column(column)[0]


def _offset_in_before(offset: int, before: str, after: str) -> tuple[int, bool]:
    """What a replacement kept at its start or end (``???/p>`` -> ``海口/p>`` kept ``/p>``) maps to where
    it was; the rest is new text, placed where the change starts."""
    kept_end = len(commonprefix([before[::-1], after[::-1]]))
    if offset >= len(after) - kept_end:
        return len(before) - (len(after) - offset), True
    kept_start = len(commonprefix([before, after]))
    return (offset, True) if offset < kept_start else (kept_start, False)


class StageMaps:
    """A stage's changes as a map per line, built when a later repair on that line asks for it (most
    lines never do). ``before`` and ``after`` give a line's text as the stage got it and left it.
    Where the changes do not rebuild the line (a stage that went over it several times), the map is
    one change of the whole line, exact for what the stage left alone at either end."""

    def __init__(self, repairs: list[Repair], before: Callable[[int], str], after: Callable[[int], str]):
        self._changes: dict[int, list[Repair]] = defaultdict(list)
        for repair in repairs:
            if repair.before != repair.after:  # a flag that left the text as it was changes nothing
                self._changes[repair.line].append(repair)
        self._before, self._after = before, after
        self._maps: dict[int, LineMap] = {}

    def lines(self) -> set[int]:
        """The lines the stage changed."""
        return set(self._changes)

    def get(self, line: int) -> LineMap | None:
        if line not in self._changes:
            return None
        if line not in self._maps:
            changes = sorted(self._changes[line], key=lambda r: r.column)
            given, left = self._before(line), self._after(line)
            if not _rebuilds(given, left, changes):
                changes = [Repair(changes[0].kind, line, 1, given, left, 1.0, "")]
            self._maps[line] = LineMap(changes)
        return self._maps[line]


def _rebuilds(given: str, left: str, changes: list[Repair]) -> bool:
    pieces = []
    position = 0
    for change in changes:
        start = change.column - 1
        if start < position or given[start:start + len(change.before)] != change.before:
            return False
        pieces += [given[position:start], change.after]
        position = start + len(change.before)
    return "".join(pieces) + given[position:] == left


def as_read(repair: Repair, earlier: list[LineMap]) -> list[Repair]:
    """``repair`` with its column in the line as read, given the maps of earlier stages on its line
    (earliest first). A run of one-for-one changes (a script run) that an earlier change cut apart (an
    annotation removed between two of its characters), or that holds a character an earlier change
    produced, becomes one repair per piece."""
    pieces = [repair]
    for line_map in reversed(earlier):
        pieces = [moved for piece in pieces for moved in _back(piece, line_map)]
    return pieces


def placed(repairs: list[Repair], earlier: list[StageMaps]) -> list[Repair]:
    """:func:`as_read` for every repair, ``earlier`` being the earlier stages' maps, earliest first."""
    moved = []
    for repair in repairs:
        maps = [found for found in (stage.get(repair.line) for stage in earlier) if found is not None]
        moved += as_read(repair, maps) if maps else [repair]
    return moved


def _back(repair: Repair, line_map: LineMap) -> list[Repair]:
    length = len(repair.before)
    if length < 2 or length != len(repair.after):
        column, _ = line_map.input_column(repair.column)
        return [repair if column == repair.column else replace(repair, column=column)]
    mapped = [line_map.input_column(repair.column + i) for i in range(length)]
    pieces = []
    start = 0
    for i in range(1, length + 1):
        if i == length or not (mapped[i][1] and mapped[i - 1][1] and mapped[i][0] == mapped[i - 1][0] + 1):
            pieces.append(replace(repair, column=mapped[start][0], before=repair.before[start:i],
                                  after=repair.after[start:i]))
            start = i
    return pieces
