"""The mirror byte-damage repair: the mechanism, its inverse, and the corpus kept as data in corpus/."""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from pipeline.normalize.gbk_shift import mirror_decode, parse_span, repair, shift_bytes, simulate
from pipeline.normalize.lexicon import Lexicon

CORPUS = Path(__file__).resolve().parent / "corpus"
_HALF_WIDTH = str.maketrans("，：；！？（）", ",:;!?()")  # what the shift leaves of full-width marks, read in step


def load(name):
    """The byte-damage repair's cases of a corpus file (see corpus/README.md: a case names its repair)."""
    return [case for case in (json.loads(line) for line in (CORPUS / name).read_text(encoding="utf-8").splitlines()
                              if line.strip()) if case.get("repair", "gbk_shift") == "gbk_shift"]


@lru_cache(maxsize=None)
def source_text(name: str) -> str:
    """The document a corpus case was found in, as normalize is given it: the damage of its other
    lines is the evidence a span with no shifted characters of its own is read on."""
    from pipeline.ingest import read_source

    return "\n".join(read_source(CORPUS.parent.parent / "raw" / name).lines)


def test_shift_bytes_replaces_a3_pairs_only():
    assert shift_bytes(b"\xba\xa3\xa1\xaa") == b"\xba!\xaa"
    assert shift_bytes(b"\xa3\xac") == b","
    assert shift_bytes(b"\xba\xa3\xc4\xcf") == b"\xba\xa3\xc4\xcf"


@pytest.mark.parametrize("clean, damaged", [
    ("上海——“一網", "上?!\ue000\ue000耙痪W"),
    ("看海”等問題", "看?!钡葐栴}"),
    ("前景廣闊。可以說", "前景廣闊??梢哉f"),
    ("海南海口市/p>", "海南??谑?/p>"),
])
def test_simulate_reproduces_the_design_examples(clean, damaged):
    assert simulate(clean) == damaged


def test_mirror_decode_swallows_a_digit_after_an_invalid_pair():
    """The mirrors lost a digit or '<' that followed an invalid pair: a shifted 前10名 shows as ?0名."""
    assert mirror_decode(b"\xb0\x31\x30\xc3\xfb") == "?0名"
    assert mirror_decode(b"\xd0\x3c/p>") == "?/p>"
    assert mirror_decode(b"\xd3,") == "?,"


def test_parse_span_restores_the_a3_pair():
    span = parse_span("上?!\ue000\ue000耙痪W(", 1)
    assert span.template[:3] == [None, 0xA3, 0xA1] and span.end == 8 and not span.lost_tail


def test_repair_records_what_and_where():
    text, repairs = repair("前景廣闊??梢哉f,新型", 9)
    assert text == "前景廣闊。可以說,新型"
    r, = repairs
    assert (r.kind, r.line, r.column, r.before, r.after) == ("gbk_shift", 9, 5, "??梢哉f", "。可以說")
    assert r.confidence > 0.9


@pytest.mark.parametrize("case", load("in_the_wild.jsonl"), ids=lambda c: f"{c['source']}:{c['line']}")
def test_in_the_wild(case):
    """Every damaged span of the mirrors: repaired where the clean text is known, flagged otherwise."""
    text, repairs = repair(case["damaged"], 1, document=source_text(case["source"]))
    if case["expected"] is None:
        assert text == case["damaged"]
        assert repairs and all(r.confidence == 0 and r.reason.startswith("flagged") for r in repairs)
    else:
        assert text == case["expected"]


@pytest.mark.parametrize("case", load("negative.jsonl"), ids=lambda c: c["note"])
def test_negative_cases_are_left_alone(case):
    assert repair(case["damaged"], 1)[0] == case["expected"]


@pytest.mark.parametrize("case", load("known_failures.jsonl"), ids=lambda c: f"{c['source']}:{c['line']}")
def test_known_failures_are_never_changed_wrongly(case):
    """Known failures stay failures for now, but the repair must not make them worse: each is either
    left as it is (flagged) or repaired exactly."""
    text, _ = repair(case["damaged"], 1)
    assert text in (case["expected"], case["damaged"])
    if text != case["expected"]:
        pytest.xfail(case["note"])


