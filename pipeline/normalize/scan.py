"""Whole-text passes over a document's lines: one scan or one conversion of the joined text instead of
one call per line, which is where normalize spends its time on a large document."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from itertools import compress


def lines_matching(lines: list[str], pattern: re.Pattern, text: str | None = None) -> list[int]:
    """Indexes of the lines where ``pattern`` (which never matches a line break) occurs; ``text`` is
    "\\n".join(lines) when at hand."""
    if text is None:
        text = "\n".join(lines)

    def next_at(position: int) -> int:
        match = pattern.search(text, position)
        return -1 if match is None else match.start()

    return _lines_holding(text, next_at)


def lines_containing(lines: list[str], strings: Iterable[str], text: str) -> list[int]:
    """Indexes of the lines holding any of ``strings`` (none of which holds a line break): each looked
    for with ``str.find``, which scans many times faster than the regular expression engine (a
    character class over a long text, or even one literal character)."""
    found: set[int] = set()
    for string in strings:
        found.update(_lines_holding(text, lambda position, string=string: text.find(string, position)))
    return sorted(found)


def _lines_holding(text: str, next_at: Callable[[int], int]) -> list[int]:
    """Indexes of the lines of ``text`` where ``next_at(position)`` (the offset of the next occurrence
    at or after ``position``, -1 when there is none) finds something. Once a line is found the search
    goes on at the next one, so a line with a hundred occurrences (a poem's spaces, a repost's
    annotations) costs what a line with one does; newlines are counted in C from the last line found."""
    found = []
    index = start = 0  # the index of the line that starts at ``start``
    position = next_at(0)
    while position >= 0:
        index += text.count("\n", start, position)
        found.append(index)
        end = text.find("\n", position)
        if end < 0:
            break
        index, start = index + 1, end + 1
        position = next_at(start)
    return found


def convert_whole(lines: list[str], text: str, convert: Callable[[str], str]) -> tuple[list[str], str]:
    """``convert`` applied to ``text`` ("\\n".join(lines)) in one call: the converted lines and their
    joined text. Line by line instead when a line held a newline of its own and the split would not
    line up. A text the call left as it was (a Simplified one) is not split: the lines come back as a
    copy the caller may change."""
    converted = convert(text)
    if converted == text:
        return list(lines), text
    out = converted.split("\n")
    if len(out) == len(lines):
        return out, converted
    out = [convert(line) for line in lines]
    return out, "\n".join(out)


def changed_lines(before: list[str], after: list[str]) -> list[int]:
    """Indexes where the two lists differ, compared in C."""
    return list(compress(range(len(before)), map(operator.ne, before, after)))
