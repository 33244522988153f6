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


# Running text as extracted from a PDF: each line holds a wrap inside a word (便 捷, 调 度, 平 台).
WRAPPED = ["各地加快推进数字政府建设，政务服务事项基本实现网上办理，群众办事更加便 捷高效。",
           "城市运行管理平台汇聚交通、环境、应急等领域数据，实现统一调 度和协同处置。",
           "智慧社区建设稳步推进，社区服务中心普遍接入公共服务平 台，居民足不出户即可办理业务。"]


def test_joined_before_conversion_and_placed_in_the_line_as_read():
    """An annotation before the space: the column is the space's in the line as read, with or without
    --explain (the data_quality table sums the annotations up, the join is placed all the same)."""
    line = "爲後疫情時代的公共衛(wèi) 生,揚州 市"
    for explain in (True, False):
        fixed, repairs = normalize_lines(WRAPPED + [line], explain=explain)
        assert fixed[-1] == "为后疫情时代的公共卫生,扬州市"
        joins = [r for r in repairs if r.kind == "wrap_space" and r.line == 4]
        assert [r.column for r in joins] == [16, 21]
        assert all(line[r.column - 1] == " " for r in joins)


def test_a_space_an_entity_or_a_tag_made_is_the_authors_and_stays():
    """&nbsp; between 深圳 and 市, or a tag between two cells, is spacing someone wrote, not a line wrap:
    kept, while a wrap on the same line goes and is placed in the line as read."""
    assert normalize_lines(WRAPPED + ["深圳&nbsp;市", "<td>深圳</td><td>市</td>"])[0][3:] == ["深圳 市", "深圳 市"]
    line = "爲後疫情的公共衛(wèi) 生&nbsp;數據"
    fixed, repairs = normalize_lines(WRAPPED + [line], explain=True)
    assert fixed[-1] == "为后疫情的公共卫生 数据"
    assert [(r.column, r.before) for r in repairs if r.kind == "wrap_space" and r.line == 4] == [(14, " ")]


def test_a_document_without_wraps_keeps_its_spaces():
    """Spaces authors put there: a poem's title and its number, a sentence about a split, a lyric's
    half-lines, a label spaced out. The document shows no wrapping, and one decision record says so."""
    lines = ["早发白帝城二首 一", "## “上海”为什么被切成“上 海”？", "春风里 等你来 看花开", "索 引 号：\t2020-001",
             "标 题：\t关于推进城市数字化转型的通知"]
    fixed, records = normalize_lines(lines, explain=True)
    assert fixed == lines
    decision, = records
    assert (decision.kind, decision.line, decision.column, decision.before) == ("evidence", 1, 7, "首 一")
    assert decision.reason.startswith("wrap_space: ") and "not applied" in decision.reason


def test_a_slip_in_a_long_clean_text_is_not_wrapping():
    """One space inside a word (来治 理百姓) among thousands of characters of running text is a typing
    slip: the document does not show wrapping, and the space stays."""
    prose = "春秋时期诸侯争霸，列国之间会盟征伐不断，史官记其言行以为后世之鉴。" * 30
    lines = [prose, "周王派大臣前去慰劳诸侯，让他们戴着礼帽穿着礼服，来治 理百姓、面对诸侯。", prose]
    assert normalize_lines(lines)[0] == lines


def test_wrapping_is_decided_per_document():
    from pipeline.normalize.wrap_spaces import evidence

    found = evidence(WRAPPED, "\n".join(WRAPPED))
    assert found.shows and found.summary.startswith("3 of 3 spaces")
    single = WRAPPED[:1]
    assert not evidence(single, single[0]).shows  # one wrap is a slip as far as anyone can tell
    assert evidence(["没有空格的一行"], "没有空格的一行") is None


def test_letter_spaced_references_are_no_line_wraps():
    """Legal text spaces its article numbers (本条例第 四 条规定) and forms space names to a width (王 明):
    spaces beside a character that has a space on its other side too are letter-spacing, so they are no
    evidence of line wraps, and a keyword list (主题词) keeps its spaces."""
    from pipeline.normalize import normalize_lines

    lines = [f"第 {n} 条　违反本条例第 {m} 条规定的，由县级以上人民政府有关部门依照本条例第 {n} 条的规定责令改正。"
             for n, m in zip("一二三四五六七八九十", "四五六七八九十一二三")]
    lines += ["联系人：王 明　电话：010-12345678", "主题词：行政 法规 条例 环境 保护 人民 政府 依法 治国"]
    fixed, records = normalize_lines(lines)
    assert fixed == lines
    decision, = [r for r in records if r.kind == "evidence"]
    assert decision.reason.startswith("wrap_space: 0 of ") and "not applied" in decision.reason
