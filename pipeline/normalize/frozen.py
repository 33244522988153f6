"""Spans the byte-damage repair flagged pass through every later stage exactly as read.

A flagged span is damage no reading clears (``??谑小①僦菔?``): kept byte for byte, a later pass (the
same phrase in a cleaner copy) or a person can still undo it, while a converted or half-removed span
could be undone by no one (瘧 made 疟 by the script stage). Each character of such a span is swapped
for a placeholder, one for one so that no column moves, and swapped back at the end: a noncharacter
(U+FDD0 to U+FDEF, which Unicode keeps for a program's own use), one per span, repeated over it;
past 32 spans on a line, a private-use character of plane 15. No stage reads either (no tag,
annotation, Han character or anything OpenCC converts). The noncharacters keep a document's text in
two bytes a character, where a character of plane 15 would double every later pass over it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import chain

from pipeline.model import Repair

FROZEN = "\ufdd0-\ufdef\U000f0000-\U000ffffd"
_FROZEN_CHAR = re.compile(f"[{FROZEN}]")


def flagged_spans(found: list[Repair]) -> list[tuple[int, int]]:
    """(start, end), 0-based, of each span one line's byte-damage records left as read, in the line
    the repair returned: a record that changed nothing is a flag, and the columns of the records
    (in the line as read) move by what the changes before them added or removed."""
    spans = []
    shift = 0
    for record in sorted(found, key=lambda r: r.column):
        if record.before == record.after:
            start = record.column - 1 + shift
            spans.append((start, start + len(record.before)))
        else:
            shift += len(record.after) - len(record.before)
    return spans


class Freezer:
    """Swaps flagged spans for placeholders and back, line by line. A span's placeholder is unique in
    its line (counted from the first again on each line, past any the line itself holds), so each span
    is found again wherever later stages moved it."""

    def __init__(self):
        self._spans: dict[int, list[tuple[str, str]]] = {}  # line index -> (placeholders, text as read)

    def freeze(self, index: int, line: str, spans: list[tuple[int, int]]) -> str:
        taken = set(_FROZEN_CHAR.findall(line)) if _FROZEN_CHAR.search(line) else ()
        free = (char for char in map(chr, chain(range(0xFDD0, 0xFDF0), range(0xF0000, 0xFFFFE))) if char not in taken)
        pieces = []
        position = 0
        for start, end in spans:
            placeholders = next(free) * (end - start)
            self._spans.setdefault(index, []).append((placeholders, line[start:end]))
            pieces += [line[position:start], placeholders]
            position = end
        return "".join(pieces) + line[position:]

    def __bool__(self) -> bool:
        return bool(self._spans)

    @property
    def lines(self) -> list[int]:
        return list(self._spans)

    def thaw(self, index: int, line: str) -> str:
        for placeholders, original in self._spans.get(index, ()):
            line = line.replace(placeholders, original, 1)
        return line

    def thaw_repair(self, repair: Repair, index: int) -> Repair:
        if not (holds_frozen(repair.before) or holds_frozen(repair.after)):
            return repair
        return replace(repair, before=self.thaw(index, repair.before), after=self.thaw(index, repair.after))


def holds_frozen(text: str) -> bool:
    """Whether ``text`` holds a placeholder: a match that does must be left as it is."""
    return _FROZEN_CHAR.search(text) is not None