def test_synthetic_repair_rate_and_no_false_positives():
    """Synthetic spans from the simulator over clean sentences: most repaired exactly, none made worse
    without a flag being the safer outcome, and every negative case untouched."""
    cases = load("synthetic.jsonl")
    repaired = [repair(c["damaged"], 1, evidence=True)[0] for c in cases]
    exact = sum(text == c["expected"] for text, c in zip(repaired, cases))
    assert exact / len(cases) >= 0.88
    assert all(text in (c["expected"], c["damaged"]) for text, c in zip(repaired, cases))


def test_a_last_character_the_word_frequencies_read_otherwise_is_flagged():
    """过去的 whose 的 lost its second byte: 去掉 is a word and 的 forms none, but a split into words
    weighted by frequency ends in 的; the two disagree, so the span is flagged rather than read 过去掉."""
    damaged = simulate("距离目标只有一步之遥。在刚刚过去的") + "&nbsp;"
    text, repairs = repair(damaged, 1)
    assert text == damaged
    assert "过去掉" in repairs[0].reason and "过去的" in repairs[0].reason


def test_runs_cut_short_are_mostly_repaired_and_seldom_wrong():
    """A comma put at every place inside each damaged run of raw/'s sentences (544 cases): measured
    348 exact, 176 flagged, 14 partly repaired, 6 wrong (the comma splits a word: 经济发,展 reads as
    经济法); a change that makes more of them wrong fails here."""
    sys.path.insert(0, str(CORPUS))
    from evaluate import cut_runs, repair_rate

    outcomes, _ = repair_rate(cut_runs(), Lexicon())
    assert sum(outcomes.values()) == 544
    assert outcomes["exact"] >= 348 and outcomes["wrong"] <= 6


def test_lexicon_evidence_from_jionlp_frequencies_and_quotation_marks():
    """jionlp's word and character distributions widen the dictionary (看海 is not in jieba's); a
    closing mark scores where a quotation is open; a quoted term scores when it is a word."""
    from pipeline.normalize.lexicon import Lexicon, _jieba_entries, character_weights, dictionary

    assert dictionary()["看海"] > 0 and "看海" not in _jieba_entries()[0]
    assert character_weights()["网"] > character_weights()["湾"]
    lexicon = Lexicon()
    assert lexicon.score("不进“村”,是", {4}) > lexicon.score("不进“村、,是", {4})
    # nothing open: the two marks differ only by how common they are
    assert lexicon.score("不进村”,是", {3}) == pytest.approx(lexicon.score("不进村“,是", {3}), abs=0.01)
    assert lexicon.score("、“看海”等", {3}) - lexicon.score("、“看常”等", {3}) > 2


def test_lexicon_likelihood_compares_texts_of_different_lengths():
    """Readings with a dropped pair have more characters than those without: they are compared by how
    likely the words are. A line of prose ends with a mark more often than with a Han character; a
    sentence end at a line's start is not prose; a clean copy's n-grams outweigh the rest."""
    lexicon = Lexicon()
    assert lexicon.likelihood("文脉,保护好老街区。\n") > lexicon.likelihood("文脉,保护好老街区\n")
    assert lexicon.likelihood("\n常会有市民") > lexicon.likelihood("\n。机会有市民")
    assert lexicon.likelihood("一步之遥。在刚刚") == lexicon.likeliest_split("一步之遥。在刚刚", True, True)[0]
    referenced = Lexicon(["会上多位代表表示赞同"])
    assert referenced.likelihood("会上多位代表表示") - Lexicon().likelihood("会上多位代表表示") > 20


