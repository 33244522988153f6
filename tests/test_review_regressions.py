"""Inputs a review of new-source handling found broken; each must now end cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.claims import extract_claims
from pipeline.extract.ranking import RankingRow, RankingTable
from pipeline.ingest import split_lines
from pipeline.manifest import load_manifest
from pipeline.model import PipelineError
from pipeline.reconcile.top100 import Ranking, find_copies, resolve_table, vote
from pipeline.sources import read_sources, unique_ids

CITIES = ["杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市"]


SPEC = Ranking(len(CITIES), "ccid2020_top100", "ccid2020_top100_by_source", lambda meta: False, "test ranking")


def ranking(cities, table_no=1):
    table = RankingTable(table_no, 1, 1, ["排名", "城市"], "")
    for rank, city in cities:
        table.rows.append(RankingRow(rank, [city], f"line {rank}", f"{rank} {city}", 1))
    return table


def copies_of(gaz, monkeypatch, *tables, source_ids=None):
    quality = []
    resolved = [resolve_table(sid, {}, t, gaz, quality) for sid, t in zip(source_ids or ["a", "b", "c"], tables)]
    copies, _ = find_copies(resolved, SPEC)
    return vote(copies, quality, SPEC), quality


def test_an_unresolved_city_in_a_copy_is_kept_not_a_crash(gaz, monkeypatch):
    odd = list(enumerate(CITIES, 1))
    odd[2] = (3, "梦想市")
    consensus, _ = copies_of(gaz, monkeypatch, ranking(enumerate(CITIES, 1)), ranking(odd))
    assert [r["city"] for r in consensus.rows] == CITIES


def test_a_rank_beyond_the_list_is_recorded_not_a_crash(gaz, monkeypatch):
    longer = list(enumerate(CITIES, 1)) + [(7, "台州市")]
    consensus, quality = copies_of(gaz, monkeypatch, ranking(enumerate(CITIES, 1)), ranking(longer))
    assert len(consensus.rows) == len(CITIES)
    assert any(q.issue == f"rank outside 1-{len(CITIES)}" for q in quality)


def test_a_page_repeating_a_table_votes_once(gaz, monkeypatch):
    swapped = list(enumerate(CITIES, 1))
    swapped[0], swapped[1] = (1, CITIES[1]), (2, CITIES[0])
    consensus, _ = copies_of(gaz, monkeypatch, ranking(enumerate(CITIES, 1)), ranking(swapped, 1),
                             ranking(swapped, 2), source_ids=["paper", "page", "page"])
    assert consensus.rows[0]["flags"] == "tie"


@pytest.mark.parametrize("text", ["数字城市建设主要体现在三四个方面。", "广西只有一两个城市入选。", "深圳、上海位列前二三名。"])
def test_approximate_numbers_are_no_claims_and_no_crash(gaz, text):
    assert [c for c in extract_claims("s", [text], ["line 1"], 2020, gaz, set(), set()) if c.kind != "unverifiable"] == []


def test_source_ids_are_unique_and_keep_chinese_names():
    ids = unique_ids([Path("ccid.txt"), Path("ccid.html"), Path("百强榜.txt"), Path("数字城市转载.txt")])
    assert ids == {"ccid.txt": "ccid_txt", "ccid.html": "ccid_html", "百强榜.txt": "百强榜",
                   "数字城市转载.txt": "数字城市转载"}


def test_a_form_feed_does_not_shift_line_numbers():
    assert split_lines("甲\f乙\r\n丙\n") == ["甲\f乙", "丙"]


def test_manifest_with_a_bom_reads_and_unquoted_names_are_explained(tmp_path):
    (tmp_path / "sources.toml").write_bytes('\ufeff["a.txt"]\nkind = "repost"\n'.encode("utf-8"))
    assert load_manifest(tmp_path) == {"a.txt": {"kind": "repost"}}
    (tmp_path / "sources.toml").write_text('[a.txt]\nkind = "repost"\n', encoding="utf-8")
    with pytest.raises(PipelineError, match="quote the file name"):
        load_manifest(tmp_path)


def test_of_two_identical_files_the_listed_one_is_kept(tmp_path):
    (tmp_path / "sources.toml").write_text('["paper.txt"]\nkind = "whitepaper"\n', encoding="utf-8")
    for name in ["backup_copy.txt", "paper.txt"]:
        (tmp_path / name).write_text("2020年数字城市百强\n", encoding="utf-8")
    rows = {s.row["file"]: s.row for s in read_sources(tmp_path, [])}
    assert "same content as paper.txt" in rows["backup_copy.txt"]["message"]
    assert "same content" not in rows["paper.txt"]["message"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The white paper plus a 2021 repost of a ranking, a province list of the whole top-100 and a
    score table in a document that is not Tahaoo's."""
    import shutil

    from conftest import ROOT
    from pipeline.build import build_tables
    from pipeline.curated import Corrections
    from pipeline.editions import active_editions
    from pipeline.families import plan

    raw = tmp_path_factory.mktemp("raw")
    shutil.copy(ROOT / "raw" / "ccid2020_whitepaper.txt", raw)
    shutil.copy(ROOT / "raw" / "sources.toml", raw)
    cities = ["深圳市", "上海市", "北京市", "广州市", "杭州市", "东莞市"]
    (raw / "repost_2021.txt").write_text("2021年数字城市百强\n排名 | 城市\n" + "\n".join(
        f"{n} | {c}" for n, c in enumerate(reversed(cities), 1)) + "\n", encoding="utf-8")
    provinces = ["北京市\t北京市", "上海市\t上海市", "浙江省\t杭州市、宁波市", "江苏省\t南京市、苏州市",
                 "广东省\t深圳市、广州市", "山东省\t青岛市、济南市"]
    (raw / "distribution.txt").write_text("表1 2020年数字城市百强省份分布\n省份\t城市\n" + "\n".join(provinces) + "\n",
                                          encoding="utf-8")
    (raw / "scores.txt").write_text("2020年城市综合得分\n1、地市得分排名:\n排名 | 城市 | 综合得分 |\n"
                                    "1 | 苏州市 | 90.1 |\n2 | 无锡市 | 88.0 |\n", encoding="utf-8")
    quality = []
    tables, _, _ = build_tables(read_sources(raw, quality), plan(active_editions()), Corrections(), quality)
    return tables, quality


def test_a_ranking_about_another_edition_is_not_voted(built):
    tables, quality = built
    assert {r["source_id"] for r in tables["ccid2020_top100_by_source"]} == {"ccid2020_whitepaper"}
    assert {r["source_id"] for r in tables["unknown_rankings"]} == {"repost_2021"}
    assert any("2021 edition" in q.issue for q in quality)


def test_a_province_list_of_no_domain_is_left_out(built):
    tables, quality = built
    assert {r["domain"] for r in tables["ccid2020_domain_top100"]} == {"数字政务", "数字治理", "数字民生", "数字创新", "数字基础"}
    assert any(q.issue == "province list left out of the domain lists" for q in quality)


def test_a_score_table_outside_a_tahaoo_document_is_not_tahaoo(built):
    tables, _ = built
    assert tables["tahaoo2020_scores"] == []
