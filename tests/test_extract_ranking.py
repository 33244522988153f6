"""Ranking tables found by shape in pipe, tab, space-aligned and single-space text."""

from __future__ import annotations

import pytest

from pipeline.extract.ranking import find_ranking_tables, parse_groups, split_cells


def tables_in(text: str):
    lines = text.splitlines()
    return find_ranking_tables(lines, [f"line {i}" for i in range(1, len(lines) + 1)])


def test_split_cells_by_separator_kind():
    assert split_cells("| 1 | 深圳市 | 广东省 |") == (["1", "深圳市", "广东省"], "pipe")
    assert split_cells("1\t深圳市\t\t") == (["1", "深圳市"], "tab")
    assert split_cells("1    深圳市   广东省") == (["1", "深圳市", "广东省"], "spaces")
    assert split_cells("1 深圳市 广东省") == (["1", "深圳市", "广东省"], "space")


def test_parse_groups_accepts_repeated_groups_and_sets_scores_aside():
    assert parse_groups(["1", "深圳市", "26", "长沙市"]) == [(1, ["深圳市"], []), (26, ["长沙市"], [])]
    assert parse_groups(["1", "苏州市", "84.17"]) == [(1, ["苏州市"], ["84.17"])]
    assert parse_groups(["城市", "1", "深圳市"]) is None
    assert parse_groups(["1", "深圳市", "广东省", "2", "上海市"]) == [(1, ["深圳市", "广东省"], []),
                                                                    (2, ["上海市", ""], [])]
    # an integer score: a number followed by the next group's rank
    assert parse_groups(["1", "深圳市", "90", "11", "宁波市"]) == [(1, ["深圳市"], ["90"]), (11, ["宁波市"], [])]
    assert parse_groups(["一", "深圳市", "90", "二", "上海市"]) == [(1, ["深圳市"], ["90"]), (2, ["上海市"], [])]


@pytest.mark.parametrize("separator", ["\t", " ", " | "], ids=["tab", "space", "pipe"])
def test_integer_score_after_each_column_group(separator):
    """排名 城市 得分 twice per row, the scores integers: two groups of ranks, each row's score kept
    beside it rather than read as a rank."""
    cities = ["甲市", "乙市", "丙市", "丁市", "戊市", "己市", "庚市", "辛市"]
    rows = [separator.join(["排名", "城市", "得分"] * 2)]
    rows += [separator.join([str(n), cities[n - 1], str(95 - n), str(n + 4), cities[n + 3], str(85 - n)])
             for n in range(1, 5)]
    table, = tables_in("\n".join(rows) + "\n")
    assert (table.groups, table.width) == (2, 1)
    assert sorted((r.rank, r.fields[0], r.values) for r in table.rows) == [
        (1, "甲市", ["94"]), (2, "乙市", ["93"]), (3, "丙市", ["92"]), (4, "丁市", ["91"]),
        (5, "戊市", ["84"]), (6, "己市", ["83"]), (7, "庚市", ["82"]), (8, "辛市", ["81"])]


def test_pipe_table_with_two_groups_and_header():
    """Header roles and caption are read from the lines above; rows from both groups are kept."""
    table, = tables_in(
        "某年城市榜单\n排名 | 城市 | 省份 | 排名 | 城市 | 省份 |\n"
        "1 | 甲市 | 乙省 | 4 | 丙市 | 丁省 |\n2 | 戊市 | 乙省 | 5 | 己市 | 丁省 |\n3 | 庚市 | 辛省 | 6 | 壬市 | 癸省 |\n")
    assert (table.groups, table.width, table.caption) == (2, 2, "某年城市榜单")
    assert table.roles() == ["city", "province"]
    assert sorted((r.rank, r.fields[0]) for r in table.rows) == [
        (1, "甲市"), (2, "戊市"), (3, "庚市"), (4, "丙市"), (5, "己市"), (6, "壬市")]
    assert table.rows[0].location == "line 3"


def test_tab_table_with_four_groups_and_blank_lines():
    text = "排名\t城市\t排名\t城市\t排名\t城市\t排名\t城市\n" + "\n".join(
        f"{i}\t城{i}\t{i + 3}\t城{i + 3}\t{i + 6}\t城{i + 6}\t{i + 9}\t城{i + 9}\n" for i in (1, 2, 3))
    table, = tables_in(text)
    assert table.groups == 4 and len(table.rows) == 12
    assert table.roles() == ["city"]


def test_page_number_between_rows_does_not_split_a_table():
    """A stray line is tolerated when the ranks carry on right after it."""
    table, = tables_in("1 | 甲市\n2 | 乙市\n- 9 -\n3 | 丙市\n4 | 丁市\n")
    assert [r.rank for r in table.rows] == [1, 2, 3, 4]