def test_lexicon_unexplained_characters():
    """Where a drop may have merged two characters into any one, a character is explained by a word
    prose uses around it (位错 is a word of physics, 19 in jieba's counts: no), by quotation marks
    around it alone, or if prose writes it alone as often as 们."""
    lexicon = Lexicon()
    assert lexicon.unexplained("会上多位错表示赞同", [4]) == [4]
    assert lexicon.unexplained("会上多位代表表示赞同", [4, 5]) == []
    assert lexicon.unexplained("快递下“乡”不进", [4]) == []
    assert lexicon.unexplained("这是我们的城市", [4]) == []


def test_a_quotation_closed_by_a_restored_mark():
    """快递下“乡”不进“村” whose closing mark lost its trail byte: the open quotation decides."""
    damaged = simulate("的运营经验，快递下“乡”不进“村”，是制约")
    assert repair(damaged.replace("，", ","), 1)[0].endswith("不进“村”,是制约")


def test_a_bar_the_shift_produced_does_not_make_the_line_a_table_row():
    """Read one byte off, 江東 gives the bytes of '瓥|': that '|' is inside the damaged run, so the line
    is prose and the span is repaired; a '|' outside a span still marks a table row, whose cells are read
    only from place names."""
    damaged = simulate("海口江東新區建設，成效顯著")
    assert "|" in damaged
    assert repair(damaged, 1)[0] == "海口江東新區建設,成效顯著"
    assert repair("名稱 | " + damaged, 1)[0] == "名稱 | 海口江東新區建設,成效顯著"  # 海口 from the gazetteer
    row = "名稱 | " + simulate("上海——“一網統管”")
    assert repair(row, 1)[1][0].reason.startswith("flagged, left as is: a table cell")


def test_a_line_ending_in_a_full_stop_and_a_closing_mark():
    """。” at the end of a line of a damaged page: the second mark lost its trail byte. The quotation
    opened long before the four characters around the span, and still counts; word frequencies, which
    know no punctuation, are not asked about a restored mark."""
    for sentence in ("他说：“这是新一代的搜索引擎。”", "他指出：“要建设好智慧城市。”"):
        damaged = simulate(sentence)
        assert damaged.endswith("?!?")
        assert repair(damaged, 1, evidence=True)[0] == sentence.replace("：", ":")


def test_fresh_sentences_written_apart_from_raw():
    """99 sentences written by a reviewer, not from raw/: of the 57 the simulator damages, measured 47
    repaired exactly and 10 flagged; none may come out wrong."""
    sys.path.insert(0, str(CORPUS))
    from evaluate import fresh, repair_rate

    outcomes, _ = repair_rate(fresh(), Lexicon())
    assert sum(outcomes.values()) == 57
    assert outcomes["exact"] >= 47 and outcomes["wrong"] == 0 and outcomes["partly repaired"] == 0


def test_fresh_sentences_as_a_decoder_that_drops_private_use_pairs_shows_them():
    """The same sentences, damaged as the Tahaoo mirror's decoder damaged its runs (the 38 whose damage
    differs): a dropped pair merges two characters into one, so most are flagged, and none may come out
    changed wrongly or read only in part (measured 4 exact, 34 flagged; before, 6 wrong: 多位错)."""
    sys.path.insert(0, str(CORPUS))
    from evaluate import fresh, repair_rate

    outcomes, _ = repair_rate(fresh(drop_private_use=True), Lexicon())
    assert sum(outcomes.values()) == 38
    assert outcomes["exact"] >= 4 and outcomes["wrong"] == 0 and outcomes["partly repaired"] == 0


def test_a_page_shows_whether_its_decoder_dropped_private_use_pairs():
    """A run that holds a private-use character shows a decoder that kept them; runs that hold none
    may have lost some, whatever their length."""
    from pipeline.normalize.gbk_shift import drops_private_use

    kept = simulate("上海——“一網統管”")
    assert "\ue000" in kept and not drops_private_use("标题\n" + kept)
    assert drops_private_use(simulate("上海——“一網統管”", drop_private_use=True))
    assert drops_private_use("前景廣闊??梢哉f")  # the run is short: nothing tells


