"""Text read with the wrong codec (mojibake): UTF-8 shown as GBK, as Big5 and as Windows-1252, undone
where the document shows it, with a record of how; clean text left alone."""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.normalize import normalize_lines


def shown_as(text: str, codec: str) -> str:
    """``text`` saved as UTF-8 and shown by a tool that decoded it with ``codec``."""
    return text.encode("utf-8").decode(codec, errors="replace")


def narrowed(text: str) -> str:
    """A full-width to half-width conversion over the shown text (ｇ -> g), as the real pages had."""
    return "".join(unicodedata.normalize("NFKC", c) if "\uff01" <= c <= "\uff5e" else c for c in text)


def test_utf8_shown_as_gbk_comes_back_with_the_full_width_letters_restored():
    lines = [f"* [{narrowed(shown_as('代码大全', 'gbk'))}](http://example.org/1)",
             f"## {shown_as('排版', 'gbk')}", f"* {shown_as('使用', 'gbk')}`UTF-8`{shown_as('编码', 'gbk')}"]
    assert "浠g爜" in lines[0]
    fixed, records = normalize_lines(lines, explain=True)
    assert fixed == ["* [代码大全](http://example.org/1)", "## 排版", "* 使用`UTF-8`编码"]
    decision = records[0]
    assert (decision.kind, decision.line, decision.column) == ("evidence", 1, 4)
    assert decision.reason.startswith("mojibake_gbk: 4 of 4 runs") and decision.reason.endswith("; applied")
    first = records[1]
    assert (first.kind, first.line, first.column, first.before, first.after) == (
        "mojibake_gbk", 1, 4, narrowed(shown_as("代码大全", "gbk")), "代码大全")
    assert "half-width letter" in first.reason


def test_a_byte_the_decoder_dropped_is_chosen_by_the_words_around_it():
    """不要在缩进中留下制表符: the decoder dropped a pair it had no character for (inside 要) and
    replaced the last byte of 符 by U+FFFD; the lexicon's split into words restores both."""
    data = "不要在缩进中留下制表符".encode("utf-8").replace("要".encode("utf-8")[1:], b"", 1)  # the pair A6 81 dropped
    shown = data.decode("gbk", errors="replace")
    assert shown.endswith("绗\ufffd")
    fixed, records = normalize_lines([shown + "(Tab)", shown_as("使用两个空格作为缩进", "gbk")], explain=True)
    assert fixed == ["不要在缩进中留下制表符(Tab)", "使用两个空格作为缩进"]
    assert "chosen by the lexicon" in records[1].reason


def test_a_run_that_does_not_come_back_is_frozen_as_read():
    """On a page that shows the damage, a run that lost more than a search restores is flagged and
    passes the script stage untouched (its 嶈 and 鍒 stay; converted, nothing could undo them)."""
    lost = "不要在缩进中留下制表符".encode("utf-8")[:-4].decode("gbk", errors="ignore")[:-2]
    lines = [shown_as("代码整洁之道", "gbk"), shown_as("重构", "gbk"), lost]
    fixed, records = normalize_lines(lines)
    assert fixed == ["代码整洁之道", "重构", lost]
    flag, = [r for r in records if r.kind == "mojibake_gbk" and r.before == r.after]
    assert flag.reason.startswith("flagged, left as is") and flag.line == 3


def test_utf8_shown_as_big5():
    lines = [f"{shown_as('建设', 'big5')}, {shown_as('设计', 'big5')}", shown_as("微信", "big5")]
    assert normalize_lines(lines)[0] == ["建设, 设计", "微信"]


def test_utf8_shown_as_windows_1252_through_ftfy():
    lines = [shown_as("简体中文", "cp1252"), "cafÃ© au lait"]
    assert lines[0] == "ç®€ä½“ä¸\xadæ–‡"
    fixed, records = normalize_lines(lines, explain=True)
    assert fixed == ["简体中文", "café au lait"]
    repaired = [r for r in records if r.kind == "mojibake_cp1252"]
    assert [(r.line, r.after) for r in repaired] == [(1, "简体中文"), (2, "é")]
    assert "sloppy-windows-1252" in repaired[0].reason


@pytest.mark.parametrize("line", ["繁體中文與简体中文並存", "鳏寡孤独废疾者皆有所养", "Pékin à côté", "浠 is a character",
                                  "数据来源：赛迪顾问"])
