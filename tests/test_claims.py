"""Claims found by pattern family, worded differently from the seeds, scoped and checked."""

from __future__ import annotations

import pytest

from pipeline.claims import EditionTables, check_claims, extract_claims, number

REGIONS = {"华东", "华北", "华南", "华中", "西南", "西北", "东北"}
DIVISIONS = {"东部", "中部", "西部", "东北"}


def claims_in(text, gaz, edition=2020):
    return extract_claims("s", [text], ["line 1"], edition, gaz, REGIONS, DIVISIONS)


def top(rows):
    """A small top list: (city, province, division) per rank."""
    return [{"rank": i, "city": c, "province": p, "division": d, "region": ""} for i, (c, p, d) in enumerate(rows, 1)]


TOP = top([("深圳市", "广东省", "东部"), ("上海市", "上海市", "东部"), ("武汉市", "湖北省", "中部"),
           ("广州市", "广东省", "东部"), ("成都市", "四川省", "西部")])


def check(claims, **tables):
    """Claims checked against a 2020 edition holding TOP and the other tables given (ccid2020_stages=...)."""
    edition = EditionTables("ccid2020", {"top100": TOP, **{name.split("_", 1)[1]: rows for name, rows in tables.items()}})
    return check_claims(claims, {2020: edition}, edition, {})


@pytest.mark.parametrize("a, b", [
    ("其中,广东、上海两省市百强占比为60%。", "上海与广东的上榜城市占比达60%。"),
    ("东部地区占据百强数量超过二分之一。", "东部城市在榜单中超过半数。"),
])
def test_same_claim_in_other_words_gets_the_same_key(gaz, a, b):
    first, = claims_in(a, gaz)
    second, = claims_in(b, gaz)
    assert first.key == second.key


def test_share_verified_and_contradicted(gaz):
    right, = claims_in("广东、上海两地占比为60%。", gaz)
    wrong, = claims_in("广东、上海两地占比为40%。", gaz)
    rows = check([right, wrong])
    assert [r["status"] for r in rows] == ["verified", "contradicted"]
    assert rows[0]["computed"].startswith("60% (3 of 5") and rows[0]["evidence"] == "ccid2020_top100 ranks 1, 2, 4"


def test_fraction_against_a_statistical_division(gaz):
    claim, = claims_in("数据显示,东部地区占据数字城市百强数量超过二分之一。", gaz)
    assert (claim.kind, claim.subjects) == ("fraction", ["东部"])
    assert check([claim])[0]["status"] == "verified"


def test_top_n_and_rank_range(gaz):
    top_n, = claims_in("深圳、上海、武汉位居榜单前三名。", gaz)
    ranks, = claims_in("排名第二至第四位的城市分别是:上海、武 汉和广州。", gaz)
    rows = check([top_n, ranks])
    assert [r["status"] for r in rows] == ["verified", "verified"]
    assert ranks.subjects == ["上海市", "武汉市", "广州市"]


def test_rank_range_in_the_wrong_order_is_contradicted(gaz):
    claim, = claims_in("排名第二至第三位的城市依次为武汉、上海。", gaz)
    assert check([claim])[0]["status"] == "contradicted"


def test_structure_counts(gaz):
    indicators = [{"level1": "甲", "level2": "乙", "level3": f"丙{i}"} for i in range(3)]
    found = claims_in("评价体系共2个方面,包含1个二级指标,3个三级指标。", gaz)
    rows = check(found, ccid2020_indicators=indicators)
    assert [(r["claim_key"], r["status"]) for r in rows] == [
        ("structure:level1", "contradicted"), ("structure:level2", "verified"), ("structure:level3", "verified")]


def test_stage_counts_must_add_up_to_the_list(gaz):
    stages = [{"stage": "起步阶段", "n_cities": 3}, {"stage": "领先阶段", "n_cities": 2}]
    found = claims_in("起步阶段(60-70分,3个);领先阶段(85分以上,2个)。", gaz)
    assert [r["status"] for r in check(found, ccid2020_stages=stages)] == ["verified", "verified"]


def test_other_edition_is_out_of_scope(gaz):
    claim, = claims_in("《2021中国城市数字化转型白皮书》显示,广东、上海两地占比为60%。", gaz)
    assert claim.edition == 2021 and check([claim])[0]["status"] == "out_of_scope"


def test_a_percentage_no_table_holds_is_unverifiable(gaz):
    claim, = claims_in("我国数字经济占GDP比重达到36.2%。", gaz)
    assert (claim.kind, check([claim])[0]["status"]) == ("unverifiable", "unverifiable")


def test_known_discrepancy_is_carried_with_its_reason(gaz):
    claim, = claims_in("广东、上海两地占比为40%。", gaz)
    edition = EditionTables("ccid2020", {"top100": TOP})
    row, = check_claims([claim], {2020: edition}, edition, {claim.key: "rounding in the source"})
    assert (row["status"], row["known_discrepancy"]) == ("contradicted", "rounding in the source")


@pytest.mark.parametrize("text, value", [("5", 5), ("五", 5), ("十", 10), ("十二", 12), ("三十四", 34)])
def test_numbers(text, value):
    assert number(text) == value


def test_percentages_of_a_document_about_no_ranking_are_left_out_with_a_record(tmp_path):
    """A newsletter's percentages are not claims about a ranking; the same sentence in a document that
    names a ranking's publisher is kept as an unverifiable claim."""
    import shutil

    from conftest import ROOT, read_table
    from pipeline.run import run

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "raw" / "ccid2020_whitepaper.txt", raw)
    shutil.copy(ROOT / "raw" / "sources.toml", raw)
    (raw / "weekly.txt").write_text("本周新闻\n某框架的下载量增长了70%。\n另一个项目减少了25%的内存。\n", encoding="utf-8")
    (raw / "about.txt").write_text("赛迪顾问发布报告。\n某框架的下载量增长了70%。\n", encoding="utf-8")
    run(raw, tmp_path / "out")
    claims = read_table(tmp_path / "out", "claims")
    assert "weekly" not in set(claims.source_id)
    assert claims[claims.source_id == "about"]["expected"].tolist() == ["70%"]
    quality = read_table(tmp_path / "out", "data_quality")
    left, = quality[quality.issue == "percentages in a document about no ranking"].itertuples()
    assert (left.source_id, left.raw) == ("weekly", "2 percentages, e.g. 70%")
