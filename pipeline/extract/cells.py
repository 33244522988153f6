"""A line as cells, and what each cell holds: the ground every table reader here stands on.

``split_cells`` cuts a line at its separators (pipes, the full-width bar ｜, tabs, commas, runs of
spaces). ``spaced_cells`` cuts a line at every run of spaces and keeps where each cell starts on
screen, in display columns (a Chinese character is two columns wide), so that space-aligned columns
can be lined up. ``cell_kind`` says what a cell holds: a rank, a plain number, a score, a year, a note
(``↑3``, ``并列``), a place and its level (the gazetteer's provinces, cities and counties, or a city
abroad), another name, prose, or nothing.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.numerals import NUMERAL_CHARS, as_number

# what a cell holds
EMPTY, RANK, INT, YEAR, SCORE, NOTE, NAME, TEXT = "empty", "rank", "int", "year", "score", "note", "name", "text"
PLACES = frozenset({"province", "city", "county", "foreign"})  # the levels place_level gives

_WIDE_DIGIT = re.compile(r"[０-９]")
_CIRCLED = "\u2460-\u2473\u2474-\u2487\u2488-\u249b\u24f5-\u24fe\u2776-\u2793"  # ① ⑴ ⒈ ⓵ ❶ ➀ ➊
# a comma-separated row: a rank first, or short cells only (城市,排名,省份), never a sentence
_COMMA_ROW = re.compile(r'^\s*"?\d{1,4}"?\s*,|^\s*[^,，。；;！？!?]{1,24}(?:,[^,，。；;！？!?]{0,24})+\s*$')
# not 第二、 (a heading); a circled number (①) needs no mark after it
RANK_PREFIX = re.compile(rf"^\s*(?:(第?\d{{1,4}}[名位]?|第[{NUMERAL_CHARS}]{{1,5}}[名位])\s*[、.．:：]|([{_CIRCLED}]))"
                         rf"\s*(?=[^\d\s])")
_DASH = re.compile(r"^:?[-–—－~～]+:?$")  # "1. 深圳市 - 广东省": a dash between names separates them; |:---:|
_MARKUP = re.compile(r"^\*\*(.+)\*\*$|^\[([^\]]+)\]\([^)]*\)$")
_BRACKETED = re.compile(r"^[（(][^（()）]+[）)]$")  # "纽约 (美国)": a note the space cut off its name


def _rank_apart(match: re.Match) -> str:
    """The rank of a RANK_PREFIX match, a space after it (the mark between rank and name goes)."""
    return (match.group(1) or match.group(2)) + " "


def split_cells(line: str) -> tuple[list[str], str]:
    """Cells of one line and the separator kind: 'pipe', 'tab', 'comma', 'spaces' or 'space'.

    Markdown emphasis and links around a cell's text are dropped, full-width digits read as digits,
    and a rank written ``1、`` or ``1.`` before its name is a cell of its own; a full-width bar (｜), as
    Chinese input methods type it, separates cells like ``|``."""
    cells, kind = _cut(_plain(line))
    if kind in ("space", "spaces"):
        cells = [c for c in cells if not _DASH.match(c)]
    cells = [_unmark(c) for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    return cells, kind


def _cut(line: str) -> tuple[list[str], str]:
    if "|" in line:
        cells = [c.strip() for c in line.split("|")]
        return (cells[1:] if cells and not cells[0] else cells), "pipe"
    if "\t" in line:
        return [c.strip() for c in line.split("\t")], "tab"
    if _COMMA_ROW.match(line):
        return [c.strip().strip('"') for c in line.split(",")], "comma"
    if RANK_PREFIX.match(line):
        return RANK_PREFIX.sub(_rank_apart, line).split(), "space"
    cells = re.split(r"\s{2,}|\u3000+", line.strip())
    return (cells, "spaces") if len(cells) >= 2 else (line.split(), "space")


def spaced_cells(line: str) -> tuple[list[str], list[int]]:
    """A whitespace-separated line cut at every run of spaces: the cells and the display column each
    starts at. A dash between names is a separator, not a cell, and a bracketed note the space cut
    off (``纽约 (美国)``) stays with the name before it."""
    line = RANK_PREFIX.sub(_rank_apart, _plain(line))
    cells: list[str] = []
    starts: list[int] = []
    for match in re.finditer(r"[^\s\u3000]+", line):
        text = match.group(0)
        if _DASH.match(text):
            continue
        if cells and _BRACKETED.match(text):
            cells[-1] = f"{cells[-1]} {text}"
            continue
        cells.append(_unmark(text))
        starts.append(display_width(line[:match.start()]))
    return cells, starts


def ranking_cells(line: str) -> tuple[list[str], list[int] | None, str]:
    """The cells a ranking is read from: ``split_cells``, except that a line without pipes, tabs or
    commas is cut at every run of spaces, with each cell's display column (separator 'space')."""
    cells, kind = split_cells(line)
    if kind not in ("space", "spaces"):
        return cells, None, kind
    cells, starts = spaced_cells(line)
    return cells, starts, "space"