def test_clean_text_is_left_alone(line):
    """Rare characters, accented Latin and a lone rare character are no evidence of misread UTF-8:
    nothing but the script conversion, and no record of any of the three families."""
    from pipeline.normalize.script import to_simplified

    fixed, records = normalize_lines([line], explain=True)
    assert fixed == [to_simplified(line)]
    assert not [r for r in records if r.kind.startswith("mojibake") or r.kind == "evidence"]


def test_mojibake_shown_beside_its_reading_is_an_example():
    """A text about mojibake shows the garbled form beside what it means; undoing it would leave
    ``代码大全 → 代码大全``. A run whose reading stands on the same line is left as written."""
    from pipeline.normalize import normalize_lines

    lines = ["常见的乱码：", "浠ｇ爜澶у叏 → 代码大全", "网页上常见的“ç®€ä½“ä¸­æ–‡”，其实就是“简体中文”的字节"]
    fixed, records = normalize_lines(lines, explain=True)
    assert fixed == lines
    assert not [r for r in records if r.kind.startswith("mojibake")]


def test_one_run_that_reads_back_only_in_part_shows_no_damage():
    """An emoticon (ง •_•)ง reads in part as UTF-8 shown as Big5; where no run comes back whole, one
    such run is chance: nothing is flagged or frozen."""
    from pipeline.normalize import normalize_lines

    lines = ["[20:09] 小李: 成交!(ง •_•)ง", "[20:10] 小王: 好的，明天見"]
    fixed, records = normalize_lines(lines, explain=True)
    assert fixed == ["[20:09] 小李: 成交!(ง •_•)ง", "[20:10] 小王: 好的，明天见"]
    decision, = [r for r in records if r.kind == "evidence"]
    assert decision.reason.endswith("1 more in part; not applied: the document does not show the damage")


def test_mojibake_in_markdown_code_is_an_example_unless_the_text_around_it_is_damaged_too():
    """A tutorial shows garbled text in its code (a fenced block, a code span) on purpose; where the
    document's own text shows the same damage, its code was damaged with it and comes back too."""
    garbled = shown_as("你好世界", "gbk")
    tutorial = ["# 乱码示例", "```python", f'broken = "{garbled}"', "```", f"也可以写成 `{garbled}` 这样。"]
    fixed, records = normalize_lines(tutorial, explain=True)
    assert fixed == tutorial and not [r for r in records if r.kind.startswith("mojibake")]
    damaged = [f"## {shown_as('示例', 'gbk')}", f"* {shown_as('使用', 'gbk')}`UTF-8`{shown_as('编码', 'gbk')}"] + tutorial[1:]
    fixed, _ = normalize_lines(damaged)
    assert fixed == ["## 示例", "* 使用`UTF-8`编码", "```python", 'broken = "你好世界"', "```", "也可以写成 `你好世界` 这样。"]


def test_utf8_shown_as_big5_that_lost_most_of_its_bytes_is_flagged_and_kept_as_read():
    """Big5 has no character for most UTF-8 byte pairs: a decoder that replaced them left more U+FFFD
    than text, and nothing reads. What is left is UTF-8's bytes of Chinese in Big5, so the damage is
    known: each run is flagged and frozen (converted to Simplified, it could never be undone)."""
    sentences = ["数字城市建设需要统一的数据平台和开放的政务服务。", "今天的会议讨论了城市交通和医疗资源的分配问题。"]
    lines = ["第一段 正常的文字。"] + [shown_as(sentence, "big5") for sentence in sentences]
    assert lines[1].startswith("\ufffd\ufffd啣") and "撣" in lines[1]
    fixed, records = normalize_lines(lines, explain=True)
    assert fixed == lines
    decision, = [r for r in records if r.kind == "evidence" and r.reason.startswith("mojibake_big5")]
    assert decision.reason.endswith("0 of 2 runs of garbled text come back as fluent text when read as UTF-8 shown "
                                    "as Big5, 2 more in part; applied")
    flags = [(r.line, r.column, r.before == r.after) for r in records if r.kind == "mojibake_big5"]
    assert flags == [(2, 1, True), (3, 1, True)]


@pytest.mark.parametrize("line", ["文件名显示为��，请重新保存", "這個字顯示成��了，請檢查編碼設定"])
def test_a_replacement_character_in_clean_text_is_no_lost_utf8(line):
    """Clean Chinese beside a U+FFFD is not what is left of UTF-8's bytes: its characters' bytes are
    not UTF-8's."""
    from pipeline.normalize.script import to_simplified

    fixed, records = normalize_lines([line], explain=True)
    assert fixed == [to_simplified(line)] and not [r for r in records if r.kind.startswith("mojibake")]