def test_rank_restart_starts_a_new_table():
    first, second = tables_in("1 | 甲市\n2 | 乙市\n3 | 丙市\n1 | 丁市\n2 | 戊市\n3 | 己市\n")
    assert [r.fields[0] for r in second.rows] == ["丁市", "戊市", "己市"]


def test_rows_out_of_rank_order_on_consecutive_lines_are_one_table():
    """A ranking sorted by province: ranks jump about, and a province with one city is one row."""
    table, = tables_in("3 | 北京市\n2 | 上海市\n1 | 深圳市\n4 | 广州市\n9 | 南京市\n")
    assert [r.rank for r in table.rows] == [3, 2, 1, 4, 9]


def test_single_space_rows_need_consecutive_ranks():
    """Single-space text counts as a table only when ranks go up by one, so prose is left alone."""
    table, = tables_in("1 深圳市 广东省\n2 上海市 上海市\n3 北京市 北京市\n")
    assert [r.fields for r in table.rows][0] == ["深圳市", "广东省"]
    assert tables_in("1 第一条 说明\n3 第三条 说明\n7 第七条 说明\n") == []


def test_index_tables_without_rank_are_not_ranking_tables():
    assert tables_in("城市 | 指数 |\n北京 | 0.910 |\n广州 | 0.892 |\n上海 | 0.888 |\n") == []


def test_fewer_than_three_entries_is_not_a_table():
    assert tables_in("1 | 深圳市 |\n2 | 上海市 |\n") == []


@pytest.mark.parametrize("line, cells", [
    ("1、深圳市 广东省", ["1", "深圳市", "广东省"]),
    ("１、深圳市", ["1", "深圳市"]),
    ("1.深圳市", ["1", "深圳市"]),
    ("1,深圳市,广东省", ["1", "深圳市", "广东省"]),
    ('"1","深圳市","广东省"', ["1", "深圳市", "广东省"]),
    ("| **1** | [深圳市](https://example.org) |", ["1", "深圳市"]),
])
def test_common_ranking_row_formats(line, cells):
    assert split_cells(line)[0] == cells


def test_a_row_with_an_empty_last_cell_or_a_tied_rank_stays_in_the_table():
    table, = tables_in("排名\t城市\t省份\n1\t甲市\t乙省\n2\t丙市\t\n2\t丁市\t戊省\n4\t己市\t乙省\n")
    assert [(r.rank, r.fields) for r in table.rows] == [
        (1, ["甲市", "乙省"]), (2, ["丙市", ""]), (2, ["丁市", "戊省"]), (4, ["己市", "乙省"])]


def test_numbered_headings_are_not_a_ranking():
    assert tables_in("1、加大新兴技术应用,拓展城市数字场景化应用\n2、城市生态持续完善,数据治理水平将大幅提升\n"
                     "3、聚焦城市微单元,助力构建基层精细治理体系\n") == []


def test_a_note_after_a_row_is_kept_aside_and_the_table_stays_whole():
    """One row with an extra cell (并列) in a two-column table: one table, the note on the row."""
    text = "排名 | 城市 | 省份\n" + "\n".join(
        f"{r} | {c} | {p}" + (" | 并列" if r == 3 else "")
        for r, (c, p) in enumerate([("深圳市", "广东省"), ("上海市", "上海市"), ("北京市", "北京市"),
                                    ("广州市", "广东省"), ("杭州市", "浙江省")], start=1))
    table, = tables_in(text)
    assert table.width == 2 and [row.rank for row in table.rows] == [1, 2, 3, 4, 5]
    assert table.rows[2].fields == ["北京市", "北京市"] and table.rows[2].extra == ["并列"]
    assert all(not row.extra for row in table.rows if row.rank != 3)


def test_a_note_after_the_last_group_of_a_two_group_row():
    text = "\n".join(f"{r}\t{a}\t{r + 3}\t{b}" + ("\t并列" if r == 2 else "")
                     for r, (a, b) in enumerate([("深圳市", "广州市"), ("上海市", "杭州市"), ("北京市", "成都市")], start=1))
    table, = tables_in(text)
    assert (table.groups, table.width, len(table.rows)) == (2, 1, 6)
    assert [row.extra for row in table.rows if row.extra] == [["并列"]]


def test_rows_of_two_widths_keep_the_wider_column_unless_it_is_rare():
    """Three rows with a province and four without: the province column stays a column."""
    text = "\n".join(["1 深圳市 广东省", "2 杭州市 浙江省", "3 南京市 江苏省", "4 北京市", "5 上海市", "6 天津市", "7 重庆市"])
    table, = tables_in(text)
    assert table.width == 2 and not any(row.extra for row in table.rows)
    assert [row.fields for row in table.rows[2:4]] == [["南京市", "江苏省"], ["北京市", ""]]


