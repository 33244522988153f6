"""Great Expectations suites built from ``schemas/``, run over the tables before they are published.

Field constraints become column expectations (required -> not null, unique, enum -> in set, pattern
-> regex, minimum/maximum -> between) and each schema's ``expectations`` list adds table-level ones.
Columns an expectation needs but the table does not carry (``gazetteer_province``,
``previous_score_in_tier``) are derived here, so the published tables stay free of helper columns.
"""

from __future__ import annotations

import json
import os

from pipeline.schemas import Schema, load_schema

_SAMPLE = 10


def expectations_for(schema: Schema) -> list[dict]:
    """The schema as a list of {type, kwargs, meaning} expectation specs."""
    specs: list[dict] = []
    for field in schema.fields:
        column = field["name"]
        constraints = field.get("constraints", {})
        if constraints.get("required"):
            specs.append(_spec("expect_column_values_to_not_be_null", column=column))
        if constraints.get("unique"):
            specs.append(_spec("expect_column_values_to_be_unique", column=column))
        if "enum" in constraints:
            specs.append(_spec("expect_column_values_to_be_in_set", column=column, value_set=constraints["enum"]))
        if "pattern" in constraints:
            specs.append(_spec("expect_column_values_to_match_regex", column=column, regex=constraints["pattern"]))
        if "minimum" in constraints or "maximum" in constraints:
            specs.append(_spec("expect_column_values_to_be_between", column=column,
                               min_value=constraints.get("minimum"), max_value=constraints.get("maximum")))
    for spec in schema.expectations:
        specs.append({"type": spec["type"], "kwargs": dict(spec.get("kwargs", {})), "meaning": spec.get("meaning", "")})
    return specs


def _spec(kind: str, **kwargs) -> dict:
    return {"type": kind, "kwargs": kwargs, "meaning": ""}


def _validation_frame(frame, schema: Schema):
    """Plain dtypes GE handles everywhere: numbers as float, text as object with None for empty."""
    import pandas as pd

    out = pd.DataFrame(index=frame.index)
    for field in schema.fields:
        column = field["name"]
        if field.get("type") in ("integer", "number"):
            out[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        else:
            out[column] = [None if (v is None or v is pd.NA or v != v or v == "") else v
                           for v in frame[column].astype(object)]
    needed = {value for spec in schema.expectations for key, value in spec.get("kwargs", {}).items()
              if key.startswith("column") and isinstance(value, str)}
    for name in sorted(needed & set(_DERIVED)):
        out[name] = _DERIVED[name](out)
    return out


def _gazetteer_province(frame) -> list:
    """The province the gazetteer puts each adcode in: 'lies in its province' compares it."""
    from pipeline.reconcile.gazetteer import gazetteer

    gaz = gazetteer()
    return [gaz.by_code[c].province if c in gaz.by_code else None for c in frame["adcode"]]


def _previous_score_in_tier(frame) -> list:
    """The score of the row ranked just above within the same tier: scores must not rise down a tier."""
    previous = frame.sort_values(["tier", "rank"]).groupby("tier")["score"].shift(1)
    return previous.reindex(frame.index).tolist()


def _undocumented_contradiction(frame) -> list:
    """A contradicted claim with no documented reason: what makes validation fail."""
    return [status == "contradicted" and not reason
            for status, reason in zip(frame["status"], frame["known_discrepancy"])]


_DERIVED = {"gazetteer_province": _gazetteer_province, "previous_score_in_tier": _previous_score_in_tier,
            "undocumented_contradiction": _undocumented_contradiction}


def validate_tables(frames: dict) -> dict:
    """Run every table's suite; returns a JSON-ready report with a per-expectation outcome."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("tables")
    report: dict = {"success": True, "tables": {}}
    for name in sorted(frames):
        schema = load_schema(name)
        if frames[name].empty and not schema.body.get("required"):
            # No source in raw/ carries this table (a run over reposts only has no Tahaoo tables):
            # nothing to check, and said so rather than failed.
            report["tables"][name] = {"success": True, "rows": 0, "empty": True, "expectations": []}
            continue
        specs = expectations_for(schema)
        frame = _validation_frame(frames[name], schema)
        batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all").get_batch(
            batch_parameters={"dataframe": frame})
        suite = context.suites.add(gx.ExpectationSuite(name=name))  # a stored suite gives each expectation an id
        ids = [suite.add_expectation(ExpectationConfiguration(type=spec["type"], kwargs=spec["kwargs"])
                                     .to_domain_obj()).id for spec in specs]
        if None in ids or len(set(ids)) != len(ids):
            raise RuntimeError(f"great-expectations gave the {name} suite's expectations no distinct ids")
        results = batch.validate(suite, result_format="SUMMARY").results
        by_id = {r.expectation_config.id: r for r in results}
        outcomes = []
        for spec, expectation_id in zip(specs, ids):
            result = by_id[expectation_id]
            detail = result.result or {}
            outcomes.append({
                "expectation": spec["type"],
                "kwargs": spec["kwargs"],
                "meaning": spec["meaning"],
                "success": bool(result.success),
                "observed_value": _plain(detail.get("observed_value")),
                "unexpected_count": detail.get("unexpected_count"),
                "unexpected_sample": [_plain(v) for v in (detail.get("partial_unexpected_list") or [])[:_SAMPLE]],
            })
        success = all(o["success"] for o in outcomes)
        report["tables"][name] = {"success": success, "rows": int(len(frame)), "expectations": outcomes}
        report["success"] = report["success"] and success
    return report


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def summarise(report: dict) -> list[str]:
    """Console lines: one per table, and one per failed expectation."""
    lines = []
    for name, table in report["tables"].items():
        if table.get("empty"):
            lines.append(f"  --   {name}: no rows (nothing in raw/ carries this table), not checked")
            continue
        passed = sum(o["success"] for o in table["expectations"])
        lines.append(f"  {'ok  ' if table['success'] else 'FAIL'} {name}: {passed}/{len(table['expectations'])} "
                     f"expectations, {table['rows']} rows")
        for o in table["expectations"]:
            if not o["success"]:
                what = o["meaning"] or f"{o['expectation']} {json.dumps(o['kwargs'], ensure_ascii=False)}"
                lines.append(f"       failed: {what}; observed {o['observed_value']!r}, "
                             f"{o['unexpected_count']} unexpected, e.g. {o['unexpected_sample'][:3]}")
    return lines
