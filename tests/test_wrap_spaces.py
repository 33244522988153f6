"""Spaces a line wrap left inside words: joined where a word spans the space, kept between words."""

from __future__ import annotations

from pipeline.normalize import normalize_lines
from pipeline.normalize.wrap_spaces import repair


def test_a_space_inside_a_word_is_joined_and_recorded_at_its_column():
    """The white paper's line 477 (公 共卫生) and line 292's cell (扬州 市, a place name)."""
    line = "为后疫情时代的公 共卫生信息化应用提供坚实的基础。"
    fixed, repairs = repair(line, 477)
    assert fixed == "为后疫情时代的公共卫生信息化应用提供坚实的基础。"
    assert [(r.kind, r.line, r.column, r.before, r.after) for r in repairs] == [("wrap_space", 477, 9, " ", "")]
    assert "公共卫生" in repairs[0].reason and line[repairs[0].column - 1] == " "
    assert repair("南京市、苏州市、扬州 市、盐城市", 292)[0] == "南京市、苏州市、扬州市、盐城市"


def test_a_space_between_words_is_kept():
    """A break between two words cannot be told from a separator (a legend, a title, a table)."""
    for line in ("宁夏 天津市", "2020中国数字城市百强研究 白皮书", "数据 资源逐渐成为重要的生产资源",
                 "思想,还是思想 才使我们与众不同", "深圳市 广东省", "北京  上海"):
        assert repair(line, 1) == (line, []), line


def test_letter_spaced_text_keeps_only_the_spaces_between_words():
    fixed, repairs = repair("1 深 圳 市 广 东 省", 1)
    assert fixed == "1 深圳市 广东省"
    assert [r.column for r in repairs] == [4, 6, 10, 12]


def test_only_a_single_space_between_han_characters_counts():
    for line in ("AI人 脸识别" , "公　共卫生", "公  共卫生", "A B C", "公 B 共"):
        expected = "AI人脸识别" if line.startswith("AI") else line
        assert repair(line, 1)[0] == expected, line


def test_joined_before_conversion_and_placed_in_the_line_as_read():
    """An annotation before the space: the column is the space's in the line as read, with or without
    --explain (the data_quality table sums the annotations up, the join is placed all the same)."""
    line = "爲後疫情時代的公(gōng) 共衛生,揚州 市"
    for explain in (True, False):
        fixed, repairs = normalize_lines([line], explain=explain)
        assert fixed == ["为后疫情时代的公共卫生,扬州市"]
        joins = [r for r in repairs if r.kind == "wrap_space"]
        assert [r.column for r in joins] == [15, 22]
        assert all(line[r.column - 1] == " " for r in joins)


def test_a_space_an_entity_or_a_tag_made_is_the_authors_and_stays():
    """&nbsp; between 深圳 and 市, or a tag between two cells, is spacing someone wrote, not a line wrap:
    kept, while a wrap on the same line goes and is placed in the line as read."""
    assert normalize_lines(["深圳&nbsp;市", "<td>深圳</td><td>市</td>"])[0] == ["深圳 市", "深圳 市"]
    line = "爲後疫情的公(gōng) 共衛生&nbsp;數據"
    fixed, repairs = normalize_lines([line], explain=True)
    assert fixed == ["为后疫情的公共卫生 数据"]
    assert [(r.column, r.before) for r in repairs if r.kind == "wrap_space"] == [(13, " ")]
