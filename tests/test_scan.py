"""The whole-text passes normalize's stages share (:mod:`pipeline.normalize.scan`) and the measure the
mojibake stage and the encoding detection judge text by (:mod:`pipeline.normalize.commonness`): each
checked against the plain way of doing the same thing, line by line or character by character."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize.commonness import commonness
from pipeline.normalize.scan import lines_containing, lines_matching
from pipeline.normalize.script import to_simplified

LINES = ["甲 乙 丙 丁", "", "（注）无", "a?:b?:c", "末行 空 格", "?!", "丙丁"]
PATTERNS = [re.compile(" (?<=[\u4e00-\u9fff] )(?=[\u4e00-\u9fff])"), re.compile(r"\?[!:]"), re.compile("丙"),
            re.compile("^末", re.MULTILINE), re.compile("无$", re.MULTILINE)]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern)
def test_lines_matching_finds_the_lines_a_line_by_line_search_finds(pattern):
    """Several matches on a line (甲 乙 丙 丁 holds three spaces between characters) give the line once;
    a match at a line's start or end, on the last line, or none at all, as a search of each line."""
    text = "\n".join(LINES)
    assert lines_matching(LINES, pattern, text) == [i for i, line in enumerate(LINES) if pattern.search(line)]
    assert lines_matching(LINES, pattern) == lines_matching(LINES, pattern, text)


def test_lines_containing_finds_characters_and_strings():
    text = "\n".join(LINES)
    assert lines_containing(LINES, "丙?", text) == [0, 3, 5, 6]
    assert lines_containing(LINES, ["?:", "空 格"], text) == [3, 4]
    assert lines_containing(LINES, ["```"], text) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="甲乙 ?:!丙a", max_size=12), min_size=1, max_size=12))
def test_both_scans_agree_with_a_search_of_each_line(lines):
    text = "\n".join(lines)
    for pattern in PATTERNS[:3]:
        assert lines_matching(lines, pattern, text) == [i for i, line in enumerate(lines) if pattern.search(line)]
    for strings in ("丙", ["?:", "甲 "]):
        assert lines_containing(lines, strings, text) == [i for i, line in enumerate(lines)
                                                          if any(s in line for s in strings)]


def _commonness_by_encoding(text: str) -> float:
    """The measure as its docstring defines it, one character at a time: a non-ASCII character that is
    not a space counts when, simplified, GB2312 puts it in its level 1 (lead bytes B0 to D7) or it is
    common punctuation; accented letters inside Latin words count too."""
    from pipeline.normalize.commonness import COMMON_PUNCTUATION, _LATIN_IN_WORD

    chars = [c for c in text if ord(c) > 0x7F and not c.isspace()]
    if not chars:
        return 1.0
    common = len(_LATIN_IN_WORD.findall(text))
    for ch in to_simplified("".join(chars)):
        if ch in COMMON_PUNCTUATION:
            common += 1
            continue
        try:
            encoded = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 0xB0 <= encoded[0] <= 0xD7
    return common / len(chars)


@pytest.mark.parametrize("text", ["数字城市排行榜，深圳市第一。", "數字城市　排行榜", "浠ｇ爜澶у叏", "Top 100", "",
                                  "« à Pékin » café", "①②℃×", "\u3000\u00a0", "亿??菩畔⒓夹g(北京)有限公司"])
def test_commonness_counts_as_the_character_by_character_definition(text):
    """One set lookup per character gives exactly what encoding each one in GB2312 gives (an ideographic
    space and a no-break space are spaces, not characters)."""
    assert commonness(text) == _commonness_by_encoding(text)
    assert commonness(text, to_simplified(text)) == _commonness_by_encoding(text)


def test_the_everyday_set_is_gb2312_level_one():
    from pipeline.normalize.commonness import COMMON_PUNCTUATION, _everyday

    level_one = set()
    for code in range(0x4E00, 0xA000):
        try:
            if 0xB0 <= chr(code).encode("gb2312")[0] <= 0xD7:
                level_one.add(chr(code))
        except UnicodeEncodeError:
            continue
    assert len(level_one) == 3755
    assert _everyday() == frozenset(level_one | COMMON_PUNCTUATION)
