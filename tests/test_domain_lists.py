"""Domain top-100 lists: province-list tables found by shape, then each reconciliation rule on a small
invented table (浙江省, 湖北省, …), asserting the rows and the data_quality row the rule writes."""

from __future__ import annotations

import pytest

from pipeline.curated import KnownGap
from pipeline.extract.province_lists import ProvinceListRow, ProvinceListTable, find_province_lists, split_list
from pipeline.reconcile.domain_lists import LIST_SIZE, add_corrections, reconcile_list, summarise_lists

CAPTION = "表 9 2021数字经济百强城市"
DOMAIN = "数字经济"
SOURCE = "test_paper"
TABLE = "ccid2020_domain_top100"


def locations(lines: list[str]) -> list[str]:
    return [f"line {n}" for n in range(1, len(lines) + 1)]


def make_table(*rows: tuple[str, str], caption: str = CAPTION) -> ProvinceListTable:
    """A list table from (province cell, city cell) pairs, row n located at ``line n``."""
    return ProvinceListTable(1, caption, [
        ProvinceListRow(province, split_list(cities), f"line {n}", f"{province}\t{cities}")
        for n, (province, cities) in enumerate(rows, start=1)])


def reconcile(gaz, *rows: tuple[str, str]) -> tuple[list[tuple], list]:
    """(province, city, adcode, flags) per output row, and the data_quality rows written."""
    quality: list = []
    out = reconcile_list(SOURCE, make_table(*rows), gaz, quality, TABLE)
    return [(r["province"], r["city"], r["adcode"], r["flags"]) for r in out], quality


def issues(quality) -> list[tuple[str, str, str, str]]:
    return [(q.issue, q.raw, q.resolved, q.action) for q in quality]


# --- extraction ---------------------------------------------------------------------------------------

def test_split_list_keeps_the_empty_piece_a_trailing_separator_leaves():
    """A trailing 、 yields an empty last item; an empty cell yields no items at all."""
    assert split_list("杭州市、 宁波市、") == ["杭州市", "宁波市", ""]
    assert split_list("  ") == []


def test_find_province_lists_reads_a_run_of_rows_under_its_caption(gaz):
    """Caption above the header, header skipped, dash and empty rows kept as the source holds them."""
    lines = ["下表列出各省入选城市。", "", CAPTION, "省份\t城市",
             "浙江省\t杭州市、温 州市", "湖北省\t十堰市、宜昌市、", "————\t长沙市、株洲市", "江苏省\t南京市",
             "福建省\t", "安徽省\t合肥市", "", "注：按得分排序"]
    tables = find_province_lists(lines, locations(lines), lambda text: gaz.province(text) is not None)
    assert len(tables) == 1
    table = tables[0]
    assert (table.caption, table.name, table.location) == (CAPTION, DOMAIN, "line 5")
    assert [(r.province, r.cities) for r in table.rows] == [
        ("浙江省", ["杭州市", "温 州市"]), ("湖北省", ["十堰市", "宜昌市", ""]), ("————", ["长沙市", "株洲市"]),
        ("江苏省", ["南京市"]), ("福建省", []), ("安徽省", ["合肥市"])]


def test_find_province_lists_ignores_runs_of_fewer_than_five_provinces(gaz):
    """Four province rows are not a list table."""
    lines = ["浙江省\t杭州市", "湖北省\t武汉市", "江苏省\t南京市", "安徽省\t合肥市"]
    assert find_province_lists(lines, locations(lines), lambda text: gaz.province(text) is not None) == []


@pytest.mark.parametrize("caption, name", [
    (CAPTION, "数字经济"),
    ("表3 2019年数字民生百强榜单", "数字民生"),
    ("Table 2 2021 数字基础前100城市", "数字基础"),
])
def test_list_name_is_the_caption_without_number_year_and_suffix(gaz, caption, name):
    """The caption's table number, year and 百强城市-style suffix are stripped; rows and records carry the name."""
    quality: list = []
    rows = reconcile_list(SOURCE, make_table(("浙江省", "杭州市、"), caption=caption), gaz, quality, TABLE)
    assert make_table(caption=caption).name == name
    assert [r["domain"] for r in rows] == [name]
    assert [q.table for q in quality] == [f"ccid2020_domain_top100 ({name})"]


# --- reconciliation rules -------------------------------------------------------------------------------

def test_name_broken_by_a_space_is_joined(gaz):
    """``温 州市`` resolves to 温州市 and the join is recorded."""
    rows, quality = reconcile(gaz, ("浙江省", "杭州市、温 州市"))
    assert rows == [("浙江省", "杭州市", "330100", ""), ("浙江省", "温州市", "330300", "")]
    assert issues(quality) == [("name broken by whitespace (line wrap)", "温 州市", "温州市", "joined")]


