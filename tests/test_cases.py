"""Case studies: headers, bullets and domains read from invented lines, then two sources merged."""

from __future__ import annotations

import pytest

from pipeline.extract.cases import Case, find_cases
from pipeline.reconcile.cases import merge_cases

DOMAINS = {"数字民生", "数字治理"}
WHERE = "数字民生 / 宁波市"


def scan(gaz, *lines: str):
    """find_cases over ``lines`` located at ``line 1``, ``line 2``, …"""
    return find_cases(list(lines), [f"line {n}" for n in range(1, len(lines) + 1)], DOMAINS,
                      lambda text: bool(gaz.cities(text)))


def bullets_of(result) -> list[list[str]]:
    return [[text for text, _ in case.bullets] for case in result.cases]


# --- extraction -----------------------------------------------------------------------------------------

def test_header_with_hashes_opens_a_case_under_the_current_domain(gaz):
    """``#### 宁波市——标题`` opens a case of 宁波市 in the domain of the last short heading."""
    result = scan(gaz, "#### 我国数字民生百强", "#### 宁波市——甬易办惠民服务", "- 上线社保医保服务")
    assert [(c.domain, c.city, c.title, c.location) for c in result.cases] == [
        ("数字民生", "宁波市", "甬易办惠民服务", "line 2")]
    assert result.cases[0].bullets == [("上线社保医保服务", "line 3")]


@pytest.mark.parametrize("line", ["- ▶ 上线社保医保服务", "• 上线社保医保服务", "?  上线社保医保服务", "▶上线社保医保服务"],
                         ids=["dash-arrow", "dot", "question-spaces", "arrow"])
def test_bullet_marks_are_stripped(gaz, line):
    """Each bullet mark, including a ``?`` followed by spaces, opens a bullet whose text follows it."""
    assert bullets_of(scan(gaz, "宁波市——甬易办惠民服务", line)) == [["上线社保医保服务"]]


def test_question_mark_without_a_space_is_not_a_bullet(gaz):
    """``?上线…`` is prose: it ends the case, and the bullet after it belongs to no case."""
    result = scan(gaz, "宁波市——甬易办惠民服务", "• 上线社保医保服务", "?上线说明文字", "• 推行一网通办")
    assert bullets_of(result) == [["上线社保医保服务"]]
    assert result.orphans == [("推行一网通办", "line 4")]


def test_domain_comes_from_a_short_heading_naming_one_domain(gaz):
    """A bare ``数字治理`` line switches the domain; long prose or a line naming two domains does not."""
    prose = "本章介绍数字治理领域的典型案例，" + "各地积极探索，" * 5
    result = scan(gaz, "数字民生", "宁波市——甬易办惠民服务", "数字治理", "武汉市——城市运行中心", prose,
                  "数字民生与数字治理", "宜昌市——智慧城管")
    assert [(c.domain, c.city) for c in result.cases] == [("数字民生", "宁波市"), ("数字治理", "武汉市"),
                                                          ("数字治理", "宜昌市")]


def test_bullets_before_any_header_are_orphans(gaz):
    """Bullets with no readable case header above them are returned as orphans with their location."""
    result = scan(gaz, "数字民生", "• 城市概况介绍", "- 主要做法", "宁波市——甬易办惠民服务", "• 上线社保医保服务")
    assert result.orphans == [("城市概况介绍", "line 2"), ("主要做法", "line 3")]
    assert bullets_of(result) == [["上线社保医保服务"]]


def test_header_whose_prefix_is_no_city_is_not_a_case(gaz):
    """``数字民生——概述`` names no city, so its bullets are orphans."""
    result = scan(gaz, "数字民生——概述", "• 上线社保医保服务")
    assert result.cases == []
    assert result.orphans == [("上线社保医保服务", "line 2")]


def test_a_document_without_case_studies_has_no_orphans(gaz):
    """A README's or a newsletter's bullets, with no case header and no domain heading above them, are
    no case-study bullets: nothing to record."""
    result = scan(gaz, "## 特点", "* 支持三种分词模式", "* 支持繁体 分词", "- 深圳市的一个例子")
    assert (result.cases, result.orphans, result.joined_spaces) == ([], [], [])


