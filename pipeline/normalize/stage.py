"""One signature for every normalize stage, and the loop that runs them in order.

A stage is a function from :class:`Given` (the document's current lines and their joined text, where
the document starts, whether ``--explain`` asked for every change, the lines as read, and what the loop
knows: which lines earlier stages recorded something on, whether a character was written by an earlier
repair) to :class:`Done` (the new lines, their text when the stage has it, its repairs at columns of the
lines it was given, the decisions on what the document shows, and records that sum changes up). The
loop keeps each stage's changes as a map, places every stage's repairs in the lines as read through the
maps of the stages before it (:mod:`pipeline.normalize.columns`), freezes the spans a flagging stage
left as read (:mod:`pipeline.normalize.frozen`; every later stage sees placeholders there) and thaws
them at the end. A stage never looks at another stage's records, so adding one is one entry in the
list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.model import Repair
from pipeline.normalize.columns import StageMaps, placed
from pipeline.normalize.evidence import Evidence
from pipeline.normalize.frozen import Freezer, flagged_spans


@dataclass
class Given:
    """What a stage is given. ``made(index, column)`` (0-based) tells whether the character there was
    written by an earlier repair rather than read; ``touched`` holds the indexes of the lines earlier
    stages recorded something on (a repair or a flag)."""

    lines: list[str]
    first_line: int
    explain: bool
    read: list[str]
    read_text: str
    touched: set[int]
    made: Callable[[int, int], bool]
    joined: str | None = None

    @property
    def text(self) -> str:
        """``"\\n".join(lines)``, joined once, when a stage first asks."""
        if self.joined is None:
            self.joined = "\n".join(self.lines)
        return self.joined


@dataclass
class Done:
    """What a stage gives back. ``lines`` is the given list itself when the stage changed nothing;
    ``text`` their joined text when the stage has it at hand (else joined when a later stage asks).
    ``repairs`` are at columns of the lines given, a line's in column order; ``summaries`` sum changes
    up and are at no place (the script conversion without ``--explain``). Where ``repairs`` sum a
    stage's changes up, ``changes_of(line)`` gives a line's one by one, for the maps."""

    lines: list[str]
    text: str | None = None
    repairs: list[Repair] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    summaries: list[Repair] = field(default_factory=list)
    changes_of: Callable[[int], list[Repair]] | None = None


@dataclass(frozen=True)
class Stage:
    """A stage in the loop: ``freezes`` when its flags (records that left text as read) are damage
    later stages must leave alone; ``removes(char)``, for a stage that only removes text (so that no
    character of its output is its own), whether it may remove a character."""

    name: str
    run: Callable[[Given], Done]
    freezes: bool = False
    removes: Callable[[str], bool] | None = None


def run_stages(stages: tuple[Stage, ...], lines: list[str], first_line: int,
               explain: bool) -> tuple[list[str], list[Repair]]:
    """The stages over a document in order: the lines they leave and every record, in the lines as
    read. The decisions come first; then each line's repairs in the order the stages ran (which is
    the order they compose in); then the records that sum changes up."""
    read_text = "\n".join(lines)
    placement = _Placement(first_line, explain)
    freezer = Freezer()
    touched: set[int] = set()
    current, text = lines, read_text
    decisions: list[Repair] = []
    records: list[tuple[int, int, Repair]] = []  # (line, stage, record), sorted at the end
    summaries: list[Repair] = []
    for number, stage in enumerate(stages):
        given = Given(current, first_line, explain, lines, read_text, touched, placement.made, text)
        done = stage.run(given)
        decisions += [placement.place([found.record(first_line)], locate=False)[0] for found in done.evidence]
        moved = placement.place(done.repairs)
        records += [(record.line, number, record) for record in moved]
        summaries += done.summaries
        out, out_text = done.lines, (given.joined if done.lines is current else done.text)
        placement.add(StageMaps(done.repairs, placement.version(current), placement.version(out),
                                done.changes_of, stage.removes), stage.removes is None, moved)
        touched.update(repair.line - first_line for repair in done.repairs)
        if stage.freezes:
            frozen = _freeze(freezer, out, done.repairs, first_line)
            if frozen is not None:
                out, out_text = frozen, None
        current, text = out, out_text
    records.sort(key=lambda found: found[:2])
    repairs = decisions + [record for _, _, record in records] + summaries
    if freezer:
        current = list(current)
        for index in freezer.lines:
            current[index] = freezer.thaw(index, current[index])
        frozen_lines = {first_line + index for index in freezer.lines}
        repairs = [freezer.thaw_repair(repair, repair.line - first_line) if repair.line in frozen_lines else repair
                   for repair in repairs]
    return current, repairs


def _freeze(freezer: Freezer, lines: list[str], repairs: list[Repair], first_line: int) -> list[str] | None:
    """The lines with the spans a stage flagged (its records that changed nothing) frozen, or None when
    it flagged none."""
    by_line: dict[int, list[Repair]] = defaultdict(list)
    flagged = set()
    for repair in repairs:
        by_line[repair.line - first_line].append(repair)
        if repair.before == repair.after:
            flagged.add(repair.line - first_line)
    out = None
    for index in flagged:
        spans = flagged_spans(by_line[index])
        if spans:
            out = out or list(lines)
            out[index] = freezer.freeze(index, out[index], spans)
    return out


class _Placement:
    """The maps of the stages run so far, the records they left on each line (placed; with ``explain``,
    where the records must compose), and where a character came from."""

    def __init__(self, first_line: int, explain: bool):
        self._first_line, self._explain = first_line, explain
        self._maps: list[StageMaps] = []
        self._writing: set[int] = set()  # lines a stage that writes characters changed
        self._records: dict[int, list[Repair]] = defaultdict(list)

    def version(self, lines: list[str]) -> Callable[[int], str]:
        """A line's text in ``lines``, by line number."""
        first = self._first_line
        return lambda line: lines[line - first]

    def place(self, repairs: list[Repair], locate: bool = True) -> list[Repair]:
        return placed(repairs, self._maps, self._records.__getitem__, locate and self._explain)

    def add(self, maps: StageMaps, writes: bool, moved: list[Repair]) -> None:
        self._maps.append(maps)
        if writes:
            self._writing |= maps.lines()
        if self._explain:
            for record in moved:
                self._records[record.line].append(record)

    def made(self, index: int, column: int) -> bool:
        """Whether the character at ``column`` (0-based) of line ``index`` of the latest stage's output
        was written by a repair rather than read."""
        line = self._first_line + index
        if line not in self._writing:
            return False
        column += 1
        for stage in reversed(self._maps):
            line_map = stage.get(line)
            if line_map is not None:
                column, kept = line_map.input_column(column)
                if not kept:
                    return True
        return False