@pytest.mark.parametrize("line, cells", [
    ("第1名：深圳市（广东省）", ["第1名", "深圳市（广东省）"]),
    ("1. 深圳市 - 广东省", ["1", "深圳市", "广东省"]),
    ("1 深圳市 — 广东省", ["1", "深圳市", "广东省"]),
])
def test_more_rank_prefixes_and_dash_separators(line, cells):
    assert split_cells(line)[0] == cells


def test_a_score_column_after_the_names_keeps_the_row():
    table, = tables_in("排名,城市,省份,得分\n1,深圳市,广东省,89.7\n2,上海市,上海市,88\n3,北京市,北京市,87.5")
    assert [(row.rank, row.fields, row.values) for row in table.rows][:2] == [
        (1, ["深圳市", "广东省"], ["89.7"]), (2, ["上海市", "上海市"], ["88"])]


@pytest.mark.parametrize("text", ["城市,排名,省份\n深圳市,1,广东省\n上海市,2,上海市\n北京市,3,北京市",
                                  "城市\t排名\t省份\n深圳市\t1\t广东省\n上海市\t2\t上海市\n北京市\t3\t北京市"])
def test_a_header_that_puts_the_rank_second_is_followed(text):
    table, = tables_in(text + "\n\n后记：以上排名仅供参考")
    assert [(row.rank, row.fields) for row in table.rows] == [
        (1, ["深圳市", "广东省"]), (2, ["上海市", "上海市"]), (3, ["北京市", "北京市"])]


def test_ranks_in_chinese_numerals():
    names = ["深圳市", "上海市", "北京市", "广州市"]
    numerals = ["一", "二", "三", "四"]
    table, = tables_in("\n".join(f"{n}\t{c}" for n, c in zip(numerals, names)) + "\n九十九\t湖州市\n一百\t保定市")
    assert [(row.rank, row.fields[0]) for row in table.rows][-3:] == [(4, "广州市"), (99, "湖州市"), (100, "保定市")]


def test_tied_ranks_in_single_space_rows_and_ordinal_prefixes():
    """5, 5, 7 around a tie (并列) keeps single-space rows a table; 第一名： is a rank, 第二、 and
    一 总体情况 are headings."""
    rows = ["1 深圳市 广东省", "2 上海市 上海市", "3 北京市 北京市", "4 广州市 广东省", "5 杭州市 浙江省 并列",
            "5 东莞市 广东省 并列", "7 成都市 四川省"]
    table, = tables_in("\n".join(rows))
    assert [row.rank for row in table.rows] == [1, 2, 3, 4, 5, 5, 7]
    assert split_cells("第一名：深圳市（广东省）")[0] == ["第一名", "深圳市（广东省）"]
    assert tables_in("第二、李德仁院士观点\n正文\n第三、郭仁忠院士观点\n正文\n第四、邬贺铨院士观点") == []
    assert tables_in("一 总体情况\n二 发展特点\n三 上海市 经验\n四 展望") == []


def test_a_bracketed_note_in_the_header_does_not_change_the_column_role():
    table, = tables_in("排名\t城市（省份）\n1\t深圳市（广东省）\n2\t上海市（上海市）\n3\t北京市（北京市）")
    assert table.roles() == ["city"]


def test_a_score_after_each_column_group():
    lines = "\n".join(f"{r}\t{a}\t9{r}.5\t{r + 3}\t{b}\t8{r}.1"
                      for r, (a, b) in enumerate([("深圳市", "广州市"), ("上海市", "杭州市"), ("北京市", "成都市")], start=1))
    table, = tables_in("排名\t城市\t得分\t排名\t城市\t得分\n" + lines)
    assert (table.groups, table.width) == (2, 1)
    assert [(row.rank, row.fields) for row in table.rows][:2] == [(1, ["深圳市"]), (4, ["广州市"])]


def test_a_list_written_on_one_line():
    table, = tables_in("百强名单：\n1.深圳市（广东省）；2.上海市（上海市）；3.北京市（北京市）；4.广州市（广东省）\n")
    assert [(row.rank, row.fields[0], row.location) for row in table.rows][::3] == [
        (1, "深圳市（广东省）", "line 2"), (4, "广州市（广东省）", "line 2")]


@pytest.mark.parametrize("text", [
    "深圳市,1,广东省\n上海市,2,上海市\n北京市,3,北京市",
    "深圳市\t1\n上海市\t2\n北京市\t3",
    "得分,排名,城市,省份\n89.7,1,深圳市,广东省\n88.1,2,上海市,上海市\n87,3,北京市,北京市",
])
def test_the_rank_after_the_city_or_the_score(text):
    table, = tables_in(text)
    assert [(row.rank, row.fields[0]) for row in table.rows] == [(1, "深圳市"), (2, "上海市"), (3, "北京市")]


def test_a_name_then_an_unordered_number_is_no_ranking():
    assert tables_in("深圳市\t12\n上海市\t7\n北京市\t30") == []
