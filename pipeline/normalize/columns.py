"""Where a repair sits in the line as read.

Each stage records its changes at columns of the text it was given. Once an earlier stage has made a
line shorter or longer (an annotation removed, ``&nbsp;`` turned into a space), those columns no longer
point into the line as read. Walking back through the earlier stages' own changes puts them there: the
changes are the map, so no second copy of the text is kept.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from os.path import commonprefix

from pipeline.model import Repair


def by_line(repairs: list[Repair]) -> dict[int, list[Repair]]:
    """The changes among ``repairs`` (a flag that left the text as it was is none), per line, in column order."""
    lines: dict[int, list[Repair]] = defaultdict(list)
    for repair in repairs:
        if repair.before != repair.after:
            lines[repair.line].append(repair)
    for changes in lines.values():
        changes.sort(key=lambda r: r.column)
    return dict(lines)


def input_column(column: int, changes: list[Repair]) -> int:
    """The column in a stage's input of ``column`` in its output, from the stage's changes to that line
    (in column order, columns in its input). Inside a replacement, what it kept at its start or end
    (``???/p>`` -> ``海口/p>`` kept ``/p>``) maps to where that was; the rest to where the change starts."""
    shift = 0
    for change in changes:
        start = change.column + shift
        if column < start:
            break
        if column < start + len(change.after):
            return change.column + _offset_in_before(column - start, change.before, change.after)
        shift += len(change.after) - len(change.before)
    return column - shift


def _offset_in_before(offset: int, before: str, after: str) -> int:
    kept_end = len(commonprefix([before[::-1], after[::-1]]))
    if offset >= len(after) - kept_end:
        return len(before) - (len(after) - offset)
    kept_start = len(commonprefix([before, after]))
    return min(offset, kept_start)


def as_read(repair: Repair, earlier: list[list[Repair]]) -> list[Repair]:
    """``repair`` with its column in the line as read, given what earlier stages changed on its line
    (earliest stage first). A run of one-for-one changes (a script run) that an earlier change cut apart
    (an annotation removed between two of its characters) becomes one repair per piece."""
    pieces = [repair]
    for changes in reversed(earlier):
        if changes:
            pieces = [moved for piece in pieces for moved in _back(piece, changes)]
    return pieces


def placed(repairs: list[Repair], earlier: list[dict[int, list[Repair]]]) -> list[Repair]:
    """:func:`as_read` for every repair, ``earlier`` being the stages' :func:`by_line` maps."""
    return [moved for repair in repairs for moved in as_read(repair, [stage.get(repair.line, []) for stage in earlier])]


def _back(repair: Repair, changes: list[Repair]) -> list[Repair]:
    length = len(repair.before)
    if length < 2 or length != len(repair.after):
        column = input_column(repair.column, changes)
        return [repair if column == repair.column else replace(repair, column=column)]
    columns = [input_column(repair.column + i, changes) for i in range(length)]
    pieces = []
    start = 0
    for i in range(1, length + 1):
        if i == length or columns[i] != columns[i - 1] + 1:
            pieces.append(replace(repair, column=columns[start], before=repair.before[start:i],
                                  after=repair.after[start:i]))
            start = i
    return pieces
