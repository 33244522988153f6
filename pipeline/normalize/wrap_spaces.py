"""Spaces a line wrap left inside a word: ``公 共衛生`` -> ``公共衛生``, ``潍 坊市`` -> ``潍坊市``.

Text extracted from a PDF breaks lines inside words, and the break comes out as a space. A single space
between two Han characters is such a break when the likeliest split of the characters around it into
words (dictionary words and place names, weighted by frequency) puts one word across it. A space
between two words may be a break or a separator (``数据 资源``, ``宁夏 天津市``, ``研究 白皮书``, a
space-aligned table), and nothing in the text tells which, so it is kept.

Authors put spaces between characters on purpose too: a poem's title and its number (``二十五首 一``),
a lyric's half-lines, a label spaced out (``索 引 号``), a sentence about a split (``“台 中”``). So the
repair runs only on a document that shows wrapping (:func:`evidence`): a wrap falls in the flow of long
lines, wherever the line width ends, so about as often inside a word as between two; an author's space
sits between the units of short lines, or between single spaced-out characters (``本条例第 四 条``). A
line whose spaces separate its words throughout (a keyword list, ``主题词：行政 法规 环境 保护``) keeps
them even where the document wraps: a wrap puts one or two spaces in a line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from pipeline.model import Repair
from pipeline.normalize.evidence import Evidence
from pipeline.normalize.scan import lines_matching
from pipeline.normalize.stage import Done, Given

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# The literal space first, so that the engine looks for spaces at C speed and tests the rest there.
GAP = re.compile(f" (?<=[{_HAN}] )(?=[{_HAN}])")
_HAN_CHAR = re.compile(f"[{_HAN}]")
# Han characters with single spaces between them, up to a space (searched up to it) or from one
_BEFORE = re.compile(f"[{_HAN}](?: ?[{_HAN}])*$")
_AFTER = re.compile(f"[{_HAN}](?: ?[{_HAN}])*")
_WINDOW = 8  # Han characters on each side of a space that decide its words (a word is at most 5)
_CONFIDENCE = 0.9  # a judgement of word frequencies, not a rule of the mechanism
_RUNNING_TEXT = 20  # characters beyond ASCII (Han, CJK marks) in a line of running text, where a wrap can fall
_MIN_INSIDE = 3  # spaces inside words in running text: one or two are typing slips
_MIN_SHARE = 0.25  # of the spaces in running text (wraps fall inside words about half the time)
_LIST_GAPS, _LIST_SPACING = 3, 8  # a line with this many spaces, one per this many characters, lists words
_MIN_RATE = 1e-4  # spaces inside words per character of the document (one slip in a long classic is none)


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    """The mechanism on one line, whatever the document shows."""
    fixed, _, found = join_lines([text], text, line)
    return fixed[0], found


def removes(char: str) -> bool:
    """Whether the stage may remove ``char``: a space, and nothing else."""
    return char == " "


def stage(given: Given) -> Done:
    """The stage in the loop (:mod:`pipeline.normalize.stage`): spaces joined where the document shows
    line wraps, none an earlier repair made."""
    gaps_at = lines_matching(given.lines, GAP, given.text)
    found = evidence(given.lines, given.text, given.made, gaps_at)
    if found is None or not found.shows:
        return Done(given.lines, evidence=[found] if found else [])
    out, text, joins = join_lines(given.lines, given.text, given.first_line, given.made, gaps_at)
    return Done(out if joins else given.lines, text, joins, [found])


def evidence(lines: list[str], text: str, made: Callable[[int, int], bool] | None = None,
             gaps_at: list[int] | None = None) -> Evidence | None:
    """Whether the document shows line wraps: enough single spaces inside words in running text
    (lines of at least 20 characters beyond ASCII), as a share of the spaces there and of the document's
    length. A space between two single characters (``索 引``, ``第 一 款``) is spacing, not counted;
    nor is one an earlier repair made. None when the document holds no space between Han characters.
    ``gaps_at`` are the indexes of the lines holding one, when the caller has found them."""
    first = None
    spaces = inside = 0
    for index in gaps_at if gaps_at is not None else lines_matching(lines, GAP, text):
        line = lines[index]
        gaps = [gap.start() for gap in GAP.finditer(line) if not (made and made(index, gap.start()))]
        if gaps and first is None:
            first = (index, gaps[0] - 1, line[gaps[0] - 1:gaps[0] + 2])
        if not gaps or _non_ascii(line) < _RUNNING_TEXT or _spaced_line(line, gaps):
            continue
        joined = {space for space, _ in _joined(line)[1]}
        for space in gaps:
            if not _spaced_out(line, space):
                spaces += 1
                inside += space in joined
    if first is None:
        return None
    shows = inside >= _MIN_INSIDE and inside >= _MIN_SHARE * spaces and inside >= _MIN_RATE * len(text)
    return Evidence("wrap_space", shows, f"{inside} of {spaces} spaces between Han characters in running text "
                    f"fall inside a word ({len(text)} characters)", *first)


def _non_ascii(line: str) -> int:
    return len(line) - len(line.encode("ascii", "ignore"))


def _spaced_line(line: str, gaps: list[int]) -> bool:
    """Whether spaces separate the line's words throughout (a keyword list, ``主题词：行政 法规 环境 保护``;
    spaced verse): three or more between words of two characters or more, one per eight characters or
    closer. A wrap puts one or two spaces in a line of running text; letter-spacing (``深 圳 市``) is
    not counted."""
    between_words = sum(not _spaced_out(line, gap) for gap in gaps)
    return between_words >= _LIST_GAPS and between_words * _LIST_SPACING > _non_ascii(line)


def _spaced_out(line: str, space: int) -> bool:
    """Whether the space is letter-spacing: it stands between two single characters (``索 引 号``,
    ``“台 中”``), or beside a character with a space on its other side too (``本条例第 四 条规定``,
    ``联系人：王 明　电话``). A line wrap puts one space inside running text."""
    return (not (_is_han(line, space - 2) or _is_han(line, space + 2))
            or any(0 <= i < len(line) and line[i].isspace() for i in (space - 2, space + 2)))


def _is_han(line: str, i: int) -> bool:
    return 0 <= i < len(line) and _HAN_CHAR.match(line[i]) is not None


def join_lines(lines: list[str], text: str, first_line: int = 1, made: Callable[[int, int], bool] | None = None,
               gaps_at: list[int] | None = None) -> tuple[list[str], str, list[Repair]]:
    """Every line with a space inside a word joined there: the lines, their joined text and one repair
    per space removed (a few per document, so each is kept, in data_quality too). ``made(index,
    column)`` tells a space an earlier repair made (``&nbsp;``, a tag between two cells): an author's
    space, not a line wrap's, so it stays. ``gaps_at`` as for :func:`evidence`."""
    out = list(lines)
    repairs: list[Repair] = []
    for index in gaps_at if gaps_at is not None else lines_matching(lines, GAP, text):
        fixed, inside = _joined(lines[index])
        if inside and _spaced_line(lines[index], [gap.start() for gap in GAP.finditer(lines[index])]):
            continue
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