@pytest.mark.parametrize("clean, candidate", [
    # 代表 merged into 错 (B4FA B1ED read as B4ED): 多位错 is no word, 多位代表 is
    ("他说：“要把城市治理做精细化。”会上多位代表表示赞同，大家纷纷发言。", "多位代表"),
    # 开通了 lost two pairs and reads 克: 海关克 stands alone where 海关开了 would be words
    ("上海海关开通了跨境电商快速通道。", "merged 克"),
    # the 。 ending the line was hidden by a pair dropped after 区 (C7F8 A1A3): the line may end either way
    ("旧城改造要尊重文脉，保护好老街区。", "保护好老街区。"),
])
def test_a_drop_that_may_have_merged_two_characters_is_flagged(clean, candidate):
    """Damaged by a decoder that drops private-use pairs, the plain reading of each reads well but may
    hide a drop that another reading explains: flagged, that reading named. On a page whose runs show a
    private-use character (its decoder kept them) the same sentence, damaged that way, is read."""
    damaged = simulate(clean, drop_private_use=True)
    text, repairs = repair(damaged, 1)
    assert text == damaged and candidate in repairs[-1].reason
    kept = simulate(clean)
    assert repair(kept, 1, document="\n".join([simulate("上海——“一網統管”"), kept]))[0] == clean.translate(_HALF_WIDTH)


def test_a_reading_with_a_drop_is_taken_when_it_clearly_wins():
    """规模化 as a dropping decoder shows it: (AF C0) was dropped, 化扩 merged into 哗, a stray character;
    the reading with the drop, 规模化扩张, beats every other way and leaves nothing unexplained. With more
    drops in the run (规模化发展成效显著 lost 化发, 效显 and 著。), the reading with one drop, 成性质,
    reads well too, but readings with more drops come near it: flagged."""
    assert repair(simulate("不少企业布局海外市场，规模化扩张步伐加快。", drop_private_use=True), 1)[0] == \
        "不少企业布局海外市场,规模化扩张步伐加快。"
    damaged = simulate("厦门的海洋经济规模化发展成效显著。", drop_private_use=True)
    assert repair(damaged, 1)[0] == damaged


def test_a_line_does_not_start_with_a_full_stop():
    """学校 at a line's start, 校 having lost its lead byte: 。可以 reads well by itself, but a full stop
    needs a clause before it, and the line starts one character earlier."""
    damaged = simulate("学校可以根据需要开设人工智能选修课。")
    assert damaged.startswith("学??")
    assert repair(damaged, 1)[0] == "学校可以根据需要开设人工智能选修课。"


def test_a_place_right_after_its_province():
    """湖北保康县 with 保 lost: 北海 and 海康 read well too, but 保康县 lies in 湖北."""
    from pipeline.normalize.lexicon import place_parents

    assert {"湖北", "襄阳市"} <= place_parents()["保康县"]
    assert repair(simulate("湖北保康县的磷化工产业正在转型。"), 1)[0] == "湖北保康县的磷化工产业正在转型。"


def test_a_second_shifted_pair_inside_one_run():
    """保护 is B1A3 BBA4: out of step, B1 ends the pair 潜 and 'A3 BB' becomes ';' with no '?' before it,
    and the run goes on shifted after it. Read only up to that ';', no reading reproduces the damage;
    read through it, the sentence comes back."""
    damaged = simulate("保护知识产权就是保护创新。")
    assert damaged.count("?") == 2 and "潜;" in damaged
    assert parse_span(damaged, 0).end == damaged.index(";", 2) + 1
    text, repairs = repair(damaged, 1)
    assert text == "保护知识产权就是保护创新。"
    assert [(r.column, r.before) for r in repairs] == [(1, damaged)]


def test_text_with_no_chinese_around_is_not_the_mirrors_damage():
    """``What?:?`` read as What海航 at 0.974 before: the damage happens to GBK text, and a span with no
    shifted characters of its own is read only on a page that shows the damage elsewhere."""
    for text in ("What?:?", "?:/a>?", "x?:?", "中?:?文"):
        assert repair(text, 1) == (text, []) or repair(text, 1)[0] == text
    assert repair("What?:?", 1, evidence=True) == ("What?:?", [])


