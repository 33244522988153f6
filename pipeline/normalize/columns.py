"""Where a repair sits in the line as read, and how the records of a document compose.

Each stage records its changes at columns of the text it was given. Once an earlier stage has made a
line shorter or longer (an annotation removed, ``&nbsp;`` turned into a space), those columns no longer
point into the line as read. Walking back through the earlier stages' own changes puts them there: the
changes are the map, so no second copy of the text is kept.

How the records compose (what ``normalize --explain`` prints, and what :func:`replay` does): take the
lines as read and apply the records in the order they are listed (a line's records come in the order
the stages ran, each stage's in column order). A record changes one line: its ``before`` becomes its
``after``, found

- where ``within`` is null: at ``column`` (1-based) of the line as read, text no record before it
  touched;
- where ``within`` is a column: in text earlier records wrote (a script conversion of a character the
  byte repair restored, a ``</p>`` whose ``<`` it restored). ``within`` is the column of the record
  about the text as read that first wrote there, and ``before`` starts ``offset`` characters into what
  the records at that place have written so far (it may run on into the text after it). ``column``
  still says where in the line as read the damage it repairs sits.

A record may keep characters at the ends of what it replaced (a table cell read as a whole,
``???/p>`` -> ``海口</p>``): they count as written by it. Records that change nothing (``before ==
after``: the ``evidence`` decisions, flagged spans) are skipped. Without ``--explain`` the pinyin
annotations and the script conversion are summed up in one record each, which no replay can apply.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from functools import partial
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
        found, kept, _ = self.source(column)
        return found, kept

    def source(self, column: int) -> tuple[int, bool, bool]:
        """:meth:`input_column`, and whether a change wrote the character (one it kept at either end
        of what it replaced included)."""
        i = bisect_right(self.starts, column) - 1
        if i < 0:
            return column, True, False
        change, start = self.changes[i], self.starts[i]
        if column < start + len(change.after):
            offset, kept = _offset_in_before(column - start, change.before, change.after)
            return change.column + offset, kept, True
        return column - self.shifts[i], True, False

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


class _Kept:
    """The map of a stage that only removes characters, and never the one asked about: the n-th such
    character of the output is the n-th of the input (a variant after the annotations went), found
    by counting, without the stage's changes; any other character through ``full()``, its LineMap."""

    def __init__(self, given: str, left: str, removes: Callable[[str], bool], full: Callable[[], LineMap]):
        self._given, self._left, self._removes, self._full = given, left, removes, full

    def source(self, column: int) -> tuple[int, bool, bool]:
        char = self._left[column - 1] if 0 < column <= len(self._left) else ""
        if not char or self._removes(char):
            return self._full().source(column)
        at = -1
        for _ in range(self._left.count(char, 0, column - 1) + 1):
            at = self._given.find(char, at + 1)
        return at + 1, True, False

    def input_column(self, column: int) -> tuple[int, bool]:
        found, kept, _ = self.source(column)
        return found, kept


class StageMaps:
    """A stage's changes as a map per line, built when a later repair on that line asks for it (most
    lines never do). ``before`` and ``after`` give a line's text as the stage got it and left it.
    ``changes_of(line)`` gives a line's changes one by one where the stage's records sum them up (the
    pinyin annotations without ``--explain``); ``removes(char)``, for a stage that only removes text,
    whether it may remove a character: there, a character it never removes is placed by counting,
    without finding the changes again. Where the changes do not rebuild the line (a stage that went
    over it several times), the map is one change of the whole line, exact for what the stage left
    alone at either end."""

    def __init__(self, repairs: list[Repair], before: Callable[[int], str], after: Callable[[int], str],
                 changes_of: Callable[[int], list[Repair]] | None = None,
                 removes: Callable[[str], bool] | None = None):
        self._changes: dict[int, list[Repair]] = defaultdict(list)
        for repair in repairs:
            if repair.before != repair.after:  # a flag that left the text as it was changes nothing
                self._changes[repair.line].append(repair)
        self._before, self._after, self._changes_of, self._removes = before, after, changes_of, removes
        self._full: dict[int, LineMap | None] = {}

    def lines(self) -> set[int]:
        """The lines the stage's records changed."""
        return set(self._changes)

    def changed_nothing(self) -> bool:
        """Whether no line needs a map (placement then skips the stage)."""
        return not self._changes and self._changes_of is None

    def text(self, line: int) -> tuple[str, str]:
        """The line as the stage got it and as it left it."""
        return self._before(line), self._after(line)

    def records(self, line: int) -> list[Repair]:
        """The stage's changes to a line, in the order it made them."""
        if self._changes_of is None:
            return self._changes.get(line, [])
        return self._changes_of(line) if self._before(line) != self._after(line) else []

    def get(self, line: int) -> LineMap | _Kept | None:
        if self._removes is None or self._changes_of is None:
            return self._line_map(line)
        given, left = self._before(line), self._after(line)
        return None if given == left else _Kept(given, left, self._removes, partial(self._line_map, line))

    def _line_map(self, line: int) -> LineMap | None:
        if line in self._full:
            return self._full[line]
        if self._changes_of is None and line not in self._changes:
            return None
        changes = sorted(self.records(line), key=lambda r: r.column)
        found = None
        if changes:
            given, left = self._before(line), self._after(line)
            if not _rebuilds(given, left, changes):
                changes = [Repair(changes[0].kind, line, 1, given, left, 1.0, "")]
            found = LineMap(changes)
        self._full[line] = found
        return found


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


