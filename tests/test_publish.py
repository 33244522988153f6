"""Publishing: formula injection neutralised and recorded; the Data Package describes every table."""

from __future__ import annotations

import csv
import json

from conftest import ROOT
from pipeline.publish import neutralise_formulas


def test_formula_cells_are_prefixed_and_recorded():
    tables = {"unknown_rankings": [
        {"source_id": "web", "table_no": 1, "rank": 1, "name": "=HYPERLINK(\"x\")", "city": "", "province": "",
         "adcode": "", "location": "line 3"},
        {"source_id": "web", "table_no": 1, "rank": 2, "name": "深圳市", "city": "", "province": "", "adcode": "",
         "location": "line 4"}]}
    quality = []
    neutralise_formulas(tables, quality)
    assert [r["name"] for r in tables["unknown_rankings"]] == ["'=HYPERLINK(\"x\")", "深圳市"]
    record, = quality
    assert (record.source_id, record.location, record.raw) == ("web", "line 3", "=HYPERLINK(\"x\")")


def test_datapackage_describes_every_published_table(seed_run):
    _, out = seed_run
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    published = sorted(p.stem for p in out.glob("*.csv"))
    assert [r["name"] for r in package["resources"]] == published
    for resource in package["resources"]:
        with open(out / resource["path"], encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [f["name"] for f in resource["schema"]["fields"]], resource["name"]
        assert all(f["description"] for f in resource["schema"]["fields"]), resource["name"]
    assert {s["path"] for s in package["sources"]} == {f"raw/{p.name}" for p in (ROOT / "raw").glob("*.txt")}