def test_normalize_twice_leaves_a_markup_made_site_alone():
    """Removing ``/a>`` between ``?:`` and ``?`` makes ``?:?``: a second normalize must not read it."""
    from pipeline.normalize import normalize_lines

    once, _ = normalize_lines(["?:/a>?", "中?:/a>?文"])
    assert normalize_lines(once)[0] == once


def test_a_span_with_nothing_shifted_needs_the_page_to_show_damage():
    """。” at a line's end has no shifted character of its own: alone it is left as is; in a page whose
    other spans show the damage (a run re-read in step) it is read."""
    damaged = simulate("他说：“这是新一代的搜索引擎。”")
    assert repair(damaged, 1) == (damaged, [])
    page = "\n".join([damaged, simulate("的必由之路，前景廣闊。可以說，新型智慧城市建設是")])
    assert repair(damaged, 1, document=page)[0] == "他说:“这是新一代的搜索引擎。”"


def test_simulate_the_variants_real_pages_show():
    """A converter out of step leaves a real full-width comma (0xA3 0xAC split across its reads) and a
    decoder drops the private-use pair: the real line 518 of the Tahaoo mirror, from its clean text."""
    clean = "的發(fā)展與機遇。可以肯定的是，選擇科學客觀、因地制宜"
    assert simulate(clean) == "的發(fā)展與機遇??梢钥隙ǖ氖?,選擇科學客觀、因地制宜"
    assert simulate(clean, out_of_step=True, drop_private_use=True) == "的發(fā)展與機遇??梢钥隙ǖ氖牵x擇科學客觀、因地制宜"
    assert simulate(clean, out_of_step=True) == "的發(fā)展與機遇??梢钥隙ǖ氖牵\ue0fax擇科學客觀、因地制宜"
    assert shift_bytes(b"\xba\xa3\xbf\xc9\xd2\xc7\xa3\xac\xdf\x78", out_of_step=True) == b"\xba?\xc9\xd2\xc7\xa3\xac\xdf\x78"
    assert shift_bytes(b"\xba\xa3\xbf\xc9\xd2\xc7\xa3\xac\xdf\x78") == b"\xba?\xc9\xd2\xc7,\xdf\x78"


def test_a_run_re_aligns_on_an_ascii_quote():
    """珠海——"智慧城市": the run ends at the ASCII quote, which puts the decoder back in step."""
    damaged = simulate('珠海——"智慧城市"建设')
    assert damaged.endswith('?"智慧城市"建设')
    assert parse_span(damaged, 1).end == damaged.index('"')


def test_an_annotation_put_inside_a_character():
    """展潛 is D5B9 9D93; read one byte off, B9 9D is 節 (jié), and an annotator put "(jié)" after it,
    splitting 潛; the '(' went with the orphaned 9D. The lost byte must make 節 with the byte before it,
    and 潛 with the byte after."""
    damaged = mirror_decode("最具發展".encode("gbk") + b"\x9d(ji\xa8\xa6)" + "潛力智慧城市".encode("gbk")[1:] + b"</p>")
    assert damaged == "最具發展?jié)摿χ腔鄢鞘?/p>"
    assert repair(damaged, 1)[0] == "最具發展潛力智慧城市</p>"




@pytest.mark.parametrize("clean, drop_private_use, rest", [
    ("湖北保康县城关镇", False, "then 城关镇"),  # a county after its province, then a town of it
    ("海南省海口市龍泉鎮(zhèn)、湖南省長沙市", True, "then 龍泉鎮"),  # a city, a town of one of its districts
    ("5 | 海口市秀英區 | 80.1 |", False, "then 秀英區"),  # a district of the city, in a table cell
    ("12 | 海南海口市、三亞市 | 72.18 |", False, "the rest of the span by the lexicon"),  # 、 and another city
])
def test_a_place_name_at_the_start_of_a_longer_span(clean, drop_private_use, rest):
    """A span whose first lost byte begins a place name, where places are written (after the province
    or prefecture, at a cell's or an item's start), and goes on past it: the name is read from the
    gazetteer by the bytes that survive, the rest as a division under it whose damaged bytes give it
    back exactly (a private-use pair the decoder dropped included), or by the lexicon."""
    damaged = simulate(clean, drop_private_use=drop_private_use)
    assert "??" in damaged
    text, repairs = repair(damaged, 1, evidence=True)
    assert text == clean
    assert "read from the gazetteer" in repairs[0].reason and rest in repairs[0].reason