class LineReplay:
    """A line as the records applied so far left it, each character knowing where it came from: its
    column in the line as read while no record touched it, else the place (the ``within`` of the
    records there) whose records wrote it."""

    __slots__ = ("text", "_origin")

    def __init__(self, line: str):
        self.text = line
        self._origin = list(range(1, len(line) + 1))  # a column as read, or minus the place that wrote it

    def position(self, record: Repair) -> int | None:
        """Where ``record`` applies in the text, 0-based; None when its place is not in the line."""
        try:
            if record.within is None:
                return self._origin.index(record.column)
            return self._origin.index(-record.within) + record.offset
        except ValueError:
            return None

    def place(self, position: int) -> tuple[int, int | None, int]:
        """How to name ``position``: the place a change there belongs to, and its ``within`` and
        ``offset`` (None and 0 for text as read)."""
        if position >= len(self._origin):
            return len(self._origin) + 1, None, 0
        origin = self._origin[position]
        if origin > 0:
            return origin, None, 0
        return -origin, -origin, position - self._origin.index(origin)

    def apply(self, position: int, before: str, after: str, place: int) -> None:
        end = position + len(before)
        self.text = self.text[:position] + after + self.text[end:]
        self._origin[position:end] = [-place] * len(after)


def replay(lines: list[str], records: list[Repair], first_line: int = 1) -> list[str]:
    """The lines as read with the records applied as the module's docstring says. Raises ValueError
    naming the first record that is not where it says it is."""
    states: dict[int, LineReplay] = {}
    for record in records:
        if record.before == record.after:
            continue
        index = record.line - first_line
        state = states.get(index)
        if state is None:
            state = states[index] = LineReplay(lines[index])
        at = state.position(record)
        if at is None or state.text[at:at + len(record.before)] != record.before:
            raise ValueError(f"line {record.line}: {record} does not apply to {state.text!r}")
        state.apply(at, record.before, record.after, record.column if record.within is None else record.within)
    out = list(lines)
    for index, state in states.items():
        out[index] = state.text
    return out


def as_read(repair: Repair, earlier: list[LineMap]) -> list[Repair]:
    """``repair`` with its column in the line as read, given the maps of earlier stages on its line
    (earliest first). A run of one-for-one changes (a script run) that an earlier change cut apart (an
    annotation removed between two of its characters), or that holds a character an earlier change
    produced, becomes one repair per piece."""
    return [piece for piece, _, _ in _pieces(repair, earlier)]


def _pieces(repair: Repair, earlier: list[LineMap]) -> list[tuple[Repair, int, bool]]:
    """:func:`as_read`'s pieces, each with where it starts in ``repair`` and whether an earlier change
    wrote any of its characters."""
    pieces = [(repair, 0, False)]
    for line_map in reversed(earlier):
        pieces = [moved for piece in pieces for moved in _back(*piece, line_map)]
    return pieces


