"""Publishing: formula injection neutralised in the CSV and recorded, the Parquet keeping the true value;
the Data Package describes every table."""

from __future__ import annotations

import csv
import json

from conftest import ROOT
from pipeline.export import table_files, to_frame
from pipeline.publish import formula_cells


def test_formula_cells_are_prefixed_in_the_csv_and_recorded_while_parquet_keeps_the_value(tmp_path):
    import io

    import pandas as pd

    rows = [{"source_id": "web", "table_no": 1, "rank": 1, "name": "=HYPERLINK(\"x\")", "city": "", "province": "",
             "adcode": "", "location": "line 3"},
            {"source_id": "web", "table_no": 1, "rank": 2, "name": "深圳市", "city": "", "province": "", "adcode": "",
             "location": "line 4"}]
    record, = formula_cells({"unknown_rankings": rows})
    assert (record.source_id, record.location, record.raw, record.resolved) == (
        "web", "line 3", "=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")")
    assert rows[0]["name"] == "=HYPERLINK(\"x\")"  # the rows are not edited
    files = table_files(to_frame("unknown_rankings", rows), "unknown_rankings")
    csv_names = pd.read_csv(io.BytesIO(files["unknown_rankings.csv"]), keep_default_na=False)["name"].tolist()
    assert csv_names == ["'=HYPERLINK(\"x\")", "深圳市"]
    assert pd.read_parquet(io.BytesIO(files["unknown_rankings.parquet"]))["name"].tolist() == ["=HYPERLINK(\"x\")", "深圳市"]


def test_datapackage_describes_every_published_table(seed_run):
    _, out = seed_run
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    published = sorted(p.stem for p in out.glob("*.csv"))
    assert [r["name"] for r in package["resources"]] == published
    for resource in package["resources"]:
        with open(out / resource["path"], encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [f["name"] for f in resource["schema"]["fields"]], resource["name"]
        assert all(f["description"] for f in resource["schema"]["fields"]), resource["name"]
    assert {s["path"] for s in package["sources"]} == {f"raw/{p.name}" for p in (ROOT / "raw").glob("*.txt")}


def test_tables_load_as_the_readme_shows(seed_run):
    """The README's pandas and DuckDB lines, on the CSV (byte-order mark for Excel) and the Parquet."""
    import duckdb
    import pandas as pd

    _, out = seed_run
    csv_path, parquet_path = out / "ccid2020_top100.csv", out / "ccid2020_top100.parquet"
    assert csv_path.read_bytes().startswith("\ufeffrank,city,province".encode("utf-8"))
    top = pd.read_csv(csv_path, dtype={"adcode": str})
    assert top.groupby("province").size().sort_values(ascending=False).head(3).to_dict() == {
        "江苏省": 13, "广东省": 12, "山东省": 11}
    query = "SELECT province, count(*) AS n FROM '{}' GROUP BY province ORDER BY n DESC, province LIMIT 3"
    for path in (csv_path, parquet_path):
        assert duckdb.sql(query.format(path)).fetchall() == [("江苏省", 13), ("广东省", 12), ("山东省", 11)]
    first = duckdb.sql(f"SELECT rank, city, adcode FROM '{parquet_path}' ORDER BY rank LIMIT 1").fetchall()
    assert first == [(1, "深圳市", "440300")]