def test_trailing_separator_item_is_dropped(gaz):
    """The empty item after a trailing 、 gives no row and one ``dropped`` record quoting the row's end."""
    rows, quality = reconcile(gaz, ("湖北省", "十堰市、宜昌市、"))
    assert rows == [("湖北省", "十堰市", "420300", ""), ("湖北省", "宜昌市", "420500", "")]
    assert issues(quality) == [("empty list item (stray separator)", "湖北省\t十堰市、宜昌市、", "", "dropped")]


def test_city_listed_twice_is_kept_once(gaz):
    """A repeat of 十堰市 in the same list is dropped, pointing at the first occurrence."""
    rows, quality = reconcile(gaz, ("湖北省", "十堰市、宜昌市"), ("湖北省", "十堰市"))
    assert rows == [("湖北省", "十堰市", "420300", ""), ("湖北省", "宜昌市", "420500", "")]
    assert issues(quality) == [("city listed twice in one list", "十堰市", "十堰市", "kept once (first at line 1)")]
    assert quality[0].location == "line 2"


def test_unknown_name_with_one_close_city_in_its_province_is_corrected(gaz):
    """``宁皮市`` under 浙江省 has exactly one one-character neighbour, 宁波市, and becomes it."""
    rows, quality = reconcile(gaz, ("浙江省", "杭州市、宁皮市"))
    assert rows == [("浙江省", "杭州市", "330100", ""), ("浙江省", "宁波市", "330200", "corrected")]
    assert issues(quality) == [("unknown name, one gazetteer city of the listed province differs by one character",
                                "宁皮市", "宁波市", "corrected (likely OCR misreading)")]


@pytest.mark.parametrize("name, n_candidates", [("梦想市", 0), ("金州市", 6)], ids=["no-candidate", "several"])
def test_unknown_name_without_a_single_close_city_is_kept_unresolved(gaz, name, n_candidates):
    """With zero or several one-character neighbours in 浙江省 the name is kept as written, no adcode."""
    assert len(gaz.close_cities(name, gaz.province("浙江省").adcode)) == n_candidates
    rows, quality = reconcile(gaz, ("浙江省", f"杭州市、{name}"))
    assert rows == [("浙江省", "杭州市", "330100", ""), ("浙江省", name, "", "unresolved")]
    assert issues(quality) == [("city name not in the gazetteer", name, "", "kept as written, flagged; no adcode")]


def test_dash_province_cell_is_inferred_from_its_cities(gaz):
    """A row headed ``————`` whose cities all lie in 湖北省 is assigned to 湖北省."""
    rows, quality = reconcile(gaz, ("————", "十堰市、宜昌市"))
    assert rows == [("湖北省", "十堰市", "420300", "province_inferred"),
                    ("湖北省", "宜昌市", "420500", "province_inferred")]
    assert issues(quality) == [("province cell is not a province", "————", "湖北省",
                                "province inferred from the row's cities")]


def test_dash_province_cell_with_cities_of_two_provinces_stays_unknown(gaz):
    """When the cities disagree, each keeps its own province and the row is flagged province_unknown."""
    rows, quality = reconcile(gaz, ("————", "武汉市、杭州市"))
    assert rows == [("湖北省", "武汉市", "420100", "province_unknown"),
                    ("浙江省", "杭州市", "330100", "province_unknown")]
    assert issues(quality) == [("province cell is not a province", "————", "",
                                "kept unresolved: the row's cities do not agree on a province")]


def test_city_under_the_wrong_province_is_moved_and_flagged(gaz):
    """宜昌市 listed under 浙江省 is given 湖北省 and flagged province_mismatch."""
    rows, quality = reconcile(gaz, ("浙江省", "杭州市、宜昌市"))
    assert rows == [("浙江省", "杭州市", "330100", ""), ("湖北省", "宜昌市", "420500", "province_mismatch")]
    assert issues(quality) == [("city listed under a province that does not contain it", "宜昌市 under 浙江省",
                                "宜昌市 in 湖北省", "province corrected from the gazetteer")]


def test_empty_province_row_is_recorded(gaz):
    """A province printed with no cities yields no rows and a record pointing at known_gaps."""
    rows, quality = reconcile(gaz, ("浙江省", "杭州市"), ("湖北省", ""))
    assert rows == [("浙江省", "杭州市", "330100", "")]
    assert issues(quality) == [("province row lists no cities", "湖北省", "",
                                "nothing to extract; see schemas/known_gaps.toml")]
    assert quality[0].location == "line 2"


# --- summary against known gaps --------------------------------------------------------------------------

