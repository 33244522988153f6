"""Cells and their kinds, the ground of the ranking reader; the layouts themselves are data in
tests/layouts/ (see test_layouts.py)."""

from __future__ import annotations

import pytest

from pipeline.extract.cells import cell_kind, display_width, looks_like_row, split_cells, spaced_cells


def test_split_cells_by_separator_kind():
    assert split_cells("| 1 | 深圳市 | 广东省 |") == (["1", "深圳市", "广东省"], "pipe")
    assert split_cells("1\t深圳市\t\t") == (["1", "深圳市"], "tab")
    assert split_cells("1    深圳市   广东省") == (["1", "深圳市", "广东省"], "spaces")
    assert split_cells("1 深圳市 广东省") == (["1", "深圳市", "广东省"], "space")


@pytest.mark.parametrize("line, cells", [
    ("1、深圳市 广东省", ["1", "深圳市", "广东省"]),
    ("１、深圳市", ["1", "深圳市"]),
    ("1.深圳市", ["1", "深圳市"]),
    ("1,深圳市,广东省", ["1", "深圳市", "广东省"]),
    ('"1","深圳市","广东省"', ["1", "深圳市", "广东省"]),
    ("| **1** | [深圳市](https://example.org) |", ["1", "深圳市"]),
    ("第1名：深圳市（广东省）", ["第1名", "深圳市（广东省）"]),
    ("1. 深圳市 - 广东省", ["1", "深圳市", "广东省"]),
    ("1 深圳市 — 广东省", ["1", "深圳市", "广东省"]),
    ("第一名：深圳市（广东省）", ["第一名", "深圳市（广东省）"]),
])
def test_common_ranking_row_formats(line, cells):
    assert split_cells(line)[0] == cells


def test_spaced_cells_keep_display_columns_and_bracketed_notes():
    """A Chinese character is two columns wide; a note a space cut off its name stays with it."""
    assert display_width("呼和浩特市") == 10 and display_width("88.1") == 4
    assert spaced_cells("2     呼和浩特市  88.1") == (["2", "呼和浩特市", "88.1"], [0, 6, 18])
    assert spaced_cells("10 纽约 (美国)") == (["10", "纽约 (美国)"], [0, 3])


@pytest.mark.parametrize("cell, kind", [
    ("12", "int"), ("第12名", "rank"), ("十二", "rank"), ("3.", "rank"), ("No.1", "rank"), ("TOP 3", "rank"),
    ("#1", "rank"), ("2（并列）", "rank"), ("并列2", "rank"), ("2023", "year"), ("88.6", "score"), ("89.7分", "score"),
    (":---:", "empty"),
    ("95,585.30", "score"), ("44.0%", "score"), ("↑3", "note"), ("-2", "note"), ("并列", "note"), ("", "empty"),
    ("—", "empty"), ("深圳市", "city"), ("深圳", "city"), ("广东省", "province"), ("昆山市", "county"),
    ("北京市海淀区", "county"), ("深圳市（广东省）", "city"), ("赫尔辛基(芬兰)", "foreign"), ("新加坡", "foreign"),
    ("台北(台湾)", "city"), ("华东", "name"), ("数字治理", "name"), ("加大新兴技术应用,拓展城市数字场景化应用", "text"),
])
def test_cell_kinds(gaz, cell, kind):
    from pipeline.reconcile.places import place_level

    assert cell_kind(cell, lambda text: place_level(text, gaz)) == kind


def test_a_row_looks_like_one_with_a_rank_then_places_and_numbers_only():
    assert looks_like_row(["int", "city", "province", "score"])
    assert looks_like_row(["rank", "foreign"])
    assert not looks_like_row(["rank", "city", "name"])  # 三 上海市 经验: an outline heading
    assert not looks_like_row(["city", "int"])
