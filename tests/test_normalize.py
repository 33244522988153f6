"""Text repairs: pinyin annotations, Traditional to Simplified, variants; line count preserved."""

from __future__ import annotations

from pipeline.normalize import detect_script, normalize_line, normalize_lines
from pipeline.normalize import pinyin, script
from pipeline.normalize.columns import replay


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


def test_pinyin_must_spell_mandarin_syllables():
    """Accented Latin that no run of syllables spells is a word, not pinyin: a loanword in brackets stays."""
    for text in ["咖啡館(café)供應", "名菜(protégé)", "名稱(naïve)"]:
        assert pinyin.repair(text, 1) == (text, [])
    assert pinyin.repair("字(zì)(café)", 1)[0] == "字(café)"


def test_pinyin_glued_syllables_and_combining_tone_marks():
    """Syllables written together, and tone marks written as a letter plus a combining mark, are pinyin."""
    assert pinyin.repair("北京(běijīng)市", 1)[0] == "北京市"
    assert pinyin.repair("創新(chuàngxīn)", 1)[0] == "創新"
    assert pinyin.repair("嗯(ňg)呣(ḿ)西安(xī’ān)", 1)[0] == "嗯呣西安"
    assert pinyin.repair("\uf902(chē)輛𠀀(fā)", 1)[0] == "\uf902輛𠀀"  # compatibility and supplementary Han
    decomposed = "發(fa\u0304)展區域(qu\u0304 yu\u0300)"
    text, repairs = pinyin.repair(decomposed, 4)
    assert text == "發展區域"
    assert [(r.line, r.column, r.before) for r in repairs] == [(4, 2, "(fa\u0304)"), (4, 10, "(qu\u0304 yu\u0300)")]


def test_pinyin_must_end_in_a_reading_of_the_character_before():
    """Accented words that do spell syllables (re+su+me, a la mo de) are no annotation when their last
    syllable is no reading of the character they follow (历 is lì); polyphones and tone changes pass."""
    for text in ["请附上简历(résumé)一份", "这种穿搭很时尚(à la mode)", "他回了一句(touché)", "法语字母(é)读作"]:
        assert pinyin.repair(text, 1) == (text, []), text
    assert pinyin.repair("行(xíng)業銀行(yín háng)一(yí)個", 1)[0] == "行業銀行一個"
    assert pinyin.readings()["行"] >= {"xing", "hang"} and "li" in pinyin.readings()["歷"]


def test_pinyin_syllables_come_from_the_dictionary():
    known = pinyin.syllables()
    assert {"zhuang", "lü", "er", "a", "jiong", "ng", "m", "ei"} <= known
    assert not {"fe", "py", "unk"} & known
    assert 400 <= len(known) <= 450


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


def test_a_long_text_is_converted_in_pieces_as_it_would_be_whole(monkeypatch):
    """OpenCC converts a long text in pieces that end at line breaks: a phrase (乾隆 stays, 乾 alone is
    干) converts as in one call, and no line is cut or doubled."""
    lines = ["乾隆年間，乾燥的發展", "憑藉", "", "於是反覆思量"] * 3
    whole = script.to_simplified("\n".join(lines))
    monkeypatch.setattr(script, "_PIECE", 4)
    assert script.to_simplified("\n".join(lines)) == whole
    assert whole.split("\n")[:4] == ["乾隆年间，干燥的发展", "凭借", "", "于是反复思量"]


def test_every_repair_points_into_the_line_as_read():
    """Columns are where the text was in the input line, whatever earlier repairs removed before it; a
    script run that a removed annotation cut in two is two repairs."""
    line = "在上??疾焓敝赋?:&nbsp;數(shù)據(jù)發展<br>陜西"
    fixed, records = normalize_lines([line], explain=True)
    assert fixed == ["在上海考察时指出: 数据发展 陕西"]
    for r in records:
        assert line[r.column - 1:r.column - 1 + len(r.before)] == r.before, r
    decisions = [r for r in records if r.kind == "evidence"]
    assert [(r.column, r.before, r.reason.split(":")[0]) for r in decisions] == [(11, "&nbsp;", "html_remnant"),
                                                                                (18, "(shù)", "pinyin")]
    repairs = [r for r in records if r.kind != "evidence"]
    assert [(r.kind, r.column, r.before) for r in repairs] == [  # in the order the stages ran, as they compose
        ("gbk_shift", 3, "??疾焓敝赋?"), ("html_entity", 11, "&nbsp;"), ("html_remnant", 30, "<br>"),
        ("pinyin", 18, "(shù)"), ("pinyin", 24, "(jù)"), ("script", 17, "數"), ("script", 23, "據"),
        ("script", 28, "發"), ("variant", 34, "陜")]
    assert replay([line], records) == fixed
    summed_up = normalize_lines([line])[1]  # as the data_quality table keeps them
    assert [(r.kind, r.column) for r in summed_up if r.kind not in ("script", "evidence")] == [
        ("gbk_shift", 3), ("html_entity", 11), ("html_remnant", 30), ("pinyin", 18), ("variant", 34)]


