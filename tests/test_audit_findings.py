"""What an independent check of output/ found, and the validation that now catches each kind of it.

``tests/data/audit_2026_findings/`` holds the tables as they were published when the check was made
(wrong or silently uncertain values that validation passed); the new expectations must fail on them.
The seed run's tables must pass them, with the findings fixed or flagged in their own rows; every
computed statistic is recomputed here another way, with DuckDB on the published CSV.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, read_table
from pipeline.export import to_frame
from pipeline.reconcile.panel import city_panel
from pipeline.reconcile.unread import flag_unread, unread_spans
from pipeline.model import Repair
from pipeline.validate.suites import validate_tables

BEFORE = Path(__file__).resolve().parent / "data" / "audit_2026_findings"


def failures(name: str) -> dict[str, list]:
    """{meaning or expectation: unexpected sample} of the expectations a published-before table fails."""
    rows = pd.read_csv(BEFORE / f"{name}.csv", dtype=str, keep_default_na=False).to_dict("records")
    outcome = validate_tables({name: to_frame(name, rows)})["tables"][name]
    return {o["meaning"] or o["expectation"]: o["unexpected_sample"] for o in outcome["expectations"] if not o["success"]}


PLACES = "every place row: official names of the right level, an adcode inside the province and city named, no town or county cut at a division suffix"
UNREAD = "every value that shows unread damage (?, U+FFFD, private-use) is flagged unreadable_text"


def test_old_towns_fail_on_cut_names_and_unflagged_damage():
    failed = failures("tahaoo2020_smart_towns")
    assert any("县北极镇 starts with a division suffix" in problem for problem in failed[PLACES])
    assert UNREAD in failed  # town 81, 海南省??谑惺芥?, had no flag


def test_old_apps_and_series_fail_on_unflagged_damage():
    assert UNREAD in failures("tahaoo2020_apps")  # app 93's company
    assert UNREAD in failures("tahaoo2020_index_top10")  # the damaged series name


def test_old_panel_fails_on_a_county_level_city():
    assert failures("city_panel")[PLACES] == ["city 琼海市 is not a prefecture-level city or municipality"]


def test_old_claims_fail_on_a_sentence_year_taken_for_the_edition():
    assert "a claim's edition is its source's unless its sentence names a ranking or report of that year" in failures("claims")


def test_findings_fixed_or_flagged_in_their_own_rows(seed_run):
    _, out = seed_run
    towns = read_table(out, "tahaoo2020_smart_towns").set_index("position")
    assert towns.loc[24, ["county", "town", "flags"]].tolist() == ["漠河市", "北极镇", "renamed"]
    assert towns.loc[67, ["county", "town", "flags"]].tolist() == ["祁阳市", "白水纺织小镇", "renamed"]
    assert towns.loc[70, ["city", "town"]].tolist() == ["佛山市", "北滘智造小镇"]
    assert towns.loc[98, ["county", "town"]].tolist() == ["民和回族土族自治县", "川口镇"]
    assert towns.loc[90, ["city", "county", "town", "flags"]].tolist() == ["遵义市", "仁怀市", "茅台镇", "misspelt_city"]
    assert towns.loc[82, ["city", "county", "town"]].tolist() == ["", "琼海市", "博鳌镇"]
    assert towns.loc[100, ["province", "flags"]].tolist() == ["西藏自治区", "province_mismatch"]
    # every zone is flagged alike, whether or not the code list carries it
    assert "not_an_administrative_division" in towns.loc[33, "flags"] and "not_an_administrative_division" in towns.loc[48, "flags"]
    scores = read_table(out, "tahaoo2020_scores").set_index("name")
    assert scores.loc["成都天府新区", "flags"] == "not_an_administrative_division"
    assert scores.loc["海南琼海市", ["city", "district"]].tolist() == ["", "琼海市"]
    apps = read_table(out, "tahaoo2020_apps")
    damaged = apps[apps.company.str.contains("?", regex=False)]
    assert list(damaged["rank"]) == [93] and set(damaged["flags"]) == {"unreadable_text"}
    quality = read_table(out, "data_quality")
    assert ((quality.table == "tahaoo2020_apps") & (quality.issue == "value holds text a repair could not read")).sum() == 1


def test_no_published_value_shows_damage_without_its_flag(seed_run):
    _, out = seed_run
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    checked = [name for name, table in report["tables"].items()
               if any(o["meaning"] == UNREAD for o in table["expectations"])]
    assert {"tahaoo2020_apps", "tahaoo2020_smart_towns", "tahaoo2020_index_top10", "ccid2020_cases", "claims"} <= set(checked)
    assert all(o["success"] for name in checked for o in report["tables"][name]["expectations"] if o["meaning"] in (UNREAD, PLACES))


def test_unread_span_on_the_row_line_flags_the_row_even_without_marks():
    """A span the repair left as read on a row's line flags the row, also where the span shows no '?'."""
    spans = {"m": unread_spans([Repair("gbk_shift", 2, 5, "菩畔⒓夹g", "菩畔⒓夹g", 0.0, "flagged")], ["line 1", "line 2"])}
    tables = {"tahaoo2020_apps": [
        {"rank": 1, "app": "甲", "company": "亿菩畔⒓夹g公司", "flags": "", "source_id": "m", "location": "line 2"},
        {"rank": 2, "app": "乙", "company": "亿菩畔⒓夹g公司", "flags": "", "source_id": "m", "location": "line 1"}]}
    quality = []
    flag_unread(tables, spans, quality)
    assert [r["flags"] for r in tables["tahaoo2020_apps"]] == ["unreadable_text", ""]
    assert [(q.location, q.raw) for q in quality] == [("line 2", "亿菩畔⒓夹g公司")]


