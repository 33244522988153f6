"""The gazetteer built from cpca's division codes: official, short and prefixed names."""

from __future__ import annotations


def names(divisions):
    return [(d.name, d.adcode, d.province) for d in divisions]


def test_city_by_official_and_short_name(gaz):
    assert names(gaz.cities("深圳市")) == [("深圳市", "440300", "广东省")]
    assert names(gaz.cities("深圳")) == [("深圳市", "440300", "广东省")]
    assert names(gaz.cities("保定市")) == [("保定市", "130600", "河北省")]


def test_municipalities_are_cities_with_province_codes(gaz):
    assert names(gaz.cities("北京")) == [("北京市", "110000", "北京市")]
    assert names(gaz.cities("重庆市")) == [("重庆市", "500000", "重庆市")]


def test_province_prefix_is_allowed(gaz):
    assert names(gaz.cities("江苏省苏州市")) == [("苏州市", "320500", "江苏省")]
    assert names(gaz.cities("湖南长沙市")) == [("长沙市", "430100", "湖南省")]
    assert names(gaz.cities("内蒙古呼和浩特市")) == [("呼和浩特市", "150100", "内蒙古自治区")]


def test_autonomous_prefecture_short_name_drops_ethnic_groups(gaz):
    assert names(gaz.cities("延边")) == [("延边朝鲜族自治州", "222400", "吉林省")]
    assert names(gaz.cities("恩施")) == [("恩施土家族苗族自治州", "422800", "湖北省")]


def test_provinces_by_full_and_short_name(gaz):
    assert gaz.province("广西").name == "广西壮族自治区"
    assert gaz.province("内蒙古").adcode == "150000"
    assert gaz.province("宁夏回族自治区").name == "宁夏回族自治区"
    assert gaz.province("香港").name == "香港特别行政区"
    assert gaz.province("苏州") is None


def test_unknown_and_grouping_names_do_not_resolve(gaz):
    assert gaz.cities("养南市") == []
    assert gaz.cities("市辖区") == []


def test_city_level_division_count_is_plausible(gaz):
    """333 prefecture-level divisions, 4 municipalities and the county-level cities under provinces."""
    divisions = gaz.city_divisions()
    assert 340 <= len(divisions) <= 370
    assert all(len(d.adcode) == 6 and d.adcode.isdigit() for d in divisions)