def test_columns_map_back_through_a_stage():
    from pipeline.model import Repair
    from pipeline.normalize.columns import LineMap, StageMaps, as_read

    removed = LineMap([Repair("pinyin", 1, 2, "(shù)", "", 1.0, "")])  # 數(shù)據 -> 數據
    assert [removed.input_column(c) for c in (1, 2)] == [(1, True), (7, True)]
    widened = LineMap([Repair("gbk_shift", 1, 2, "?!", "海——", 1.0, "")])  # 上?!耙 -> 上海——耙
    assert [widened.input_column(c) for c in (1, 2, 4, 5)] == [(1, True), (2, False), (2, False), (4, True)]
    cell = LineMap([Repair("gbk_shift", 1, 1, "???/p>", "海口/p>", 1.0, "")])  # what the cell kept stays put
    assert [cell.input_column(c) for c in (1, 2, 3, 5)] == [(1, False), (1, False), (4, True), (6, True)]
    run = Repair("script", 1, 1, "數據", "数据", 1.0, "")
    assert [(r.column, r.before) for r in as_read(run, [removed])] == [(1, "數"), (7, "據")]
    produced = LineMap([Repair("html_entity", 1, 2, "&#25818;", "據", 1.0, "")])  # 數&#25818;發 -> 數據發
    assert [(r.column, r.before) for r in as_read(Repair("script", 1, 1, "數據發", "数据发", 1.0, ""), [produced])] == [
        (1, "數"), (2, "據"), (10, "發")]
    # two passes over one line (an escaped tag decoded, then removed) do not rebuild it as separate edits:
    # the map is the whole line, exact for what the passes left alone
    passes = [Repair("html_entity", 1, 1, "&lt;", "<", 1.0, ""), Repair("html_entity", 1, 7, "&gt;", ">", 1.0, ""),
              Repair("html_remnant", 1, 1, "<br>", "", 1.0, "")]
    maps = StageMaps(passes, lambda _: "&lt;br&gt;區域", lambda _: "區域")
    assert maps.get(1).input_column(1) == (11, True) and maps.get(2) is None


def test_pinyin_written_on_purpose_stays():
    """A note on pronunciation (户冢（zhǒng）), a textbook's 好奇（qí）, a markdown link [汉字(hàn zì)]: none
    sits on a character that Traditional-to-Simplified conversion changes, so the document shows no
    converter's annotations, the text stays, and one decision record says why."""
    lines = ["户中（zhōng）与户冢（zhǒng）声调不同", "课文里的好奇（qí）要读准", "见 [汉字(hàn zì)](https://example.org)"]
    fixed, records = normalize_lines(lines, explain=True)
    assert fixed == lines
    decision, = records
    assert (decision.kind, decision.line, decision.column, decision.before) == ("evidence", 1, 3, "（zhōng）")
    assert decision.reason.startswith("pinyin: 4 bracketed run(s) after a character; of the 4 distinct pinyin "
                                      "annotations, 0 sit on characters")
    assert "not applied" in decision.reason


def test_a_converters_annotations_go_and_the_decision_is_recorded_once():
    lines = ["城市發(fā)展與區(qū)域", "數(shù)據(jù)中心"]
    fixed, records = normalize_lines(lines)
    assert fixed == ["城市发展与区域", "数据中心"]
    decisions = [r for r in records if r.kind == "evidence"]
    assert [(r.line, r.column, r.before) for r in decisions] == [(1, 4, "(fā)")]
    assert decisions[0].reason.endswith("4 are in half-width brackets and 4 are one syllable; 0 of the 4 "
                                        "characters annotated are given more than one reading; applied")
    assert decisions[0].count == 0


def test_a_glossarys_word_readings_are_not_a_converters_annotations():
    """A converter annotates each character it changed, one syllable each (every annotation of the real
    damaged pages is one); a glossary reads whole words (電腦(diànnǎo)), as a person writes them: its
    annotations stay, though they are glued and on characters t2s changes."""
    lines = ["電腦(diànnǎo)、學習(xuéxí)、飛機(fēijī)", "機場(jīchǎng)、醫院(yīyuàn)、開關(kāiguān)"]
    fixed, records = normalize_lines(lines)
    assert fixed == ["电脑(diànnǎo)、学习(xuéxí)、飞机(fēijī)", "机场(jīchǎng)、医院(yīyuàn)、开关(kāiguān)"]
    decision, = [r for r in records if r.kind == "evidence"]
    assert "6 are in half-width brackets and 0 are one syllable;" in decision.reason
    assert decision.reason.endswith("not applied: the document does not show the damage")


