"""The whole pipeline over raw/: real values from the real sources, and the published output reproduced."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import ROOT
from conftest import read_table as read


def test_run_exits_zero(seed_run):
    code, _ = seed_run
    assert code == 0


def test_top100_ends(seed_run):
    _, out = seed_run
    top = read(out, "ccid2020_top100")
    assert len(top) == 100 and list(top["rank"]) == list(range(1, 101))
    assert top.iloc[0][["city", "province", "adcode"]].tolist() == ["深圳市", "广东省", "440300"]
    assert top.iloc[99][["city", "province", "adcode"]].tolist() == ["保定市", "河北省", "130600"]
    assert top.set_index("rank").loc[56, "province"] == "广西壮族自治区"
    assert top.set_index("rank").loc[13, ["city", "province"]].tolist() == ["西安市", "陕西省"]


def test_top100_province_counts(seed_run):
    _, out = seed_run
    counts = read(out, "ccid2020_top100")["province"].value_counts()
    assert (counts["江苏省"], counts["广东省"], counts["山东省"]) == (13, 12, 11)


def test_both_copies_agree_on_all_100_rows(seed_run):
    _, out = seed_run
    by_source = read(out, "ccid2020_top100_by_source")
    assert by_source.groupby("source_id").size().to_dict() == {
        "ccid2020_whitepaper": 100, "rfidworld_repost_ccid2020": 100}
    assert by_source["agrees"].all()
    assert set(read(out, "ccid2020_top100")["n_sources"]) == {2}
    paper = by_source[by_source.source_id == "ccid2020_whitepaper"]
    assert paper["province_inferred"].all()
    assert not by_source[by_source.source_id == "rfidworld_repost_ccid2020"]["province_inferred"].any()


def test_sources_table(seed_run):
    _, out = seed_run
    sources = read(out, "sources").set_index("source_id")
    assert set(sources["status"]) == {"ok"}
    assert sources.loc["rfidworld_repost_ccid2020", ["format", "encoding", "script", "kind"]].tolist() == [
        "text", "utf-8", "traditional", "repost"]
    assert sources.loc["ccid2020_whitepaper", "script"] == "simplified"


def test_claims_checked(seed_run):
    _, out = seed_run
    claims = read(out, "claims")
    share = claims[claims.claim_key == "share:province=山东省+province=广东省+province=江苏省"]
    assert sorted(share["source_id"]) == ["ccid2020_summary_mirror", "rfidworld_repost_ccid2020"]
    assert set(share["status"]) == {"verified"} and set(share["expected"]) == {"36%"}
    four, = claims[claims.expected == "44.0%"].itertuples()
    assert (four.status, four.edition) == ("out_of_scope", 2021)
    status = claims.groupby("claim_key")["status"].agg(set).to_dict()
    for key in ["fraction:division=东部", "top_n:5", "ranks:2-5", "structure:level1", "structure:level2",
                "structure:level3"]:
        assert status[key] == {"verified"}, key
    # the stage table is read from the very sentences that make the stage claims: no independent evidence
    for key in ["stage:单元数字化", "stage:能力协同", "stage:生态创新"]:
        assert status[key] == {"unverifiable"}, key
    assert status["percent:36.2%"] == {"unverifiable"}
    # an edition is the year of the ranking a claim speaks of, not any year its sentence names
    editions = claims.set_index("claim_key")["edition"]
    assert editions["percent:36.2%"] == 2020 and editions["percent:55%"] == 2020
    assert "contradicted" not in set(claims["status"])


def test_data_quality_records_repairs_and_inference(seed_run):
    _, out = seed_run
    quality = read(out, "data_quality")
    variant = quality[(quality.issue == "variant") & (quality.source_id == "rfidworld_repost_ccid2020")]
    assert variant[["raw", "resolved"]].values.tolist() == [["陜", "陕"]]
    pinyin = quality[(quality.issue == "pinyin") & (quality.source_id == "rfidworld_repost_ccid2020")]
    # one row sums up the document's annotations, where the first is and how many (--explain lists each)
    assert pinyin[["location", "raw"]].values.tolist() == [["line 2 col 14", "(fā)"]]
    assert pinyin["action"].iloc[0].startswith("126 pinyin annotation(s) removed on 16 lines (lines 2 to 61)")
    assert "table has no province column" in set(quality[quality.source_id == "ccid2020_whitepaper"]["issue"])
    # line-wrap spaces inside words, joined by normalize before any table reads the line
    joins = quality[(quality.issue == "wrap_space") & (quality.source_id == "ccid2020_whitepaper")]
    assert len(joins) == 17
    assert ["line 477 col 26", "line-wrap space inside the word 公共卫生 removed"] in joins[["location", "action"]].values.tolist()
    assert ["line 292 col 44", "line-wrap space inside the word 扬州市 removed"] in joins[["location", "action"]].values.tolist()


def test_validation_report(seed_run):
    _, out = seed_run
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    assert report["success"] is True
    assert report["tables"]["ccid2020_top100"]["rows"] == 100


def test_parquet_matches_csv(seed_run):
    _, out = seed_run
    schema = pq.read_schema(out / "ccid2020_top100.parquet")
    assert [(f.name, str(f.type)) for f in schema] == [
        ("rank", "int64"), ("city", "string"), ("province", "string"), ("adcode", "string"),
        ("n_sources", "int64"), ("flags", "string"), ("region", "string"), ("division", "string")]
    parquet = pd.read_parquet(out / "ccid2020_top100.parquet")
    assert parquet["adcode"].iloc[0] == "440300"
    assert parquet["city"].tolist() == read(out, "ccid2020_top100")["city"].tolist()


def test_published_output_is_reproduced_byte_for_byte(seed_run):
    """output/ is the committed dataset: a fresh run over raw/ must give the same bytes."""
    _, out = seed_run
    published = sorted(p.name for p in (ROOT / "output").iterdir() if not p.name.startswith("."))
    fresh = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert fresh == published
    changed = [name for name in published if (ROOT / "output" / name).read_bytes() != (out / name).read_bytes()]
    assert changed == [], "output/ is stale: run `make run` and commit output/"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_normalize_keeps_line_count():
    source = ROOT / "raw" / "rfidworld_repost_ccid2020.txt"
    result = cli("normalize", str(source))
    assert result.returncode == 0
    lines = result.stdout.split("\n")[:-1]
    assert len(lines) == len(source.read_text(encoding="utf-8").splitlines())
    assert lines[-1] == "50 | 银川市 | 宁夏回族自治区 | 100 | 保定市 | 河北省 |"


@pytest.mark.parametrize("content", ["", "\n\n\n", "&nbsp;\n<br>\n"], ids=["empty", "newlines", "markup only"])
def test_cli_normalize_blank_input_prints_its_lines(tmp_path, content):
    """A blank file normalises to as many blank lines (a run refuses it as a source, normalize does not),
    and its output normalises to itself."""
    source = tmp_path / "blank.txt"
    source.write_text(content, encoding="utf-8")
    result = cli("normalize", str(source))
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.count("\n") == content.count("\n") and not result.stdout.strip()
    source.write_text(result.stdout, encoding="utf-8")
    assert cli("normalize", str(source)).stdout == result.stdout


def test_cli_normalize_keeps_the_lines_of_a_file_that_starts_with_markup(tmp_path):
    """A text file of <p> lines (or an HTML page) is normalised line for line, not rendered as a page:
    output line N and --explain's line N are line N of the file."""
    source = tmp_path / "paragraphs.txt"
    source.write_text("<p>第一段</p>\n<br>上海\n<p>第<b>三</b>段</p>\n<html><body>第四段", encoding="utf-8")
    assert cli("normalize", str(source)).stdout == "第一段\n上海\n第三段\n<html><body>第四段\n"
    records = [json.loads(line) for line in cli("normalize", str(source), "--explain").stdout.splitlines()]
    decision, *repairs = records
    assert (decision["kind"], decision["line"], decision["column"], decision["before"]) == ("evidence", 1, 1, "<p>")
    assert decision["reason"].startswith("html_remnant: 7 tag(s)") and decision["reason"].endswith("; applied")
    assert [(r["line"], r["column"], r["before"]) for r in repairs] == [
        (1, 1, "<p>"), (1, 7, "</p>"), (2, 1, "<br>"), (3, 1, "<p>"), (3, 5, "<b>"), (3, 9, "</b>"), (3, 14, "</p>")]