def test_panel_is_of_prefecture_level_cities(gaz):
    top = [{"rank": 1, "city": "苏州市", "province": "江苏省", "adcode": "320500"}]
    scores = [
        {"tier": "地市", "rank": 1, "name": "江苏苏州市", "city": "苏州市", "district": "", "score": 84.0, "flags": "",
         "source_id": "t", "location": "line 1"},
        {"tier": "百强区县", "rank": 1, "name": "海南琼海市", "city": "", "district": "琼海市", "score": 65.7, "flags": "",
         "source_id": "t", "location": "line 2"},
        {"tier": "副省级所属区县", "rank": 1, "name": "西安高新区", "city": "西安市", "district": "", "score": 90.0,
         "flags": "not_an_administrative_division", "source_id": "t", "location": "line 3"}]
    quality = []
    rows, summary = city_panel(top, scores, gaz, quality)
    assert [(r["city"], r["tahaoo_score"]) for r in rows] == [("苏州市", 84.0)]
    assert sorted(q.raw for q in quality) == ["1 rows of 副省级所属区县, e.g. 西安高新区", "1 rows of 百强区县, e.g. 海南琼海市"]


def test_data_package_validates_with_frictionless(seed_run):
    from frictionless import validate

    _, out = seed_run
    report = validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "type", "note"])[:5]


def test_statistics_recomputed_with_duckdb(seed_run):
    """Every computed figure the tables publish, recomputed from the published CSV another way."""
    import duckdb

    _, out = seed_run
    top = out / "ccid2020_top100.csv"
    for column, table in (("province", "by_province"), ("region", "by_region"), ("division", "by_division")):
        expected = duckdb.sql(f"SELECT {column}, count(*) AS n, round(100.0 * count(*) / (SELECT count(*) FROM '{top}'), 2) "
                              f"FROM '{top}' GROUP BY {column} ORDER BY {column}").fetchall()
        published = duckdb.sql(f"SELECT {column}, n_cities, share FROM '{out}/ccid2020_top100_{table}.csv' "
                               f"ORDER BY {column}").fetchall()
        assert published == expected, table
    # n_sources: the copies whose row agrees with the consensus at that rank
    agreeing = dict(duckdb.sql(f"SELECT rank, count(DISTINCT source_id) FROM '{out}/ccid2020_top100_by_source.csv' "
                               "WHERE agrees GROUP BY rank").fetchall())
    assert dict(duckdb.sql(f"SELECT rank, n_sources FROM '{top}'").fetchall()) == agreeing
    # the domain summary counts the rows of each list
    counts = dict(duckdb.sql(f"SELECT domain, count(*) FROM '{out}/ccid2020_domain_top100.csv' GROUP BY domain").fetchall())
    assert dict(duckdb.sql(f"SELECT domain, n_cities FROM '{out}/ccid2020_domain_summary.csv'").fetchall()) == counts
    # the 36% claim: 江苏、广东、山东 among the top-100
    share = duckdb.sql(f"SELECT 100.0 * count(*) / 100 FROM '{top}' WHERE province IN ('江苏省', '广东省', '山东省')").fetchall()[0][0]
    assert share == 36.0
    claims = read_table(out, "claims")
    assert set(claims[claims.expected == "36%"]["computed"].str.split("%").str[0]) == {"36"}
    # Spearman's rho: Pearson's r on ranks, ties at their average rank, all in DuckDB
    rho, n = duckdb.sql(
        f"WITH ranked_by_both AS (SELECT ccid_rank, tahaoo_score FROM '{out}/city_panel.csv' "
        "WHERE ccid_rank IS NOT NULL AND tahaoo_score IS NOT NULL), "
        "ranked AS (SELECT rank() OVER (ORDER BY ccid_rank) + (count(*) OVER (PARTITION BY ccid_rank) - 1) / 2 AS a, "
        "rank() OVER (ORDER BY tahaoo_score) + (count(*) OVER (PARTITION BY tahaoo_score) - 1) / 2 AS b FROM ranked_by_both) "
        "SELECT corr(a, b), count(*) FROM ranked").fetchall()[0]
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    assert report["city_panel"]["spearman_ccid_rank_vs_tahaoo_score"] == round(rho, 4) < 0
    assert report["city_panel"]["cities_ranked_by_both"] == n


def test_readme_says_what_every_flag_means():
    flags = tomllib.loads((ROOT / "schemas" / "flags.toml").read_text(encoding="utf-8"))["flags"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [flag for flag in flags if f"`{flag}`" not in readme] == []


@pytest.mark.parametrize("flags, ok", [("renamed", True), ("renamed;unreadable_text", True), ("made_up", False)])
def test_flags_outside_the_vocabulary_fail(flags, ok):
    row = {"rank": 1, "app": "甲", "company": "某公司", "position": 1, "flags": flags, "source_id": "s", "location": "l"}
    outcome = validate_tables({"tahaoo2020_apps": to_frame("tahaoo2020_apps", [row])})["tables"]["tahaoo2020_apps"]
    vocabulary = next(o for o in outcome["expectations"] if o["meaning"] == "every flag is one of schemas/flags.toml")
    assert vocabulary["success"] is ok
