"""Development stages and region legends: found in prose, merged across sources, and the top-100's
distribution by region, on invented lines."""

from __future__ import annotations

import pytest

from pipeline.extract.regions import Region, find_regions
from pipeline.extract.stages import Stage, find_stages
from pipeline.reconcile.regions import attach_regions, distribution, region_rows
from pipeline.reconcile.stages import stage_rows


def stages_in(line: str) -> list[tuple]:
    """(name, score_min, score_max, n_cities) of every stage stated in one line."""
    return [(s.name, s.score_min, s.score_max, s.n_cities) for s in find_stages([line], ["line 1"])]


def stage(name: str, low: int, high: int | None, n: int, location: str = "line 1") -> Stage:
    band = f"{low}-{high}分" if high is not None else f"{low}分以上"
    return Stage(name, low, high, n, location, f"{name}({band},{n}个)")


def legends_in(gaz, *lines: str) -> list[tuple[str, list[str]]]:
    found = find_regions(list(lines), [f"line {n}" for n in range(1, len(lines) + 1)],
                         lambda text: gaz.province(text) is not None)
    return [(r.name, r.members) for r in found]


# --- stages ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ("——起步探索(50-60分,12个):城市处于起步阶段", ("起步探索", 50, 60, 12)),
    ("全面引领(90分以上,3个)", ("全面引领", 90, None, 3)),
    ("融合发展（70－85分，33个）", ("融合发展", 70, 85, 33)),
    ("融合发展(70至85分,33个城市)", ("融合发展", 70, 85, 33)),
], ids=["range", "lower-bound", "full-width", "zhi-range"])
def test_stage_is_read_from_its_parenthesis(line, expected):
    """Name, score band (range or 以上) and city count in half- or full-width punctuation."""
    assert stages_in(line) == [expected]


def test_several_stages_in_one_line_keep_location_and_raw_text():
    """Every stage of a line is found, each with the line's location and its matched text."""
    found = find_stages(["——起步探索(50-60分,12个);——全面引领(90分以上,3个)。"], ["page 2 line 3"])
    assert [(s.name, s.location, s.raw) for s in found] == [
        ("起步探索", "page 2 line 3", "起步探索(50-60分,12个)"),
        ("全面引领", "page 2 line 3", "全面引领(90分以上,3个)")]


def test_parenthesis_without_score_unit_or_count_is_not_a_stage():
    """A range without 分, or a count without 个, is not a stage."""
    assert stages_in("起步探索(50-60,12个)") == []
    assert stages_in("起步探索(50-60分,12)") == []


def test_same_stage_from_two_sources_is_merged():
    """Two sources stating the same values give one row naming both sources."""
    rows = stage_rows([("paper", stage("融合发展", 70, 85, 33)), ("mirror", stage("融合发展", 70, 85, 33, "line 9"))], [],
                      "ccid2020_stages")
    assert rows == [{"stage": "融合发展", "score_min": 70, "score_max": 85, "n_cities": 33,
                     "source_ids": "mirror;paper", "location": "line 1", "flags": ""}]


def test_stage_stated_differently_keeps_the_first_source_and_records_the_other():
    """A second source's different count is recorded; the first source's values stay."""
    quality: list = []
    rows = stage_rows([("paper", stage("融合发展", 70, 85, 33)), ("mirror", stage("融合发展", 70, 85, 35, "line 9"))],
                      quality, "ccid2020_stages")
    assert [(r["n_cities"], r["source_ids"]) for r in rows] == [(33, "paper")]
    assert [(q.source_id, q.location, q.issue, q.raw, q.resolved, q.action) for q in quality] == [
        ("mirror", "line 9", "stage stated differently by another source", "融合发展(70-85分,35个)", "70-85, 33",
         "first source's values kept (paper)")]


# --- regions ---------------------------------------------------------------------------------------------

def test_several_legends_in_one_line_are_all_found(gaz):
    """Legends run together on one line split at each region name; 地区 and full-width marks are allowed."""
    assert legends_in(gaz, "东部: 浙江, 江苏, 福建 中部：湖北，湖南、河南", "华北地区：河北，山西") == [
        ("东部", ["浙江", "江苏", "福建"]), ("中部", ["湖北", "湖南", "河南"]), ("华北", ["河北", "山西"])]


def test_legend_whose_members_are_not_provinces_is_ignored(gaz):
    """A colon-and-list line of non-provinces is not a region legend."""
    assert legends_in(gaz, "重点产业: 软件, 芯片, 通信", "样本城市: 杭州, 宁波, 温州") == []


def test_region_members_become_province_rows_and_non_provinces_are_recorded(gaz):
    """Short names resolve to official provinces; a member that is no province is left out, recorded."""
    quality: list = []
    legend = Region("东部", ["浙江", "江苏", "福建", "上海", "苏南"], "line 4", "东部: …")
    rows = region_rows([("paper", legend)], gaz, quality, "ccid2020_regions")
    assert [(r["region"], r["province"], r["source_id"]) for r in rows] == [
        ("东部", "浙江省", "paper"), ("东部", "江苏省", "paper"), ("东部", "福建省", "paper"), ("东部", "上海市", "paper")]
    assert [(q.location, q.issue, q.raw, q.action) for q in quality] == [
        ("line 4", "region member is not a province", "苏南", "left out")]


def test_province_claimed_by_two_regions_keeps_the_first(gaz):
    """河南 in 中部 and then in 北方: 中部 is kept and the second claim recorded."""
    quality: list = []
    found = [("paper", Region("中部", ["湖北", "河南"], "line 1", "")),
             ("mirror", Region("北方", ["河南", "河北"], "line 7", ""))]
    rows = region_rows(found, gaz, quality, "ccid2020_regions")
    assert [(r["region"], r["province"], r["source_id"]) for r in rows] == [
        ("中部", "湖北省", "paper"), ("中部", "河南省", "paper"), ("北方", "河北省", "mirror")]
    assert [(q.source_id, q.location, q.issue, q.raw, q.resolved, q.action) for q in quality] == [
        ("mirror", "line 7", "province in two regions", "河南 in 北方", "中部", "first region kept")]


def top(*provinces: str) -> list[dict]:
    return [{"city": f"city {n}", "province": province} for n, province in enumerate(provinces, start=1)]


def test_attach_regions_adds_legend_region_and_economic_division():
    """Each row gets its legend region ("" when no legend names it) and its statistical division."""
    rows = top("浙江省", "湖北省", "西藏自治区", "辽宁省")
    quality = []
    attach_regions(rows, [{"region": "东部", "province": "浙江省"}, {"region": "中部", "province": "湖北省"}], quality, "ccid2020_top100")
    assert [(r["region"], r["division"]) for r in rows] == [("东部", "东部"), ("中部", "中部"), ("", "西部"),
                                                            ("", "东北")]
    assert [(q.issue, q.raw) for q in quality] == [("province without a region", "西藏自治区、辽宁省")]
    none = []
    attach_regions(top("浙江省"), [], none, "ccid2020_top100")
    assert "add the white paper" in none[0].action


def test_distribution_counts_and_shares_add_up_to_100():
    """Counts per value and shares in percent of the list, summing to 100."""
    rows = distribution(top("浙江省", "湖北省", "浙江省", "江苏省"), "province")
    assert rows == [{"province": "浙江省", "n_cities": 2, "share": 50.0},
                    {"province": "湖北省", "n_cities": 1, "share": 25.0},
                    {"province": "江苏省", "n_cities": 1, "share": 25.0}]
    assert sum(r["share"] for r in rows) == 100
