"""Whole-text passes over a document's lines: one scan or one conversion of the joined text instead of
one call per line, which is where normalize spends its time on a large document."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from itertools import compress


def lines_matching(lines: list[str], pattern: re.Pattern, text: str | None = None) -> list[int]:
    """Indexes of the lines where ``pattern`` (which never matches a line break) occurs; ``text`` is
    "\\n".join(lines) when at hand. Once a line is found the search goes on at the next one, so a line
    with a hundred matches (a poem's spaces, a repost's annotations) costs what a line with one does."""
    if text is None:
        text = "\n".join(lines)
    found = []
    index = position = 0  # the index of the line that starts at ``position``
    match = pattern.search(text)
    while match is not None:
        index += text.count("\n", position, match.start())  # newlines counted in C, from the last line found
        found.append(index)
        end = text.find("\n", match.start())
        if end < 0:
            break
        index, position = index + 1, end + 1
        match = pattern.search(text, max(position, match.end()))
    return found


def lines_containing(lines: list[str], strings: Iterable[str], text: str) -> list[int]:
    """Indexes of the lines holding any of ``strings`` (none of which holds a line break): each looked
    for with ``str.find``, which scans many times faster than the regular expression engine (a
    character class over a long text, or even one literal character), one search per line holding it."""
    found: set[int] = set()
    for string in strings:
        position = text.find(string)
        index = start = 0  # the index of the line that starts at ``start``
        while position >= 0:
            index += text.count("\n", start, position)
            found.add(index)
            end = text.find("\n", position)
            if end < 0:
                break
            index, start = index + 1, end + 1
            position = text.find(string, start)
    return sorted(found)


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
