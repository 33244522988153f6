"""The second reading of byte damage: spans no line could read alone, read from clean text of another
source or from other occurrences of the same damaged bytes, each recorded as gbk_shift_elsewhere."""

from __future__ import annotations

import hashlib
import json
from types import SimpleNamespace

from pipeline.normalize import normalize_lines
from pipeline.normalize.elsewhere import KIND, read_elsewhere
from pipeline.normalize.gbk_shift import mirror_decode, simulate


def source(name: str, lines: list[str]):
    normalised, repairs = normalize_lines(lines)
    doc = SimpleNamespace(file=name, lines=lines, sha256=hashlib.sha256("\n".join(lines).encode()).hexdigest())
    return SimpleNamespace(doc=doc, lines=normalised, repairs=repairs)


def test_a_span_read_from_the_same_phrase_in_another_source():
    """推進慢病專科: alone, 。科 and 專科 both read well and the span is flagged; a clean copy of the
    sentence in another source decides it, and the record says where the copy is."""
    damaged = simulate("推進慢病專科大數據分中心建設，為公共衛生提供基礎。")
    mirror = source("mirror.txt", ["案例", damaged])
    assert any(r.kind == "gbk_shift" and r.before == r.after for r in mirror.repairs)
    paper = source("paper.txt", ["第一章", "推进慢病专科大数据分中心建设，为公共卫生提供基础。"])
    read_elsewhere([mirror, paper])
    assert mirror.lines[1] == "推进慢病专科大数据分中心建设,为公共卫生提供基础。"
    record, = [r for r in mirror.repairs if r.kind == KIND]
    assert (record.line, record.column, record.before) == (2, 5, damaged[4:4 + len(record.before)])
    assert "paper.txt line 2" in record.reason
    assert not any(r.kind == "gbk_shift" and r.line == 2 for r in mirror.repairs)


def test_a_span_with_a_dropped_pair_read_from_the_same_phrase_in_another_source():
    """A page whose decoder dropped private-use pairs: 代表 merged into 错, and alone the line is flagged
    (多位错 and 多位代表 both read). The clean copy of the sentence decides for the reading with the
    drop, each of its restored characters in an n-gram of the copy."""
    damaged = simulate("他说：“要把城市治理做精细化。”会上多位代表表示赞同，大家纷纷发言。", drop_private_use=True)
    mirror = source("mirror.txt", ["标题", damaged])
    assert mirror.lines[1] == damaged
    read_elsewhere([mirror, source("paper.txt", ["第一章", "他说：“要把城市治理做精细化。”会上多位代表表示赞同。"])])
    assert mirror.lines[1] == "他说:“要把城市治理做精细化。”会上多位代表表示赞同,大家纷纷发言。"
    record, = [r for r in mirror.repairs if r.kind == KIND]
    assert "paper.txt line 2" in record.reason


def test_nothing_changes_without_evidence_elsewhere():
    damaged = simulate("推進慢病專科大數據分中心建設，為公共衛生提供基礎。")
    mirror = source("mirror.txt", [damaged])
    lines, repairs = list(mirror.lines), list(mirror.repairs)
    read_elsewhere([mirror, source("other.txt", ["完全无关的一句话。"])])
    assert (mirror.lines, mirror.repairs) == (lines, repairs)


def _damaged_heading(tail: bytes) -> str:
    """最具發展潛力智慧城市 with an annotation put inside 潛 (B9 9D read as 節), as on the Tahaoo mirror."""
    return mirror_decode("最具發展".encode("gbk") + b"\x9d(ji\xa8\xa6)" + "潛力智慧城市".encode("gbk")[1:] + tail)


def test_the_first_lost_byte_chosen_over_every_occurrence_of_the_same_bytes():
    """A page repeats a damaged heading: read alone in prose it is clear, in a table row the cell rule
    flags it. The same bytes lost the same byte: chosen over all occurrences, the row is read too."""
    prose = _damaged_heading(b"</p>")
    row = "城市 | " + _damaged_heading("指數前10名".encode("gbk")) + " |"
    lines = [prose, "城市 | 最具影響力智慧城市指數前10名 |", prose, row, "北京 | 0.910 |", "上海 | 0.888 |"]
    page = source("page.txt", lines)
    assert page.lines[0] == "最具发展潜力智慧城市"
    assert any(r.kind == "gbk_shift" and r.line == 4 and r.before == r.after for r in page.repairs)
    read_elsewhere([page])
    assert page.lines[3] == "城市 | 最具发展潜力智慧城市指数前10名 |"
    record, = [r for r in page.repairs if r.kind == KIND]
    assert record.line == 4 and "(潛)" in record.reason and "page.txt lines 1, 3, 4" in record.reason