def test_cli_normalize_explain_prints_json_repairs():
    result = cli("normalize", str(ROOT / "raw" / "rfidworld_repost_ccid2020.txt"), "--explain")
    repairs = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"kind", "line", "column", "before", "after", "confidence", "reason"} <= set(repairs[0])
    assert {"kind": "variant", "before": "陜", "after": "陕"}.items() <= next(
        r for r in repairs if r["kind"] == "variant").items()


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["run", "--bogus"]])
def test_cli_bad_usage_exits_2(args):
    assert cli(*args).returncode == 2


def test_cli_missing_raw_folder_or_file_as_out_is_bad_usage(tmp_path):
    result = cli("run", "--raw", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "no such folder" in result.stderr
    (tmp_path / "afile").write_text("x")
    result = cli("run", "--out", str(tmp_path / "afile"))
    assert result.returncode == 2 and "is a file" in result.stderr


def test_run_exits_1_and_still_writes_tables_when_a_source_fails_and_the_list_is_short(tmp_path):
    """A 60-row copy fails the 100-row expectations; an empty file fails to read; all tables are written."""
    from pipeline.run import run

    raw = tmp_path / "raw"
    raw.mkdir()
    source = (ROOT / "raw" / "rfidworld_repost_ccid2020.txt").read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(source) if line.startswith("排名"))
    rows = [line.split(" | ")[:3] for line in source[header + 1:header + 61]]
    (raw / "cut.txt").write_text("排名 | 城市 | 省份\n" + "\n".join(" | ".join(r) for r in rows) + "\n",
                                 encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert run(raw, out) == 1
    sources = read(out, "sources").set_index("file")
    assert sources.loc["empty.txt", "status"] == "failed" and "empty.txt" in sources.loc["empty.txt", "message"]
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    assert report["tables"]["ccid2020_top100"]["success"] is False
    assert len(read(out, "ccid2020_top100")) == 0


def test_domain_lists_reconciled(seed_run):
    _, out = seed_run
    domain = read(out, "ccid2020_domain_top100")
    innovation = domain[domain.domain == "数字创新"]
    jinan = innovation[innovation.city == "济南市"].iloc[0]
    assert jinan[["province", "adcode", "raw_city", "flags"]].tolist() == ["山东省", "370100", "养南市", "corrected"]
    governance = domain[domain.domain == "数字治理"]
    haikou = governance[governance.city == "海口市"].iloc[0]
    assert haikou[["province", "flags"]].tolist() == ["海南省", "province_inferred"]
    assert (governance.city == "开封市").sum() == 1
    assert "潍坊市" in set(domain[domain.domain == "数字民生"]["city"])
    counts = domain.groupby("domain").size().to_dict()
    assert counts == {"数字创新": 100, "数字基础": 100, "数字政务": 89, "数字民生": 100, "数字治理": 87}


def test_domain_shortfalls_explained_by_known_gaps(seed_run):
    _, out = seed_run
    summary = read(out, "ccid2020_domain_summary").set_index("domain")
    assert summary.loc["数字政务", ["n_documented_missing", "n_unexplained", "gaps"]].tolist() == [11, 0, "山东省: 11"]
    assert summary.loc["数字治理", ["n_documented_missing", "n_unexplained", "gaps"]].tolist() == [13, 0, "广东省: 13"]
    assert set(summary["n_unexplained"]) == {0}


def test_indicator_framework(seed_run):
    _, out = seed_run
    indicators = read(out, "ccid2020_indicators")
    assert len(indicators) == 34 and indicators["no"].tolist() == list(range(1, 35))
    assert indicators["level1"].nunique() == 6 and indicators["level2"].nunique() == 14
    assert "一网通办" in set(indicators["level2"])
    assert indicators.set_index("no").loc[21, ["level1", "level2", "level3"]].tolist() == [
        "数字民生", "数字化教育指数", "线上教育规模"]
    assert not indicators["level2"].str.contains("数子化").any()


def test_stages_regions_and_distributions(seed_run):
    _, out = seed_run
    stages = read(out, "ccid2020_stages")
    assert stages[["stage", "score_min", "n_cities"]].values.tolist() == [
        ["单元数字化", 60, 62], ["能力协同", 70, 33], ["生态创新", 85, 5]]
    regions = read(out, "ccid2020_regions")
    assert regions["region"].nunique() == 7 and len(regions) == 31
    top = read(out, "ccid2020_top100")
    assert top.set_index("city").loc["深圳市", ["region", "division"]].tolist() == ["华南", "东部"]
    by_region = read(out, "ccid2020_top100_by_region").set_index("region")
    assert by_region.loc["华东", "n_cities"] == 36 and round(by_region["share"].sum(), 6) == 100
    by_division = read(out, "ccid2020_top100_by_division").set_index("division")
    assert by_division["n_cities"].to_dict() == {"东北": 4, "东部": 59, "中部": 24, "西部": 13}


def test_case_studies_merged(seed_run):
    _, out = seed_run
    cases = read(out, "ccid2020_cases")
    hohhot = cases[cases.city == "呼和浩特市"]
    assert hohhot["bullet_no"].tolist() == [1, 2]
    assert hohhot["source_ids"].tolist() == ["ccid2020_summary_mirror", "ccid2020_summary_mirror;ccid2020_whitepaper"]
    jinan = cases[cases.city == "济南市"].iloc[0]
    assert jinan.title.endswith("营商服务新模式")
    assert set(cases["domain"]) == {"数字政务", "数字治理", "数字民生", "数字创新", "数字基础"}


def test_correction_file_closes_a_gap(tmp_path):
    """Cities typed from the paper join the list; with the gap closed the list must reach 100."""
    import shutil

    from pipeline.run import run

    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    shandong = ["济南市", "青岛市", "烟台市", "潍坊市", "淄博市", "威海市", "临沂市", "济宁市", "泰安市", "东营市"]
    entry = '[[domain_cities]]\nedition = "ccid2020"\ndomain = "数字政务"\nprovince = "山东省"\nprovenance = "test"\ncities = [{}]\n'
    (raw / "corrections" / "shandong.toml").write_text(
        entry.format(", ".join(f'"{c}"' for c in shandong + ["滨州市"])), encoding="utf-8")
    assert run(raw, tmp_path / "full") in (0, 1)
    summary = read(tmp_path / "full", "ccid2020_domain_summary").set_index("domain")
    assert summary.loc["数字政务", ["n_cities", "n_documented_missing", "n_unexplained"]].tolist() == [100, 0, 0]
    domain = read(tmp_path / "full", "ccid2020_domain_top100")
    assert set(domain[domain.source_id == "corrections"]["flags"]) == {"from_correction"}
    (raw / "corrections" / "shandong.toml").write_text(
        entry.format(", ".join(f'"{c}"' for c in shandong[:5])), encoding="utf-8")
    assert run(raw, tmp_path / "short") == 1
    summary = read(tmp_path / "short", "ccid2020_domain_summary").set_index("domain")
    assert summary.loc["数字政务", "n_unexplained"] == 6


def test_tahaoo_tables(seed_run):
    _, out = seed_run
    scores = read(out, "tahaoo2020_scores")
    assert sorted(scores.groupby("tier").size().tolist()) == [18, 19, 20, 50, 50, 100]
    first = scores[(scores.tier == "地市") & (scores["rank"] == 1)].iloc[0]
    assert first[["city", "score", "adcode"]].tolist() == ["苏州市", 84.17, "320500"]
    haikou = scores[scores.tier.str.startswith("省会城市") & (scores.city == "海口市")].iloc[0]
    assert haikou.score == 72.18
    index = read(out, "tahaoo2020_index_top10")
    assert len(index) == 60
    assert index[(index.city == "海口市")][["rank", "index"]].values.tolist() == [[7, 0.782]]
    grades = read(out, "tahaoo2020_province_grades")
    assert len(grades) == 34 and {"香港特别行政区", "澳门特别行政区", "台湾省"} <= set(grades.province)
    assert grades[grades["label"] == "新疆+新疆兵团"][["province", "flags"]].values.tolist() == [
        ["新疆维吾尔自治区", "merged_label"]]
    towns = read(out, "tahaoo2020_smart_towns")
    assert len(towns) == 100 and (towns["flags"] == "province_mismatch").sum() >= 3
    assert "misspelt_city" in set(towns[towns.raw.str.contains("遂义市")]["flags"])
    apps = read(out, "tahaoo2020_apps")
    assert apps["rank"].nunique() == 100 and apps[apps["rank"] == 1]["company"].iloc[0] == "腾讯科技(深圳)有限公司"


def test_city_panel_and_correlation(seed_run):
    _, out = seed_run
    panel = pd.read_parquet(out / "city_panel.parquet").set_index("city")
    assert panel.loc["苏州市", ["ccid_rank", "tahaoo_score"]].tolist() == [12, 84.17]
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    assert report["city_panel"]["cities_ranked_by_both"] > 50
    # rank 1 is best and a higher score is better, so agreement is a negative rho
    assert -1 < report["city_panel"]["spearman_ccid_rank_vs_tahaoo_score"] < -0.5
    assert "negative value means the two rankings agree" in report["city_panel"]["spearman_ccid_rank_vs_tahaoo_score_meaning"]
    assert "琼海市" not in panel.index  # a county-level city under its province is not a prefecture


def test_workers_and_cache_give_byte_identical_tables(seed_run, tmp_path):
    """Two processes and a warm cache change nothing in the published CSV files."""
    from pipeline.run import run

    _, out = seed_run
    again = tmp_path / "again"
    assert run(ROOT / "raw", again, workers=2) == 0
    assert run(ROOT / "raw", again, workers=1) == 0  # second run: every source from the cache
    assert any((again / ".cache").iterdir())
    for path in sorted(out.glob("*.csv")):
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_rerun_takes_each_sources_findings_and_validation_from_the_cache(seed_run, tmp_path, monkeypatch):
    """Second run over the same raw/: no table is searched for again and no suite is run again, and
    the tables are byte-identical; a new file is searched (only that one)."""
    import shutil

    from pipeline.extract import ranking
    from pipeline.run import run
    from pipeline.validate import suites

    _, out = seed_run
    raw, again = tmp_path / "raw", tmp_path / "again"
    shutil.copytree(ROOT / "raw", raw)
    assert run(raw, again) == 0
    searched = []
    original = ranking.find_ranking_tables
    monkeypatch.setattr(ranking, "find_ranking_tables", lambda lines, *rest: searched.append(len(lines))
                        or original(lines, *rest))
    monkeypatch.setattr(suites.SuiteRunner, "run", lambda self, pending: pytest.fail(f"suites run for {sorted(pending)}"))
    assert run(raw, again, workers=1) == 0
    assert searched == []
    for path in sorted(out.glob("*.csv")):
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name
    (raw / "extra.txt").write_text("排名 | 城市\n1 | 深圳市\n2 | 上海市\n3 | 北京市\n", encoding="utf-8")
    monkeypatch.undo()
    monkeypatch.setattr(ranking, "find_ranking_tables", lambda lines, *rest: searched.append(len(lines))
                        or original(lines, *rest))
    run(raw, again)
    assert searched == [4]
    assert len(list((again / ".cache" / "findings").glob("*.entry"))) == 6
    (raw / "extra.txt").unlink()
    run(raw, again)  # a source taken away: its cached reading and findings go too
    assert len(list((again / ".cache" / "findings").glob("*.entry"))) == 5
    assert len(list((again / ".cache").glob("*.entry"))) == 5


def test_a_damaged_cache_is_a_miss_not_a_crash(seed_run, tmp_path):
    """Cache files cut short, garbled or holding something else (a crash mid-write, a full disk, another
    program) are read again, and the tables come out as without a cache."""
    import pickle

    from pipeline.run import run

    _, out = seed_run
    again = tmp_path / "again"
    assert run(ROOT / "raw", again) == 0
    cache = again / ".cache"
    damage = [lambda data: data[:20], lambda data: b"\x80\x04garbage", lambda data: pickle.dumps({"a": 1}),
              lambda data: b"{}"]
    for n, path in enumerate(sorted(cache.rglob("*.json")) + sorted(cache.rglob("*.entry"))):
        path.write_bytes(damage[n % len(damage)](path.read_bytes()))
    assert run(ROOT / "raw", again) == 0
    for path in sorted(out.glob("*.csv")):
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_cache_that_cannot_be_written_is_said_once_and_the_run_goes_on(seed_run, tmp_path, monkeypatch, capsys):
    from pipeline import atomic
    from pipeline.run import run

    _, out = seed_run
    write = atomic.atomic_write

    def read_only_cache(path, data, mode=None):
        if ".cache" in path.parts:
            raise PermissionError(13, "Permission denied")
        write(path, data, mode)

    monkeypatch.setattr(atomic, "atomic_write", read_only_cache)
    again = tmp_path / "again"
    assert run(ROOT / "raw", again) == 0
    assert capsys.readouterr().err.count("cannot be written (Permission denied)") == 1
    for path in sorted(out.glob("*.csv")):
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_tables_folder_is_not_a_source_folder(tmp_path):
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    assert cli("run", "--raw", str(raw), "--out", str(raw)).returncode == 2
    assert cli("run", "--raw", str(raw), "--out", str(raw / "out")).returncode == 0
    again = cli("run", "--raw", str(raw), "--out", str(raw / "out"))
    assert again.returncode == 0 and "is a folder" not in again.stderr
