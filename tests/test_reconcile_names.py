"""Resolving a (city, province) pair: inference, mismatch, cleaning, unresolved names kept and flagged."""

from __future__ import annotations

from pipeline.reconcile.names import clean_name, resolve_city


def test_province_missing_is_inferred(gaz):
    res = resolve_city("苏州市", None, gaz)
    assert (res.name, res.province_name, res.adcode, res.province_inferred) == ("苏州市", "江苏省", "320500", True)
    assert res.notes == []


def test_listed_province_is_kept_when_it_contains_the_city(gaz):
    res = resolve_city("南宁", "广西", gaz)
    assert (res.name, res.province_name, res.province_inferred) == ("南宁市", "广西壮族自治区", False)


def test_city_under_wrong_province_is_corrected_and_recorded(gaz):
    res = resolve_city("牡丹江市", "吉林省", gaz)
    assert res.province_name == "黑龙江省"
    assert "province_mismatch" in res.flags
    assert res.notes[0].issue == "city listed under a province that does not contain it"


def test_unknown_city_is_kept_flagged_without_adcode(gaz):
    res = resolve_city("梦想市", "浙江省", gaz)
    assert (res.name, res.adcode, res.province_name, res.flags) == ("梦想市", "", "浙江省", ["unresolved"])


def test_unknown_province_is_flagged_and_city_province_used(gaz):
    res = resolve_city("温州市", "东海省", gaz)
    assert res.province_name == "浙江省" and "unknown_province" in res.flags


def test_clean_name_joins_line_wrap_and_strips_separators():
    name, notes = clean_name("温 州市、")
    assert name == "温州市"
    assert [n.action for n in notes] == ["stripped", "joined"]
