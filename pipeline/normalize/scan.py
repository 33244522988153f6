"""Whole-text passes over a document's lines: one scan or one conversion of the joined text instead of
one call per line, which is where normalize spends its time on a large document."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from itertools import compress


def lines_matching(lines: list[str], pattern: re.Pattern, text: str | None = None) -> list[int]:
    """Indexes of the lines where ``pattern`` occurs; ``text`` is "\\n".join(lines) when at hand."""
    if text is None:
        text = "\n".join(lines)
    found = []
    index = previous = 0
    for match in pattern.finditer(text):
        index += text.count("\n", previous, match.start())  # newlines counted in C, from the last match on
        previous = match.start()
        if not found or found[-1] != index:
            found.append(index)
    return found


def lines_containing(lines: list[str], chars: Iterable[str], text: str) -> list[int]:
    """Indexes of the lines holding any of ``chars``: one literal search per character present, which
    is many times faster than a character class over a long text."""
    found: set[int] = set()
    for char in chars:
        if char in text:
            found.update(lines_matching(lines, re.compile(re.escape(char)), text))
    return sorted(found)


def convert_whole(lines: list[str], text: str, convert: Callable[[str], str]) -> tuple[list[str], str]:
    """``convert`` applied to ``text`` ("\\n".join(lines)) in one call: the converted lines and their
    joined text. Line by line instead when a line held a newline of its own and the split would not
    line up."""
    converted = convert(text)
    out = converted.split("\n")
    if len(out) == len(lines):
        return out, converted
    out = [convert(line) for line in lines]
    return out, "\n".join(out)


def changed_lines(before: list[str], after: list[str]) -> list[int]:
    """Indexes where the two lists differ, compared in C."""
    return list(compress(range(len(before)), map(operator.ne, before, after)))
