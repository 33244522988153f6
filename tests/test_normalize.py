"""Text repairs: pinyin annotations, Traditional to Simplified, variants; line count preserved."""

from __future__ import annotations

from pipeline.normalize import detect_script, normalize_line, normalize_lines
from pipeline.normalize import pinyin, script


def test_pinyin_annotation_removed_after_cjk():
    """`發(fā)展` loses its annotation and the repair says what and where."""
    text, repairs = pinyin.repair("城市發(fā)展與區(qū)域", 7)
    assert text == "城市發展與區域"
    assert [(r.kind, r.line, r.column, r.before) for r in repairs] == [
        ("pinyin", 7, 4, "(fā)"), ("pinyin", 7, 11, "(qū)")]


def test_pinyin_full_width_parentheses_and_multi_syllable():
    """Full-width parentheses and two syllables in one annotation are annotations too."""
    assert pinyin.repair("發（fā）展", 1)[0] == "發展"
    assert pinyin.repair("數據(shù jù)", 1)[0] == "數據"


def test_real_parentheses_untouched():
    """Parentheses holding numbers, capitals, CJK or toneless Latin are content, not pinyin."""
    for text in ["單元數字化(60-70分,62個)", "Tahaoo SMILE(SMILE)", "百度在線(北京)有限公司",
                 "綜合指數(Tahaoo指數)", "打造(e)福州", "網址(www.ceirp.cn)", "(fā) at line start"]:
        assert pinyin.repair(text, 1) == (text, [])


def test_script_conversion_records_changed_runs():
    """Only the characters t2s changes are recorded, as contiguous runs with 1-based columns."""
    text, repairs = script.repair("廣東省深圳市", 3)
    assert text == "广东省深圳市"
    assert [(r.kind, r.column, r.before, r.after) for r in repairs] == [("script", 1, "廣東", "广东")]


def test_variant_table_fixes_what_opencc_leaves():
    """OpenCC leaves 陜 (U+965C) alone; the variant table turns it into 陕 and says why."""
    text, repairs = normalize_line("陜西省西安市", 1)
    assert text == "陕西省西安市"
    assert [(r.kind, r.before, r.after) for r in repairs] == [("variant", "陜", "陕")]


def test_normalize_keeps_one_line_per_input_line():
    lines = ["轉自RFID世界網", "", "城市發(fā)展", "2 | 上海市 | 上海市 |"]
    out, repairs = normalize_lines(lines)
    assert out == ["转自RFID世界网", "", "城市发展", "2 | 上海市 | 上海市 |"]
    assert {r.line for r in repairs} == {1, 3}


def test_simplified_text_is_unchanged():
    line = "深圳市、上海市、北京市、广州市、杭州市位列2020年数字城市百强前五名。"
    assert normalize_line(line, 1) == (line, [])


def test_detect_script():
    assert detect_script(["數據資源逐漸成為重要的生產資源"]) == "traditional"
    assert detect_script(["数据资源逐渐成为重要的生产资源"]) == "simplified"
    assert detect_script(["2020 | 0.91 |"]) == "none"


def test_pinyin_summed_up_per_document_without_explain():
    """The data_quality table gets one row per document (count, lines, the first annotation);
    --explain one per annotation, and the two agree on the count."""
    lines = ["城市發(fā)展與區(qū)域", "沒有註音(SMILE)", "數據(shù jù)"]
    fixed, text, summary = pinyin.remove_annotations(lines, "\n".join(lines), 10, explain=False)
    assert fixed == ["城市發展與區域", "沒有註音(SMILE)", "數據"] and text == "\n".join(fixed)
    assert [(r.line, r.column, r.before) for r in summary] == [(10, 4, "(fā)")]
    assert summary[0].reason.startswith("3 pinyin annotation(s) removed on 2 lines (lines 10 to 12);")
    explained = pinyin.remove_annotations(lines, "\n".join(lines), 10, explain=True)[2]
    assert [(r.line, r.column, r.before) for r in explained] == [(10, 4, "(fā)"), (10, 11, "(qū)"), (12, 3, "(shù jù)")]


def test_pinyin_in_full_width_brackets_next_to_half_width_ones():
    """A full-width bracket anywhere switches to the pattern for both kinds; the result is the same
    as line by line."""
    lines = ["發（fā）展", "區(qū)域（北京）", "數據(shù jù)（shù jù）"]
    fixed, _, summary = pinyin.remove_annotations(lines, "\n".join(lines), 1, explain=False)
    assert fixed == ["發展", "區域（北京）", "數據"] == [pinyin.repair(line, 1)[0] for line in lines]
    assert summary[0].reason.startswith("4 pinyin annotation(s) removed on 3 lines")


def test_consecutive_annotations_are_explained_one_by_one():
    line = "數據(shù jù)（shù jù）發(fā)（fā）展"
    fixed, _, repairs = pinyin.remove_annotations([line], line, 1, explain=True)
    assert fixed == ["數據發展"]
    assert [(r.column, r.before) for r in repairs] == [(3, "(shù jù)"), (11, "（shù jù）"), (20, "(fā)"), (24, "（fā）")]
    assert all(line[r.column - 1:r.column - 1 + len(r.before)] == r.before for r in repairs)


def test_a_character_opencc_would_convert_twice_is_converted_once_for_all():
    """t2s maps 薴 to 苧, which t2s maps again to 苎: normalize goes straight to 苎, so it is idempotent."""
    once, _ = normalize_lines(["薴麻"])
    assert once == ["苎麻"] and normalize_lines(once)[0] == once
