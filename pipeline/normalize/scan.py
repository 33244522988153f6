"""Find the lines a pattern occurs in with one scan of the whole text, not one search per line."""

from __future__ import annotations

import re


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

