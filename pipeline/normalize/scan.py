"""Find the lines a pattern occurs in with one scan of the whole text, not one search per line."""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate


def lines_matching(lines: list[str], pattern: re.Pattern, text: str | None = None) -> list[int]:
    """Indexes of the lines where ``pattern`` occurs; ``text`` is "\\n".join(lines) when at hand."""
    if text is None:
        text = "\n".join(lines)
    if not pattern.search(text):
        return []
    starts = [0, *accumulate(len(line) + 1 for line in lines[:-1])]
    return sorted({bisect_right(starts, m.start()) - 1 for m in pattern.finditer(text)})
