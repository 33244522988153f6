"""The rival ranking: composite place names, table recognition by content, and the Tahaoo tables."""

from __future__ import annotations

import pytest

from pipeline.extract.tables import find_tables
from pipeline.reconcile import tahaoo
from pipeline.reconcile.places import resolve_place


@pytest.mark.parametrize("name, province, city, district, remainder, flags", [
    ("湖南长沙市", "湖南省", "长沙市", "", "", []),
    ("江苏省苏州市", "江苏省", "苏州市", "", "", []),
    ("深圳南山区", "广东省", "深圳市", "南山区", "", []),
    ("上海浦东新区", "上海市", "上海市", "浦东新区", "", []),
    ("青岛市南区", "山东省", "青岛市", "市南区", "", []),
    ("宁夏回族自治区灵武市", "宁夏回族自治区", "银川市", "灵武市", "", []),
    ("河南郑州(国家)高新区", "河南省", "郑州市", "", "(国家)高新区", ["not_an_administrative_division"]),
    ("福建福州市长乐市", "福建省", "福州市", "长乐区", "", ["renamed"]),
    ("吉林延边州延吉市", "吉林省", "延边朝鲜族自治州", "延吉市", "", []),
    ("新疆日喀则市吉隆县吉隆镇", "西藏自治区", "日喀则市", "吉隆县", "吉隆镇", ["province_mismatch"]),
    # a county written with its name before a renaming, the town kept whole (jionlp's record of changes)
    ("黑龙江省大兴安岭地区漠河县北极镇", "黑龙江省", "大兴安岭地区", "漠河市", "北极镇", ["renamed"]),
    ("湖南省永州市祁阳县白水纺织小镇", "湖南省", "永州市", "祁阳市", "白水纺织小镇", ["renamed"]),
    # a short county name and its suffix (民和县 for 民和回族土族自治县): the town is one of that county's own
    ("青海省海东市民和县川口镇", "青海省", "海东市", "民和回族土族自治县", "川口镇", []),
    # 佛山市|北滘…, not 佛山|市北区: a county after a city must lie in it
    ("广东省佛山市北滘智造小镇", "广东省", "佛山市", "", "北滘智造小镇", []),
    # a town that starts with a suffix character, known to the gazetteer under its county
    ("广东省广州市番禺市桥街道", "广东省", "广州市", "番禺区", "市桥街道", []),
    # a misspelt city before a county with one parent: that parent
    ("贵州省遂义市仁怀市茅台镇", "贵州省", "遵义市", "仁怀市", "茅台镇", ["misspelt_city"]),
    # development zones are not administrative divisions, whether or not the code list carries them
    ("成都天府新区", "四川省", "成都市", "天府新区", "", ["not_an_administrative_division"]),
    ("江苏省苏州市高新区镇湖街道", "江苏省", "苏州市", "", "高新区镇湖街道", ["not_an_administrative_division"]),
])
def test_resolve_place_level_by_level(gaz, name, province, city, district, remainder, flags):
    place = resolve_place(name, gaz)
    assert place.province.name == province and place.city.name == city
    assert (place.county.name if place.county else "") == district
    assert (place.remainder, place.flags) == (remainder, flags)


def table(text):
    lines = text.splitlines()
    found, = find_tables(lines, [f"line {i}" for i in range(1, len(lines) + 1)])
    return found


def test_tables_are_recognised_by_content():
    assert tahaoo.classify(table("城市 | 某指数前3名 |\n甲 | 0.9 |\n乙 | 0.8 |\n")) == "index"
    assert tahaoo.classify(table("1、地市指数得分排名:\n排名 | 城市 | 得分 |\n1 | 甲 | 80.1 |\n2 | 乙 | 79 |\n")) == "scores"
    assert tahaoo.classify(table("排名 | 省 | 指数 |\n1 | 北京 | AAAAA+ |\n2 | 上海 | AA |\n")) == "grades"
    assert tahaoo.classify(table("排名 | APP | 公司 |\n1 | 甲、乙 | 甲科技有限公司 |\n")) == "apps"
    assert tahaoo.classify(table("排名 | 城市 | 省份 |\n1 | 深圳市 | 广东省 |\n")) == "other"


def test_score_rows_take_the_tier_from_the_caption(gaz):
    quality = []
    rows = tahaoo.score_rows("s", table("2、省会城市指数得分排名:\n排名 | 城市 | 得分 |\n1 | 湖北武汉市 | 80.5 |\n"
                                        "2 | 成都天府新区 | 79.0 |\n"), gaz, quality, "tahaoo2020_scores")
    assert [(r["tier"], r["rank"], r["city"], r["district"], r["score"]) for r in rows] == [
        ("省会城市", 1, "武汉市", "", 80.5), ("省会城市", 2, "成都市", "天府新区", 79.0)]


def test_merged_province_label_is_kept_and_flagged(gaz):
    quality = []
    row, = tahaoo.grade_rows("s", table("排名 | 省 | 指数 |\n7 | 西藏+西藏边防 | AA |\n"), gaz, quality, "tahaoo2020_province_grades")
    assert (row["province"], row["label"], row["flags"]) == ("西藏自治区", "西藏+西藏边防", "merged_label")
    assert quality[0].issue == "one grade for a merged label"


def test_apps_one_row_per_app():
    rows = tahaoo.app_rows("s", table("排名 | APP | 公司 |\n3 | 甲、乙、丙 | 某科技有限公司 |\n"), None, [], "tahaoo2020_apps")
    assert [(r["rank"], r["app"], r["position"]) for r in rows] == [(3, "甲", 1), (3, "乙", 2), (3, "丙", 3)]


def test_towns_checked_against_the_gazetteer(gaz):
    items = ["浙江省杭州市余杭区良渚街道"] * 49 + ["广东省桂林市阳朔县兴坪镇", "湖南省长纱市浏阳市大瑶镇"]
    (location, found), = tahaoo.find_town_lines(["、".join(items)], ["line 9"])
    quality = []
    rows = tahaoo.town_rows("s", location, found, gaz, quality, "tahaoo2020_smart_towns")
    assert rows[0]["county"] == "余杭区" and rows[0]["town"] == "良渚街道"
    assert rows[49]["flags"] == "province_mismatch"
    assert (rows[50]["city"], rows[50]["county"], rows[50]["flags"]) == ("长沙市", "浏阳市", "misspelt_city")
    assert any("长纱市" in q.resolved and "长沙市" in q.resolved for q in quality)