def listed(**per_province: int) -> list[dict]:
    """Rows of the 数字经济 list: ``n`` placeholder cities for each province."""
    return [{"domain": DOMAIN, "province": province, "city": f"{province}{i}"}
            for province, n in per_province.items() for i in range(n)]


def gap(province: str, missing: int, domain: str = DOMAIN) -> KnownGap:
    return KnownGap("ccid2020_domain_top100", domain, province, missing, "test_paper.txt",
                    f"表 9, row {province}", "printed with an empty city cell")


def summarise(rows: list[dict], gaps: list[KnownGap]) -> tuple[dict, list]:
    quality: list = []
    (summary,) = summarise_lists(rows, gaps, quality, TABLE)
    return summary, quality


def test_open_gap_explains_the_shortfall_exactly():
    """97 cities plus an open 3-city gap for 湖北省 leave nothing unexplained; the gap is recorded."""
    summary, quality = summarise(listed(浙江省=90, 江苏省=7), [gap("湖北省", 3), gap("湖北省", 5, "数字政务")])
    assert summary == {"domain": DOMAIN, "n_cities": 97, "n_documented_missing": 3, "n_unexplained": 0,
                       "gaps": "湖北省: 3"}
    assert [(q.source_id, q.location, q.issue, q.raw, q.action) for q in quality] == [
        ("test_paper", "表 9, row 湖北省", "documented gap: 湖北省 missing from 数字经济", "3 cities",
         "accepted as a known gap: printed with an empty city cell")]


def test_shortfall_beyond_the_open_gaps_is_unexplained():
    """95 cities with a 3-city gap leave 2 unexplained."""
    summary, _ = summarise(listed(浙江省=95), [gap("湖北省", 3)])
    assert (summary["n_cities"], summary["n_documented_missing"], summary["n_unexplained"]) == (95, 3, 2)


def test_gap_closes_once_its_province_has_cities():
    """When 湖北省 has cities in the list its gap no longer counts, and the list must reach 100."""
    summary, quality = summarise(listed(浙江省=95, 湖北省=2), [gap("湖北省", 3)])
    assert summary == {"domain": DOMAIN, "n_cities": 97, "n_documented_missing": 0,
                       "n_unexplained": LIST_SIZE - 97, "gaps": ""}
    assert quality == []


# --- correction files -----------------------------------------------------------------------------------

def correction(*cities: str, province: str = "湖北省") -> dict:
    return {"domain": DOMAIN, "province": province, "cities": list(cities),
            "provenance": "typed from the printed paper", "file": "corrections/hubei.toml"}


def test_correction_cities_join_their_list_flagged(gaz):
    """Cities of a correction entry are added, resolved to official names, flagged from_correction."""
    quality: list = []
    base = reconcile_list(SOURCE, make_table(("浙江省", "杭州市")), gaz, [], TABLE)
    out = add_corrections(base, [correction("武汉市", "宜昌")], gaz, quality, TABLE)
    assert [(r["province"], r["city"], r["adcode"], r["flags"], r["source_id"]) for r in out[1:]] == [
        ("湖北省", "武汉市", "420100", "from_correction", "corrections"),
        ("湖北省", "宜昌市", "420500", "from_correction", "corrections")]
    assert out[0] == base[0]
    assert issues(quality) == [
        ("city supplied by a correction file", "武汉市", "武汉市", "added; provenance: typed from the printed paper"),
        ("city supplied by a correction file", "宜昌", "宜昌市", "added; provenance: typed from the printed paper")]
    assert quality[0].location == "corrections/hubei.toml (数字经济, 湖北省)"


def test_correction_city_the_source_already_lists_is_ignored(gaz):
    """A correction repeating 武汉市, already in the list, adds nothing and is recorded as ignored."""
    quality: list = []
    base = reconcile_list(SOURCE, make_table(("湖北省", "武汉市")), gaz, [], TABLE)
    assert add_corrections(base, [correction("武汉市")], gaz, quality, TABLE) == base
    assert issues(quality) == [("correction repeats a city the sources already list", "武汉市", "武汉市", "ignored")]


def test_unresolved_correction_city_is_not_taken_for_another_unresolved_city(gaz):
    """Two different unknown names (no adcode) are different cities: the correction's one is added."""
    quality: list = []
    base = reconcile_list(SOURCE, make_table(("浙江省", "梦想市")), gaz, [], TABLE)
    out = add_corrections(base, [correction("幻想市", province="浙江省")], gaz, quality, TABLE)
    assert [(r["city"], r["adcode"], r["flags"]) for r in out] == [
        ("梦想市", "", "unresolved"), ("幻想市", "", "from_correction;unresolved")]
    assert [q.issue for q in quality] == ["city supplied by a correction file"]