def display_width(text: str) -> int:
    """Columns the text takes on screen: wide (Chinese) and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _plain(line: str) -> str:
    return unicodedata.normalize("NFKC", line) if _WIDE_DIGIT.search(line) else line.replace("｜", "|")


def _unmark(cell: str) -> str:
    match = _MARKUP.match(cell)
    return (match.group(1) or match.group(2)).strip() if match else cell


_INT = re.compile(r"^\d{1,4}$")
_YEAR = re.compile(r"^(?:19|20)\d\d年?$")
# 第12名, 十二, 3., No.1, TOP1, #1, ①, and a tie marked on the rank: 2（并列）, 并列2, 并列第2, T2, =2, 2=,
# or the places the tied share: 3-4
_RANK = re.compile(rf"^(?:并列)?(?:第|No\.?\s*|Top\s*|#|T|=)?(?:\d{{1,3}}\s*[-–~～]\s*\d{{1,3}}|\d{{1,4}}|"
                   rf"[{NUMERAL_CHARS}]{{1,5}}|[{_CIRCLED}])[名位.、=]?(?:\s*[（(]?并列[）)]?)?$", re.IGNORECASE)
_FIRST_NUMBER = re.compile(rf"\d+|[{NUMERAL_CHARS}]+|([{_CIRCLED}])")
_SCORE = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?$|^[-+]?\d+(?:\.\d+)?(?:%|分)?$")
_NOTE = re.compile(r"^(?:[↑↓▲▼△▽+\-−]\s*\d+|[↑↓▲▼△▽]|持平|并列|新上榜|新进|新|new|NEW|New)$|^[（(](?:并列|持平|新)[）)]$")
_WORDY = re.compile(r"[A-Za-z\u3400-\u4dbf\u4e00-\u9fff]")
_PROSE = re.compile(r"[，。,；;！!？?]")  # a cell of prose (a numbered heading, a sentence) is not a name
_LONGEST_NAME = 40


def cell_kind(text: str, place_level) -> str:
    """What one cell holds; ``place_level(text)`` names a place's level ('province', 'city', 'county',
    'foreign') or gives '' (see pipeline.reconcile.places.place_level)."""
    text = text.strip()
    if not text or _DASH.match(text):
        return EMPTY
    for kind, pattern in ((YEAR, _YEAR), (INT, _INT), (RANK, _RANK), (NOTE, _NOTE), (SCORE, _SCORE)):
        if pattern.match(text):
            return kind
    if not _WORDY.search(text) or _PROSE.search(text) or len(text) > _LONGEST_NAME:
        return TEXT
    return place_level(text) or NAME


_RULING = re.compile(r"^[\s|｜:：\-–—－=+]*$")  # |---|:--:| or +----+: a table's own ruling


def holds_text(line: str) -> bool:
    """Whether a line inside a table says anything (not blank, not the table's ruling)."""
    return not _RULING.match(line)


def is_rank(kind: str) -> bool:
    return kind in (RANK, INT)


def rank_value(text: str) -> int:
    """The number of a rank cell (``12``, ``第12名``, ``十二``, ``3.``, ``①``; a tie's first place: ``3-4``)."""
    number = _FIRST_NUMBER.search(text)
    return int(unicodedata.numeric(number.group(1))) if number.group(1) else as_number(number.group(0))


def looks_like_row(kinds: list[str]) -> bool:
    """A rank (or a number such as ``3.0``) first, then a place, and nothing but places, numbers and
    notes: the shape of a ranking row, whatever reads it, so that one no table reads is said (``三 上海市
    经验``, an outline heading, holds a word that is no place)."""
    return bool(kinds) and (is_rank(kinds[0]) or kinds[0] == SCORE) and any(k in PLACES for k in kinds[1:]) and not (
        {NAME, TEXT} & set(kinds))
