"""Spaces a line wrap left inside a word: ``公 共衛生`` -> ``公共衛生``, ``潍 坊市`` -> ``潍坊市``.

PDF text and reposts break lines inside words, and the break comes out as a space. A single space
between two Han characters is such a break when the likeliest split of the characters around it into
words (dictionary words and place names, weighted by frequency) puts one word across it. A space
between two words may be a break or a separator (``数据 资源``, ``宁夏 天津市``, ``研究 白皮书``, a
space-aligned table), and nothing in the text tells which, so it is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from pipeline.model import Repair
from pipeline.normalize.scan import lines_matching

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# The literal space first, so that the engine looks for spaces at C speed and tests the rest there.
GAP = re.compile(f" (?<=[{_HAN}] )(?=[{_HAN}])")
# Han characters with single spaces between them, up to a space (searched up to it) or from one
_BEFORE = re.compile(f"[{_HAN}](?: ?[{_HAN}])*$")
_AFTER = re.compile(f"[{_HAN}](?: ?[{_HAN}])*")
_WINDOW = 8  # Han characters on each side of a space that decide its words (a word is at most 5)
_CONFIDENCE = 0.9  # a judgement of word frequencies, not a rule of the mechanism


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    fixed, _, found = join_lines([text], text, line)
    return fixed[0], found


def join_lines(lines: list[str], text: str, first_line: int = 1,
               made: Callable[[int, int], bool] | None = None) -> tuple[list[str], str, list[Repair]]:
    """Every line with a space inside a word joined there: the lines, their joined text and one repair
    per space removed (a few per document, so each is kept, in data_quality too). ``made(index,
    column)`` tells a space an earlier repair made (``&nbsp;``, a tag between two cells): an author's
    space, not a line wrap's, so it stays."""
    out = list(lines)
    repairs: list[Repair] = []
    for index in lines_matching(lines, GAP, text):
        fixed, inside = _joined(lines[index])
        if made and any(made(index, space) for space, _ in inside):
            inside = tuple((space, word) for space, word in inside if not made(index, space))
            fixed = _without(lines[index], [space for space, _ in inside])
        out[index] = fixed
        repairs += [Repair("wrap_space", first_line + index, space + 1, " ", "", _CONFIDENCE,
                           f"line-wrap space inside the word {word} removed") for space, word in inside]
    if not repairs:
        return out, text, []
    return out, "\n".join(out), repairs


@lru_cache(maxsize=4096)
def _joined(line: str) -> tuple[str, tuple[tuple[int, str], ...]]:
    """``line`` with its spaces inside words removed, and each of them (0-based, with the word across
    it). Pages repeat lines (running heads, footers): same line, same answer."""
    inside = []
    for gap in GAP.finditer(line):
        space = gap.start()
        left = _BEFORE.search(line, max(0, space - 2 * _WINDOW), space).group(0).replace(" ", "")
        right = _AFTER.match(line, space + 1, space + 1 + 2 * _WINDOW).group(0).replace(" ", "")
        word = _word_across(left[-_WINDOW:], right[:_WINDOW])
        if word:
            inside.append((space, word))
    return _without(line, [space for space, _ in inside]), tuple(inside)


def _without(line: str, spaces: list[int]) -> str:
    ends = spaces + [len(line)]
    return "".join([line[start + 1:end] for start, end in zip([-1] + ends, ends)])


@lru_cache(maxsize=4096)
def _word_across(left: str, right: str) -> str:
    """The word that the likeliest split of ``left + right`` puts across the place where they meet,
    or "" when a word ends there."""
    from pipeline.normalize.lexicon import default_lexicon

    _, ends = default_lexicon().likeliest_split(left + right, with_places=True)
    gap = len(left)
    if gap in ends:
        return ""
    start = max((end for end in ends if end < gap), default=0)
    return (left + right)[start:min(end for end in ends if end > gap)]