def test_copies_of_the_same_bytes_count_once():
    damaged = simulate("推進慢病專科大數據分中心建設，為公共衛生提供基礎。")
    first, second = source("a.txt", [damaged]), source("b.txt", [damaged])
    read_elsewhere([first, second, source("paper.txt", ["推进慢病专科大数据分中心建设，为公共卫生提供基础。"])])
    assert first.lines == second.lines == ["推进慢病专科大数据分中心建设,为公共卫生提供基础。"]


def test_a_pooled_first_byte_does_not_decide_the_rest_of_the_span():
    """Without the clean 指數前10名 elsewhere, the row's last lost byte has the lexicon alone (数千, a
    word, reads 指數千00名): the row stays flagged rather than read wrongly."""
    prose = _damaged_heading(b"</p>")
    row = "城市 | " + _damaged_heading("指數前10名".encode("gbk")) + " |"
    page = source("page.txt", [prose, "说明文字。", prose, row])
    flagged = list(page.lines)
    read_elsewhere([page])
    assert page.lines == flagged


def test_normalize_file_reads_the_same_phrase_elsewhere_in_the_file(tmp_path, capsys):
    """`normalize FILE` runs the same-document part of the second pass, so it agrees with a run on a
    file whose flagged span is read from the file itself."""
    from pipeline.__main__ import main

    prose = _damaged_heading(b"</p>")
    row = "城市 | " + _damaged_heading("指數前10名".encode("gbk")) + " |"
    path = tmp_path / "page.txt"
    path.write_text("\n".join([prose, "城市 | 最具影響力智慧城市指數前10名 |", prose, row]) + "\n", encoding="utf-8")
    assert main(["normalize", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[3] == "城市 | 最具发展潜力智慧城市指数前10名 |"
    assert main(["normalize", str(path), "--explain"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["line"], r["before"][:3]) for r in records if r["kind"] == KIND] == [(4, "?jié"[:3])]


def test_no_lexicon_is_loaded_when_no_flagged_span_has_evidence_elsewhere(monkeypatch):
    """A flagged span whose surroundings no clean text holds, and whose damaged bytes occur once: the
    pass returns before loading the lexicon (about 1.5 s)."""
    import pipeline.normalize.lexicon as lexicon

    mirror = source("mirror.txt", [simulate("推進慢病專科大數據分中心建設，為公共衛生提供基礎。")])
    lines, repairs = list(mirror.lines), list(mirror.repairs)

    def refused(*_):
        raise AssertionError("the lexicon was loaded")

    monkeypatch.setattr(lexicon, "Lexicon", refused)
    monkeypatch.setattr(lexicon, "default_lexicon", refused)
    read_elsewhere([mirror, source("other.txt", ["完全无关的一句话。"])])
    assert (mirror.lines, mirror.repairs) == (lines, repairs)


def test_normalised_again_with_the_first_pass_remembered(monkeypatch):
    """After the pass changed one line, the document is normalised again: the byte damage of the other
    lines comes from the first pass's records, with no search, and gives what a search gives."""
    from pipeline.normalize import gbk_shift

    lines = [simulate("前景廣闊。可以說，新型智慧城市建設是必由之路。"), "第二行", simulate("湖北保康县的磷化工产业正在转型。")]
    _, records = normalize_lines(lines)
    changed = ["前景廣闊。可以說,新型智慧城市建設是必由之路。", *lines[1:]]
    expected = normalize_lines(changed)
    searched = []
    monkeypatch.setattr(gbk_shift, "_searched", lambda text, evidence: searched.append(text))
    with gbk_shift.remembered(lines, records):
        assert normalize_lines(changed) == expected
    assert searched == []  # line 1 holds no damage now, line 3 is remembered