@pytest.mark.parametrize("clean", [
    "3 | 海口市民众 | 1 |",  # a cell: 海口市 fits, but no division and no clear reading of the rest
    "他到保康县城关镇",  # the place name follows no province and starts no item
])
def test_a_place_name_at_the_start_of_a_span_is_not_enough(clean):
    damaged = simulate(clean)
    text, repairs = repair(damaged, 1, evidence=True)
    assert text == damaged and repairs[0].reason.startswith("flagged")


def test_a_cell_whose_place_name_ends_in_an_ascii_byte():
    """縣 is BF 68: the 'h' after the damaged bytes is the name's last byte, not text after it."""
    damaged = simulate("3 | 湖北省保康縣 | 80.2 |")
    assert "悼h |" in damaged
    assert repair(damaged, 1, evidence=True)[0] == "3 | 湖北省保康縣 | 80.2 |"


def test_question_marks_people_write_before_words_are_no_damage():
    """Chat and forum text writes '??', '?!' and '(?)' before Chinese words: shifted bytes would decode
    out of step into characters no word explains, these read as words, so they are neither read (怎麼會
    這樣??難過 once became 怎么会这样。开入y过) nor flagged (a flag would keep 這 from being converted)."""
    from pipeline.normalize import normalize_lines

    lines = ["小美: 我也不想啊??這條路每天都這樣", "阿明: 你是第一個欸?!太難得了吧", "阿德: 小華說她會晚點到(?)不確定",
             "小華: 怎麼會這樣??難過", "B: 真的吗?!对啊?", "樓主: 請問這個?:錯誤怎麼解決"]
    fixed, records = normalize_lines(lines, explain=True)
    assert fixed == ["小美: 我也不想啊??这条路每天都这样", "阿明: 你是第一个欸?!太难得了吧", "阿德: 小华说她会晚点到(?)不确定",
                     "小华: 怎么会这样??难过", "B: 真的吗?!对啊?", "楼主: 请问这个?:错误怎么解决"]
    assert [r for r in records if r.kind == "gbk_shift"] == []


def test_question_marks_inside_a_phrase_are_no_damage():
    """An emoji a GBK or Big5 file could not hold comes out as '??', inside a phrase too: the characters
    after it are in step, so the text as written reads far better than any reading of shifted bytes (原來
    這??麼簡單 once became 原来这。开赛N简单); it stays, in a page that shows the damage flagged."""
    from pipeline.normalize import normalize_lines

    lines = ["小美: 原來這??麼簡單", "阿明: 你們先??點餐好了!"]
    fixed, records = normalize_lines(lines, explain=True)
    assert fixed == ["小美: 原来这??么简单", "阿明: 你们先??点餐好了!"]
    assert [r for r in records if r.kind == "gbk_shift"] == []
    kept, found = repair("原來這??麼簡單", 1, evidence=True)
    assert kept == "原來這??麼簡單" and [r.reason.split(":")[0] for r in found] == ["flagged, left as is"]


def test_a_garbled_span_is_flagged_in_a_page_that_shows_no_other_damage():
    """Where the characters after the marks are garbage no word explains (a span of shifted bytes no
    reading clears), the span is flagged and kept as read though nothing else on the page reads back."""
    damaged = simulate("距离目标只有一步之遥。在刚刚过去的") + "&nbsp;"
    fixed, records = repair(damaged, 1, document=damaged, evidence=False)
    flags = [r for r in records if r.before == r.after]
    assert fixed == damaged and flags and all(r.reason.startswith("flagged") for r in flags)
