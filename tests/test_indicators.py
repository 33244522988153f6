"""Indicator framework: the table found by its header, then merged cells filled, OCR garbage dropped,
one-character twins merged, extra cells recorded and correction entries applied, on an invented table."""

from __future__ import annotations

import pytest

from pipeline.extract.indicators import find_indicator_tables
from pipeline.reconcile.indicators import readable, reconcile_indicators

HEADER = "序号\t一级指标\t二级指标\t三级指标"
# Nine rows in the shape of a PDF text layer: merged cells are empty, each label sits near the middle
# of its block (level 2: rows 1-3, 4-6, 7-9; level 1: rows 1-6, 7-9). Row 1 holds OCR garbage beside
# the 网络设施 block; row 4 misspells its label (出行服冬) and row 5 shows the right spelling in a
# displaced cell left of its indicator.
TABLE = [
    HEADER,
    "1\t\tab//\t宽带接入速率",
    "2\t\t网络设施\t光纤覆盖率",
    "3\t\t\t基站密度",
    "4\t城市运行\t出行服冬\t公交到站预报",
    "5\t\t\t出行服务\t停车诱导覆盖率",
    "6\t\t\t公交服务满意度",
    "7\t\t\t应急物资储备率",
    "8\t城市安全\t应急管理\t应急预案数字化率",
    "9\t\t\t安全监控覆盖率",
]
CORRECTION = {"no": 2, "level2": "信息网络", "provenance": "the printed table reads 信息网络", "file": "x.toml"}


def locations(lines: list[str]) -> list[str]:
    return [f"line {n}" for n in range(1, len(lines) + 1)]


def reconcile(lines: list[str], corrections: list[dict] = ()) -> tuple[list[tuple], list]:
    """(no, level1, level2, level3, flags) per row of the first table in ``lines``, and the records."""
    (table,) = find_indicator_tables(lines, locations(lines))
    quality: list = []
    rows = reconcile_indicators("test_paper", table, list(corrections), quality, "ccid2020_indicators")
    return [(r["no"], r["level1"], r["level2"], r["level3"], r["flags"]) for r in rows], quality


def records(quality, issue: str) -> list[tuple[str, str, str]]:
    """(location, raw, resolved) of the records with this issue."""
    return [(q.location, q.raw, q.resolved) for q in quality if q.issue == issue]


# --- extraction -------------------------------------------------------------------------------------------

def test_find_indicator_tables_keeps_cells_in_place_and_stops_at_prose():
    """Rows keep empty cells by position, are padded to the level count, and end at an unnumbered line."""
    lines = ["说明文字", HEADER, "1\t\t网络设施\t光纤覆盖率\t\t", "", "2\t城市运行", "注：本表为示例", "3\t\t\t基站密度"]
    (table,) = find_indicator_tables(lines, locations(lines))
    assert (table.levels, table.location) == (3, "line 2")
    assert [(r.no, r.cells, r.location) for r in table.rows] == [
        (1, ["", "网络设施", "光纤覆盖率"], "line 3"), (2, ["城市运行", "", ""], "line 5")]


def test_find_indicator_tables_needs_a_numbered_header_with_two_levels():
    """A header with one level column, or without 序号, is not an indicator table."""
    assert find_indicator_tables(["序号\t一级指标\t说明", "1\t城市运行\t示例"], ["a", "b"]) == []
    assert find_indicator_tables(["一级指标\t二级指标", "1\t城市运行\t出行服务"], ["a", "b"]) == []


@pytest.mark.parametrize("cell, text", [("网络 设施", "网络设施"), ("出行服务 ————", "出行服务"),
                                        ("ab//", None), ("XX C134/1", None), ("---", None)])
def test_readable_accepts_plain_cjk_only(cell, text):
    """Spaces and dash runs are set aside; anything but CJK left over makes the cell unreadable."""
    assert readable(cell) == text


# --- reconciliation rules ------------------------------------------------------------------------------------

def test_merged_cells_are_filled_from_the_nearest_label_and_blocks_nest():
    """Each row takes its block's level-2 label, and its level-1 label through that inner label."""
    rows, quality = reconcile(TABLE)
    assert [r[:4] for r in rows] == [
        (1, "城市运行", "网络设施", "宽带接入速率"),
        (2, "城市运行", "网络设施", "光纤覆盖率"),
        (3, "城市运行", "网络设施", "基站密度"),
        (4, "城市运行", "出行服务", "公交到站预报"),
        (5, "城市运行", "出行服务", "停车诱导覆盖率"),
        (6, "城市运行", "出行服务", "公交服务满意度"),
        (7, "城市安全", "应急管理", "应急物资储备率"),
        (8, "城市安全", "应急管理", "应急预案数字化率"),
        (9, "城市安全", "应急管理", "安全监控覆盖率"),
    ]
    assert records(quality, "merged cells") == [("line 1", "9 rows", "filled")]


