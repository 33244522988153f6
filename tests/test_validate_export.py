"""Validation suites built from schemas/ catch broken tables; export writes typed, ordered files atomically."""

from __future__ import annotations

import pandas as pd

from pipeline.export import table_files, to_frame
from pipeline.schemas import load_schema
import pytest

from pipeline.validate import suites
from pipeline.validate.suites import SuiteRunner, expectations_for, summarise, validate_tables


def top_rows(cities):
    from pipeline.reconcile.gazetteer import gazetteer

    gaz = gazetteer()
    rows = []
    for rank, name in enumerate(cities, start=1):
        city = gaz.cities(name)[0]
        rows.append({"rank": rank, "city": city.name, "province": city.province, "adcode": city.adcode,
                     "n_sources": 1, "flags": "", "region": "华北", "division": "东部"})
    return rows


def test_schema_constraints_become_expectations():
    types = [(e["type"], e["kwargs"].get("column")) for e in expectations_for(load_schema("ccid2020_top100"))]
    assert ("expect_column_values_to_be_unique", "city") in types
    assert ("expect_column_values_to_match_regex", "adcode") in types
    assert ("expect_table_row_count_to_equal", None) in types


def test_broken_top_list_fails_with_named_expectations(gaz):
    """99 rows, a duplicate city and a city filed under the wrong province all fail validation."""
    names = [d.name for d in gaz.city_divisions() if d.level == "prefecture"][:98]
    rows = top_rows(names + [names[0]])
    rows[5]["province"] = "海南省" if rows[5]["province"] != "海南省" else "河北省"
    report = validate_tables({"ccid2020_top100": to_frame("ccid2020_top100", rows)})
    failed = {o["expectation"] for o in report["tables"]["ccid2020_top100"]["expectations"] if not o["success"]}
    assert report["success"] is False
    assert {"expect_table_row_count_to_equal", "expect_column_values_to_be_unique",
            "expect_column_pair_values_to_be_equal"} <= failed
    assert any("every city lies in its province" in line for line in summarise(report))


def test_a_ranking_row_lost_without_a_record_fails_the_sources_table():
    """A source that saw 10 row-like lines, read 8 and recorded 1 lost one: n_rows_lost fails; a source
    not read (no counts) and one that accounts for every line pass."""
    base = {"file": "x.txt", "sha256": "0" * 64, "format": "text", "status": "ok"}
    rows = [dict(base, source_id="lost", n_rows_seen=10, n_rows_read=8, n_rows_recorded=1),
            dict(base, source_id="whole", n_rows_seen=10, n_rows_read=9, n_rows_recorded=1),
            dict(base, source_id="failed", status="failed")]
    report = validate_tables({"sources": to_frame("sources", rows)})
    outcome, = [o for o in report["tables"]["sources"]["expectations"] if o["kwargs"].get("column") == "n_rows_lost"]
    assert (outcome["success"], outcome["unexpected_count"]) == (False, 1)


def test_unchanged_tables_reuse_their_stored_outcome(gaz, tmp_path, monkeypatch):
    """A second validation of the same table reads the stored outcome (great-expectations not run);
    a changed row is validated afresh."""
    names = [d.name for d in gaz.city_divisions() if d.level == "prefecture"][:100]
    frames = {"ccid2020_top100": to_frame("ccid2020_top100", top_rows(names))}
    first = validate_tables(frames, tmp_path)
    stored = list(tmp_path.glob("*.entry"))
    assert first["tables"]["ccid2020_top100"]["rows"] == 100 and len(stored) == 1

    def not_expected(pending):
        raise AssertionError(f"suites run again for {sorted(pending)}")

    monkeypatch.setattr(suites, "_run_suites", not_expected)
    assert validate_tables(frames, tmp_path) == first
    monkeypatch.undo()
    changed = top_rows(names[:99] + [names[0]])
    again = validate_tables({"ccid2020_top100": to_frame("ccid2020_top100", changed)}, tmp_path)
    # the outcome of the table as it was is pruned: the cache holds what the last run used
    assert again["success"] is False and list(tmp_path.glob("*.entry")) != stored
    assert len(list(tmp_path.glob("*.entry"))) == 1


def test_suite_runner_gives_the_in_process_outcome_and_reports_failures(gaz):
    names = [d.name for d in gaz.city_divisions() if d.level == "prefecture"][:100]
    frames = {"ccid2020_top100": to_frame("ccid2020_top100", top_rows(names))}
    runner = SuiteRunner()
    try:
        assert validate_tables(frames, runner=runner) == validate_tables(frames)
    finally:
        runner.close()
    broken = SuiteRunner()
    try:
        with pytest.raises(RuntimeError, match="inside great-expectations"):
            broken.run({"t": ([{"type": "expect_no_such_thing", "kwargs": {}, "meaning": ""}],
                              frames["ccid2020_top100"], None)})
    finally:
        broken.close()


def test_a_dead_validation_process_falls_back_to_this_one(capsys):
    """The child killed before it is sent a large batch of tables: validation runs here, and closing
    the runner does not trip over the bytes the child never read."""
    rows = [{"source_id": f"s{i}", "location": f"line {i}", "table": "text", "issue": "pinyin",
             "raw": "(fā)" * 40, "resolved": "", "action": "removed"} for i in range(3000)]
    frames = {"data_quality": to_frame("data_quality", rows)}
    runner = SuiteRunner()
    runner._process.kill()
    runner._process.wait()
    try:
        assert validate_tables(frames, runner=runner) == validate_tables(frames)
    finally:
        runner.close()
    assert "validating here instead" in capsys.readouterr().err


def test_to_frame_orders_rows_and_types_columns():
    frame = to_frame("ccid2020_top100", [
        {"rank": 2, "city": "上海市", "province": "上海市", "adcode": "310000", "n_sources": 1, "flags": None},
        {"rank": "1", "city": "深圳市", "province": "广东省", "adcode": "440300", "n_sources": "2", "flags": ""}])
    assert frame["rank"].tolist() == [1, 2]
    assert str(frame["rank"].dtype) == "Int64" and frame["flags"].tolist() == ["", ""]


def test_table_files_are_typed_csv_and_parquet():
    import io

    frame = to_frame("ccid2020_top100", [
        {"rank": 1, "city": "深圳市", "province": "广东省", "adcode": "440300", "n_sources": 2, "flags": "",
         "region": "华南", "division": "东部"}])
    files = table_files(frame, "ccid2020_top100")
    assert sorted(files) == ["ccid2020_top100.csv", "ccid2020_top100.parquet"]
    assert files["ccid2020_top100.csv"].decode("utf-8") == (
        "\ufeffrank,city,province,adcode,n_sources,flags,region,division\n1,深圳市,广东省,440300,2,,华南,东部\n")
    assert pd.read_parquet(io.BytesIO(files["ccid2020_top100.parquet"]))["adcode"].tolist() == ["440300"]