def test_line_wrap_spaces_between_chinese_are_joined(gaz):
    """A space between Chinese characters is a line wrap and is joined; a space next to Latin or digits stays."""
    result = scan(gaz, "宁波市——甬易办惠民服务", "• 市民可 在线办理 5G 业务，　全程网办")
    assert bullets_of(result) == [["市民可在线办理 5G 业务，全程网办"]]
    assert result.joined_spaces == [("line 2", "市民可 在线办理 5G 业务，　全程网办", "市民可在线办理 5G 业务，全程网办")]


# --- merging two sources --------------------------------------------------------------------------------

def case(city: str, title: str, *bullets: str, source: str) -> Case:
    """A 数字民生 case whose bullets are located at ``<source> line 2``, ``line 3``, …"""
    return Case("数字民生", city, title, f"{source} line 1",
                [(text, f"{source} line {n}") for n, text in enumerate(bullets, start=2)])


def merge(gaz, paper: Case, mirror: Case) -> tuple[list[tuple], list]:
    """(title, bullet_no, bullet, source_ids) per merged row, and the records; the paper has priority."""
    quality: list = []
    rows = merge_cases([("paper", paper), ("mirror", mirror)], gaz, quality, "ccid2020_cases")
    return [(r["title"], r["bullet_no"], r["bullet"], r["source_ids"]) for r in rows], quality


def records(quality, issue: str) -> list[tuple]:
    return [(q.source_id, q.location, q.raw, q.resolved, q.action) for q in quality if q.issue == issue]


def test_truncated_title_is_completed_from_the_other_source(gaz):
    """The paper's cut-off title gives way to the mirror's full one; short city names group with official ones."""
    rows, quality = merge(gaz, case("宁波市", "甬易办惠民", "上线社保医保服务", source="paper"),
                          case("宁波", "甬易办惠民服务平台", "上线社保医保服务", source="mirror"))
    assert rows == [("甬易办惠民服务平台", 1, "上线社保医保服务", "mirror;paper")]
    assert records(quality, "case title truncated") == [
        ("paper", WHERE, "甬易办惠民", "甬易办惠民服务平台", "the complete text from mirror (mirror line 1) is kept")]


def test_bullet_only_one_source_has_is_kept_in_place(gaz):
    """The mirror's extra middle bullet becomes bullet 2, between the two shared ones, and is recorded."""
    rows, quality = merge(gaz, case("宁波市", "甬易办", "上线社保医保服务", "推行一网通办改革", source="paper"),
                          case("宁波市", "甬易办", "上线社保医保服务", "新增掌上办事入口", "推行一网通办改革",
                               source="mirror"))
    assert rows == [("甬易办", 1, "上线社保医保服务", "mirror;paper"), ("甬易办", 2, "新增掌上办事入口", "mirror"),
                    ("甬易办", 3, "推行一网通办改革", "mirror;paper")]
    assert records(quality, "bullet only in some sources") == [
        ("mirror", "mirror line 3", "新增掌上办事入口", "", f"kept as bullet 2 of {WHERE}; absent from paper")]
    assert len(quality) == 1


def test_differing_bullets_keep_the_priority_sources_text(gaz):
    """Two alike but different bullets are one bullet in the paper's wording; the mirror's is recorded."""
    rows, quality = merge(gaz, case("宁波市", "甬易办", "上线社保医保等百项服务", source="paper"),
                          case("宁波市", "甬易办", "上线社保、医保等百余项在线服务", source="mirror"))
    assert rows == [("甬易办", 1, "上线社保医保等百项服务", "mirror;paper")]
    assert records(quality, "bullet differs between sources") == [
        ("mirror", "mirror line 2", "上线社保、医保等百余项在线服务", "上线社保医保等百项服务",
         "paper's text is kept (higher priority source)")]


def test_texts_differing_only_in_spaces_and_quotes_are_the_same(gaz):
    """Spaces, quote styles and a final 。 are set aside: no difference is recorded."""
    rows, quality = merge(gaz, case("宁波市", "“甬易办”", "上线社保、医保服务。", source="paper"),
                          case("宁波市", "\"甬易办\"", "上线社保、医保 服务", source="mirror"))
    assert rows == [("“甬易办”", 1, "上线社保、医保服务。", "mirror;paper")]
    assert quality == []
