"""Copies of a top list are found by agreement and voted rank by rank."""

from __future__ import annotations

from pipeline.extract.ranking import RankingRow, RankingTable
from pipeline.editions import active_editions
from pipeline.reconcile.top100 import Ranking, document_witnesses, find_copies, resolve_table, vote

# Twelve real cities stand in for a list: the ranking of the tests has their number of ranks, and the
# CCID 2020 edition's declared primary source.
CITIES = ["杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市",
          "丽水市", "合肥市"]
CCID2020 = next(e for e in active_editions() if e.id == "ccid2020")
SPEC = Ranking(len(CITIES), "ccid2020_top100", "ccid2020_top100_by_source", CCID2020.is_primary, "test ranking")


def table(cities, provinces=None, table_no=1):
    t = RankingTable(table_no, 1, 2 if provinces else 1, ["排名", "城市"] + (["省份"] if provinces else []), "")
    for rank, city in enumerate(cities, start=1):
        fields = [city] + ([provinces[rank - 1]] if provinces else [])
        t.rows.append(RankingRow(rank, fields, f"line {rank}", " | ".join([str(rank), *fields]), 1))
    return t


def resolved(source_id, cities, gaz, quality, meta=None):
    return resolve_table(source_id, meta or {}, table(cities), gaz, quality)


def test_non_city_table_is_not_a_city_ranking(gaz):
    assert resolve_table("s", {}, table(["微信", "淘宝", "抖音", "百度"]), gaz, []) is None


def test_a_table_kept_unresolved_says_why_in_data_quality(gaz):
    """Two names of six that are no cities (a renamed 襄樊市, a province) leave the table short of the
    share a city ranking needs: its rows are flagged not_a_city_ranking, and one record says why."""
    quality = []
    assert resolve_table("s", {}, table(["杭州市", "深圳市", "襄樊市", "广东省", "南京市", "苏州市"]), gaz, quality) is None
    record, = quality
    assert (record.issue, record.table, record.location, record.raw) == (
        "not a city ranking", "unknown_rankings", "line 1", "杭州市 | 深圳市 | 襄樊市")
    assert "80% of its 6 rows" in record.action and "not_a_city_ranking" in record.action


def test_missing_province_column_is_recorded_once(gaz):
    quality = []
    t = resolved("a", CITIES, gaz, quality)
    assert t.province_field is None
    assert [q.issue for q in quality] == ["table has no province column"]


def test_majority_wins_and_each_disagreement_is_recorded(gaz, monkeypatch):
    swapped = CITIES[:]
    swapped[1], swapped[2] = swapped[2], swapped[1]
    quality = []
    tables = [resolved(s, c, gaz, quality) for s, c in [("a", CITIES), ("b", CITIES), ("c", swapped)]]
    copies, others = find_copies(tables, SPEC)
    assert len(copies) == 3 and others == []
    consensus = vote(copies, quality, SPEC)
    assert [r["city"] for r in consensus.rows] == CITIES
    assert consensus.rows[1]["n_sources"] == 2
    disagreements = [q for q in quality if q.issue == "rank disagrees with the other copies"]
    assert [(q.source_id, q.raw) for q in disagreements] == [("c", "rank 2: 温州市"), ("c", "rank 3: 宁波市")]
    assert sum(not row["agrees"] for row in consensus.by_source) == 2


def test_tie_is_flagged(gaz, monkeypatch):
    other = CITIES[:-1] + ["芜湖市"]
    quality = []
    copies, _ = find_copies([resolved("a", CITIES, gaz, quality), resolved("b", other, gaz, quality)], SPEC)
    consensus = vote(copies, quality, SPEC)
    assert consensus.rows[-1]["flags"] == "tie"
    assert any(q.issue == "copies disagree with no majority" for q in quality)


def test_unrelated_city_ranking_is_not_a_copy(gaz, monkeypatch):
    quality = []
    main = resolved("a", CITIES, gaz, quality)
    unrelated = resolved("b", list(reversed(CITIES)), gaz, quality)
    copies, others = find_copies([main, unrelated], SPEC)
    assert copies == [main] and others == [unrelated]


def test_declared_whitepaper_is_the_reference(gaz, monkeypatch):
    meta = {"publisher": "赛迪顾问", "edition": 2020, "kind": "whitepaper"}
    quality = []
    paper = resolved("paper", CITIES, gaz, quality, meta)
    rival = resolved("rival", list(reversed(CITIES)), gaz, quality)
    copies, others = find_copies([rival, paper], SPEC)
    assert copies == [paper] and others == [rival]