def test_ocr_garbage_cell_is_dropped_and_recorded():
    """``ab//`` in row 1's level-2 column is dropped; the row still gets its block's label."""
    rows, quality = reconcile(TABLE)
    assert rows[0][2] == "网络设施"
    assert records(quality, "unreadable level-2 cell (OCR garbage)") == [("line 2", "ab//", "")]


def test_label_twin_in_next_rows_displaced_cell_takes_the_better_attested_spelling():
    """出行服冬 and the displaced 出行服务 are one label; 服务 occurs more often, so 出行服务 wins."""
    rows, quality = reconcile(TABLE)
    assert {r[2] for r in rows[3:6]} == {"出行服务"}
    assert records(quality, "level-2 label differs by one character from its neighbour") == [
        ("line 5", "出行服冬", "出行服务")]


def test_misspelt_label_after_a_correct_neighbour_label_is_recorded():
    """When the better spelling comes first, the later misspelt label is corrected and recorded too."""
    lines = [HEADER, "1\t城市运行\t出行服务\t公交到站预报", "2\t\t出行服冬\t公交服务满意度", "3\t\t\t停车诱导覆盖率"]
    rows, quality = reconcile(lines)
    assert [r[2] for r in rows] == ["出行服务"] * 3
    assert records(quality, "level-2 label differs by one character from its neighbour") == [
        ("line 3", "出行服冬", "出行服务")]


def test_displaced_twin_does_not_overwrite_the_neighbours_own_label():
    """A twin found in a displaced cell of a row that has its own label leaves that label in place."""
    lines = [HEADER, "1\t城市运行\t出行服冬\t公交到站预报", "2\t\t停车管理\t出行服务\t停车诱导覆盖率",
             "3\t\t\t公交服务满意度"]
    rows, _ = reconcile(lines)
    assert [r[2] for r in rows] == ["出行服务", "停车管理", "停车管理"]


def test_extra_cell_beside_the_last_level_is_recorded():
    """Row 5's rightmost readable cell is its indicator; the cell left of it is recorded as unused."""
    rows, quality = reconcile(TABLE)
    assert rows[4][3] == "停车诱导覆盖率"
    assert records(quality, "extra cell beside the last-level cell") == [("line 6", "出行服务", "停车诱导覆盖率")]


def test_garbage_last_level_cell_leaves_the_indicator_empty_and_flagged():
    """A row whose only last-level cell is garbage keeps an empty indicator, recorded."""
    rows, quality = reconcile([HEADER, "1\t城市运行\t出行服务\t公交到站预报", "2\t\t\tx//1"])
    assert rows[1][1:4] == ("城市运行", "出行服务", "")
    assert records(quality, "unreadable level-3 cell (OCR garbage)") == [("line 3", "x//1", "")]
    assert records(quality, "no readable level-3 cell") == [("line 3", "2\t\t\tx//1", "")]


def test_correction_entry_replaces_a_value_and_flags_the_row():
    """``level2`` of entry no. 2 replaces the filled label; the row is flagged ``corrected``."""
    rows, quality = reconcile(TABLE, [CORRECTION])
    assert rows[1] == (2, "城市运行", "信息网络", "光纤覆盖率", "corrected")
    assert [r[4] for r in rows if r[0] != 2] == [""] * 8
    assert [(q.location, q.raw, q.resolved, q.action) for q in quality
            if q.issue == "level2 corrected from a correction file"] == [
        ("line 3", "网络设施", "信息网络", "x.toml: the printed table reads 信息网络")]


def test_correction_that_matches_the_table_or_names_no_row_changes_nothing():
    """An entry equal to the table's value is silent; one for a missing number is recorded as ignored."""
    same = {**CORRECTION, "level2": "网络设施"}
    missing = {**CORRECTION, "no": 42}
    rows, quality = reconcile(TABLE, [same, missing])
    assert rows == reconcile(TABLE)[0]
    assert records(quality, "correction for an indicator number the table does not have") == [("x.toml", "42", "")]