def test_a_lessons_readings_of_one_character_are_not_a_converters_annotations():
    """A converter gives a character its one reading wherever it annotates it (no character of the real
    damaged pages has two); a lesson on characters read two ways gives 還 hái and huán."""
    lines = ["第一組：還(hái)是的還，還(huán)書的還。", "第二組：長(cháng)短的長，長(zhǎng)大的長。",
             "第三組：樂(yuè)器的樂，快樂(lè)的樂。", "第四組：重(zhòng)量的重，重(chóng)複的重。"]
    fixed, records = normalize_lines(lines)
    assert fixed[0] == "第一组：还(hái)是的还，还(huán)书的还。"
    decision, = [r for r in records if r.kind == "evidence"]
    assert "4 of the 4 characters annotated are given more than one reading; not applied" in decision.reason


def test_an_annotation_cut_off_at_the_end_of_a_damaged_page_goes():
    """An excerpt that stops inside an annotation (園區(q) leaves its head; on a page that shows the
    converter's annotations it goes too, after the character it begins a reading of."""
    lines = ["智慧園區(qū)與智慧小鎮(zhèn)並行發(fā)展", "以智慧小鎮與智慧經貿園區(q"]
    fixed, records = normalize_lines(lines, explain=True)
    assert fixed == ["智慧园区与智慧小镇并行发展", "以智慧小镇与智慧经贸园区"]
    cut = [r for r in records if r.kind == "pinyin" and r.line == 2]
    assert [(r.column, r.before) for r in cut] == [(13, "(q")]
    assert normalize_lines(["智慧園區(q", "寫(xiě)作(x"])[0] == ["智慧园区", "写作(x"]  # 作 is zuò
    lines = ["智慧園區(qū)與智慧小鎮(zhèn)並行發(fā)展", "以經(jīng)貿園區(q"]  # a whole annotation before it
    fixed, records = normalize_lines(lines, explain=True)
    assert fixed[1] == "以经贸园区" and replay(lines, records) == fixed
    assert [(r.column, r.before) for r in records if r.kind == "pinyin" and r.line == 2] == [(3, "(jīng)"), (12, "(q")]


def test_an_annotation_is_judged_alike_before_and_after_the_script_stage():
    """廣 reads guǎng, 广 also ān: the annotation goes in the first pass, so a second finds nothing."""
    once = normalize_lines(["廣(ǎn)東(dōng)"])[0]
    assert once == ["广东"] and normalize_lines(once)[0] == once


def test_a_flagged_span_passes_every_later_stage_as_read():
    """The byte-damage repair flags a span no reading clears; the script stage would turn its 祿 into
    禄 and no one could undo the damage then. It comes out byte for byte as read, while the text
    around it is converted and its markup and annotations go."""
    from pipeline.normalize.gbk_shift import simulate

    damaged = simulate("推進專病專科大數據分中心建設。")
    flagged = damaged[4:-1]
    assert flagged.startswith("??") and "祿" in flagged
    fixed, records = normalize_lines([damaged + "<br>發(fā)展"], explain=True)
    assert fixed == ["推进专病" + flagged + "。 发展"]
    flag, = [r for r in records if r.kind == "gbk_shift"]
    assert (flag.column, flag.before, flag.after) == (5, flagged, flagged)
    assert all(r.kind in ("gbk_shift", "evidence") or not (5 <= r.column < 5 + len(flagged)) for r in records)


def test_flagged_spans_come_back_as_read_however_many_a_line_holds():
    """One placeholder a span, a noncharacter while the 32 last (U+FDD0 on), then plane 15; one the line
    itself holds is not taken."""
    from pipeline.normalize.frozen import Freezer

    line = "\ufdd0" + "".join(f"{i:02d}??" for i in range(40))
    spans = [(4 * i + 3, 4 * i + 5) for i in range(40)]
    freezer = Freezer()
    frozen = freezer.freeze(0, line, spans)
    assert len(frozen) == len(line) and "?" not in frozen and frozen.count("\ufdd0") == 1
    assert frozen[3:5] == "\ufdd1" * 2 and frozen[-2:] == chr(0xF0008) * 2  # 31 noncharacters, then plane 15
    assert freezer.thaw(0, frozen) == line