def test_documents_that_share_nearly_all_lines_are_one_witness():
    table = [f"{rank} | {city}" for rank, city in enumerate(CITIES, start=1)]
    witness = document_witnesses({"paper": ["白皮书", "前言……", *table[:6], "说明", *table[6:]],
                                  "repost": ["转载：百强榜", *table], "repost_again": ["百强榜（转）", *table],
                                  "other": ["另一网站", *[line.replace(" | ", "、") for line in table]]})
    # both reposts hold the paper's table lines verbatim: copies of it; the other site wrote its own
    assert witness["paper"] == witness["repost"] == witness["repost_again"] != witness["other"]


def test_copies_of_one_sloppy_repost_are_one_witness_and_the_white_paper_settles_ties(gaz, monkeypatch):
    """The white paper against two copies of one repost with ranks 2 and 3 swapped: one witness
    each, so it is 1:1, and the declared white paper's city is kept (flagged primary_source, which
    does not fail validation); without a declared white paper the same ranks are ties."""
    meta = {"publisher": "赛迪顾问", "edition": 2020, "kind": "whitepaper"}
    swapped = [CITIES[0], CITIES[2], CITIES[1], *CITIES[3:]]
    quality = []
    tables = [resolved("paper", CITIES, gaz, quality, meta), resolved("repost", swapped, gaz, quality),
              resolved("repost_again", swapped, gaz, quality)]
    witness = {"paper": 0, "repost": 1, "repost_again": 1}
    consensus = vote(find_copies(tables, SPEC)[0], quality, SPEC, witness)
    assert [r["city"] for r in consensus.rows] == CITIES
    assert [r["flags"] for r in consensus.rows[:4]] == ["", "primary_source", "primary_source", ""]
    assert consensus.rows[1]["n_sources"] == 1
    kept = [q.action for q in quality if q.issue == "copies disagree with no majority"]
    assert len(kept) == 2 and all("paper's city kept" in action for action in kept)
    undeclared = [resolved("a", CITIES, gaz, []), resolved("b", swapped, gaz, []), resolved("c", swapped, gaz, [])]
    assert [r["flags"] for r in vote(find_copies(undeclared, SPEC)[0], [], SPEC, {"a": 0, "b": 1, "c": 1}).rows[1:3]] == [
        "tie", "tie"]
    # counted by file, the two copies of the repost would outvote the list
    assert vote(find_copies(undeclared, SPEC)[0], [], SPEC).rows[1]["city"] == CITIES[2]


def test_province_in_brackets_after_the_city(gaz):
    """``1. 深圳市（广东省）``: the city resolves, the bracket is read as its province and checked;
    a bracket that is no province is recorded, not lost."""
    from pipeline.extract.ranking import find_ranking_tables

    names = ["深圳市（广东省）", "上海市(上海)", "北京市（北京市）", "广州市（广东省）", "南京市（并列）"]
    lines = [f"{rank}. {name}" for rank, name in enumerate(names, start=1)]
    table, = find_ranking_tables(lines, [f"line {i}" for i in range(1, 6)], gaz).tables
    quality = []
    found = resolve_table("s", {}, table, gaz, quality)
    assert [(res.city.name, res.province.name) for _, res, _, _ in found.rows] == [
        ("深圳市", "广东省"), ("上海市", "上海市"), ("北京市", "北京市"), ("广州市", "广东省"), ("南京市", "江苏省")]
    issues = {q.issue: q for q in quality}
    assert issues["province in brackets after the city"].raw == "4 rows"
    assert issues["note in brackets beside the city"].raw == "南京市（并列）"
    assert issues["table has no province column"].raw == "1 rows"  # 南京市's province inferred


def test_a_note_cell_beyond_the_columns_is_recorded(gaz):
    t = table(CITIES[:4], ["浙江省"] * 4)
    t.rows[1].extra = ["并列"]
    quality = []
    resolve_table("s", {}, t, gaz, quality)
    assert [(q.location, q.issue, q.raw) for q in quality] == [("line 2", "cell beyond the table's columns", "并列")]


def test_bracketed_province_beside_a_province_column_is_compared(gaz):
    t = table(CITIES[:4], ["浙江省"] * 4)
    t.rows[0].fields[0] = "杭州市（浙江省）"
    t.rows[1].fields[0] = "宁波市（江苏）"
    quality = []
    found = resolve_table("s", {}, t, gaz, quality)
    assert [res.city.name for _, res, _, _ in found.rows][:2] == ["杭州市", "宁波市"]
    assert [(q.location, q.issue) for q in quality] == [("line 2", "province in brackets differs from the province column")]