def _back(repair: Repair, start: int, written: bool, line_map: LineMap) -> list[tuple[Repair, int, bool]]:
    length = len(repair.before)
    if length < 2 or length != len(repair.after):
        column, _, wrote = line_map.source(repair.column)
        moved = repair if column == repair.column else _piece(repair, column, repair.before, repair.after)
        return [(moved, start, written or wrote)]
    mapped = [line_map.source(repair.column + i) for i in range(length)]
    pieces = []
    begin = 0
    for i in range(1, length + 1):
        if i == length or not (mapped[i][1] and mapped[i - 1][1] and mapped[i][0] == mapped[i - 1][0] + 1):
            pieces.append((_piece(repair, mapped[begin][0], repair.before[begin:i], repair.after[begin:i]),
                           start + begin, written or any(wrote for _, _, wrote in mapped[begin:i])))
            begin = i
    return pieces


def _piece(repair: Repair, column: int, before: str, after: str) -> Repair:
    """``repair`` moved to ``column``, or a piece of it (the constructor, not dataclasses.replace: this
    runs for every record placed)."""
    return Repair(repair.kind, repair.line, column, before, after, repair.confidence, repair.reason, repair.count,
                  repair.within, repair.offset)


def placed(repairs: list[Repair], earlier: list[StageMaps],
           earlier_records: Callable[[int], list[Repair]] | None = None, locate: bool = True) -> list[Repair]:
    """``repairs`` (a stage's, or a whole normalisation's, composing as the module's docstring says over
    the text the last of ``earlier`` left) moved to the lines as read: each column through
    :func:`as_read`, and where a record changes text an earlier stage wrote, its ``within`` and
    ``offset`` found by replaying its line (``earlier_records(line)``: the records the earlier stages
    left on a line, placed; by default the changes of the one earlier stage). ``locate`` False leaves
    ``within`` unset, for records that sum changes up and could not be replayed anyway."""
    earlier = [stage for stage in earlier if not stage.changed_nothing()]
    if not earlier:
        return list(repairs)
    moved: list[list[tuple[Repair, int, bool]] | None] = []  # None: no earlier stage changed the line
    maps_of: dict[int, list] = {}
    replayed: set[int] = set()  # lines where a record changes text an earlier stage wrote
    for repair in repairs:
        maps = maps_of.get(repair.line)
        if maps is None:
            maps = maps_of[repair.line] = [found for found in (stage.get(repair.line) for stage in earlier)
                                           if found is not None]
        if not maps:
            moved.append(None)
            continue
        pieces = _pieces(repair, maps)
        moved.append(pieces)
        if locate and repair.before != repair.after and (repair.within is not None or any(w for _, _, w in pieces)):
            replayed.add(repair.line)
    if replayed:
        by_line: dict[int, list[int]] = defaultdict(list)
        for i, repair in enumerate(repairs):
            if repair.line in replayed:
                by_line[repair.line].append(i)
        for line, indexes in by_line.items():
            _locate(line, [(repairs[i], moved[i]) for i in indexes], earlier,
                    earlier_records or earlier[0].records)
    return [piece for repair, pieces in zip(repairs, moved)
            for piece in ((repair,) if pieces is None else (found for found, _, _ in pieces))]


def _locate(line: int, found: list[tuple[Repair, list]], earlier: list[StageMaps],
            earlier_records: Callable[[int], list[Repair]]) -> None:
    """``within`` and ``offset`` of the pieces on one line, in place: the line as read is replayed
    with the earlier stages' records, and each repair applied where replaying the text the earlier
    stages left puts it."""
    given = LineReplay(earlier[-1].text(line)[1])
    read = LineReplay(earlier[0].text(line)[0])
    for record in earlier_records(line):
        at = read.position(record)
        if at is not None and record.before != record.after:
            read.apply(at, record.before, record.after, record.column if record.within is None else record.within)
    for repair, pieces in found:
        if repair.before == repair.after:
            continue
        at = given.position(repair)
        if at is None or given.text[at:at + len(repair.before)] != repair.before:
            continue  # a record that sums changes up: nothing to replay
        given.apply(at, repair.before, repair.after, repair.column if repair.within is None else repair.within)
        for i, (piece, start, written) in enumerate(pieces):
            place, within, offset = read.place(at + start)
            read.apply(at + start, piece.before, piece.after, place)
            column = piece.column if within is not None else place
            pieces[i] = (replace(piece, column=column, within=within, offset=offset), start, written)
