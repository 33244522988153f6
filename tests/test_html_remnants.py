"""HTML left in mirror text: tags, tags that lost their '<', and entities; prose left alone."""

from __future__ import annotations

import pytest

from pipeline.normalize.html_remnants import repair


@pytest.mark.parametrize("text, expected", [
    ("海口/p> | 0.782 |", "海口 | 0.782 |"),
    ("智慧城市/p>", "智慧城市"),
    ('智慧城市br style="margin: 0px auto; padding: 0px;"/>第三系列', "智慧城市 第三系列"),
    ("第一行<br/>第二行", "第一行 第二行"),
    ("<p>段落</p>", "段落"),
    ("甲&nbsp;乙&amp;丙", "甲 乙&丙"),
])
def test_remnants_removed(text, expected):
    fixed, repairs = repair(text, 3)
    assert fixed == expected
    assert repairs and all(r.line == 3 for r in repairs)


@pytest.mark.parametrize("text", ["x < y 且 a/b>c", "Tahaoo SMILE指数", "&未知;", "3/p 与 4>2"])
def test_prose_left_alone(text):
    assert repair(text, 1) == (text, [])
