"""Great Expectations suites built from ``schemas/``, run over the tables before they are published.

Field constraints become column expectations (required -> not null, unique, enum -> in set, pattern
-> regex, minimum/maximum -> between) and each schema's ``expectations`` list adds table-level ones.
Three rules hold for every table whose columns call for them, so a new table gets them too:
- a ``flags`` column holds only the flags of ``schemas/flags.toml``;
- a table with ``flags`` flags every row whose text shows the marks of unread damage (unreadable_text);
- a table of places (``adcode`` beside ``province``, ``city``, ``county`` or ``district``): the row
  checks of pipeline.validate.places (official names of the right level, no name cut at a division
  suffix, the adcode inside the province and city named).
Columns an expectation needs but the table does not carry (``gazetteer_province``,
``previous_score_in_tier``, ``place_problem``) are derived here, so the published tables stay free of
helper columns.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from pipeline.cache import SUFFIX, load, prune, store
from pipeline.validate.places import PLACE_COLUMNS
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
    return specs + _table_rules(schema)


def _table_rules(schema: Schema) -> list[dict]:
    """The expectations every table gets from the columns it has (see the module's docstring)."""
    from pipeline.reconcile.unread import FLAG

    rules = []
    if "flags" in schema.columns:
        names = "|".join(sorted(flag_vocabulary()))
        rules.append({"type": "expect_column_values_to_match_regex",
                      "kwargs": {"column": "flags", "regex": f"^(?:(?:{names})(?:;|$))+$"},
                      "meaning": "every flag is one of schemas/flags.toml"})
        rules.append({"type": "expect_column_values_to_be_in_set",
                      "kwargs": {"column": "unflagged_unreadable_text", "value_set": [False]},
                      "meaning": f"every value that shows unread damage (?, U+FFFD, private-use) is flagged {FLAG}"})
    if "adcode" in schema.columns and set(schema.columns) & set(PLACE_COLUMNS):
        rules.append({"type": "expect_column_values_to_be_null", "kwargs": {"column": "place_problem"},
                      "meaning": "every place row: official names of the right level, an adcode inside the province "
                                 "and city named, no town or county cut at a division suffix"})
    return rules


@lru_cache(maxsize=1)
def flag_vocabulary() -> dict[str, str]:
    """Flag -> what it means, from schemas/flags.toml."""
    import tomllib

    from pipeline.schemas import SCHEMA_DIR

    return tomllib.loads((SCHEMA_DIR / "flags.toml").read_text(encoding="utf-8"))["flags"]


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
    needed = {value for spec in expectations_for(schema) for key, value in spec["kwargs"].items()
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


def _edition_unexplained(frame) -> list:
    """A claim whose edition differs from the one most of its source's claims have, while its sentence
    names no ranking or report of that year: a year of the sentence taken for the edition."""
    from pipeline.claims import named_edition

    usual = frame.groupby("source_id")["edition"].agg(lambda e: e.mode().iloc[0] if e.notna().any() else None)
    return [bool(edition == edition and edition != usual[source] and named_edition(_text(text)) != edition)
            for source, edition, text in zip(frame["source_id"], frame["edition"], frame["text"])]


def _unflagged_unreadable_text(frame) -> list:
    """Whether a row shows unread damage in a text value without the flag that says so."""
    from pipeline.reconcile.unread import DAMAGE_MARKS, FLAG, NOT_VALUES

    from pandas.api.types import is_numeric_dtype

    columns = [c for c in frame.columns if not is_numeric_dtype(frame[c]) and c not in NOT_VALUES]
    flagged = [FLAG in _text(flags).split(";") for flags in frame["flags"]]
    damaged = [any(isinstance(v, str) and DAMAGE_MARKS.search(v) for v in values)
               for values in zip(*(frame[c] for c in columns))] if columns else [False] * len(frame)
    return [bool(d and not f) for d, f in zip(damaged, flagged)]


def _place_problem(frame) -> list:
    """What is wrong with each place row (None when nothing is): see pipeline.validate.places."""
    from pipeline.reconcile.gazetteer import gazetteer
    from pipeline.validate.places import place_problem

    gaz = gazetteer()
    columns = [c for c in ("adcode", "flags", *PLACE_COLUMNS) if c in frame.columns]
    return [place_problem({k: _text(v) for k, v in row.items()}, gaz) for row in frame[columns].to_dict("records")]


def _rows_lost(frame):
    """Lines seen as ranking rows that were neither read nor recorded (null for a source not read)."""
    return frame["n_rows_seen"] - frame["n_rows_read"] - frame["n_rows_recorded"]


def _text(value) -> str:
    """A cell of the validation frame as text: missing values (None, or NaN in a column with no text) as ''."""
    return value if isinstance(value, str) else ""


_DERIVED = {"gazetteer_province": _gazetteer_province, "previous_score_in_tier": _previous_score_in_tier,
            "undocumented_contradiction": _undocumented_contradiction, "edition_unexplained": _edition_unexplained,
            "unflagged_unreadable_text": _unflagged_unreadable_text, "place_problem": _place_problem,
            "n_rows_lost": _rows_lost}


def validate_tables(frames: dict, cache: Path | None = None, runner: SuiteRunner | None = None) -> dict:
    """Run every table's suite; returns a JSON-ready report with a per-expectation outcome.

    With ``cache`` (a folder), a table's outcome is stored under a hash of what decides it (the frame
    as validated, its expectations, this module and the great-expectations version) and reused while
    none of that changes: a re-run where few tables changed validates only those, and a run where none
    changed does not need great-expectations at all. ``runner`` runs the suites in a process that
    imported great-expectations while the tables were being built.
    """
    report: dict = {"success": True, "tables": {}}
    pending = {}
    used: list[Path] = []
    for name in sorted(frames):
        schema = load_schema(name)
        if frames[name].empty and not schema.body.get("required"):
            # No source in raw/ carries this table (a run over reposts only has no Tahaoo tables):
            # nothing to check, and said so rather than failed.
            report["tables"][name] = {"success": True, "rows": 0, "empty": True, "expectations": []}
            continue
        specs = expectations_for(schema)
        frame = _validation_frame(frames[name], schema)
        stored = cache / f"{_outcome_key(frame, specs)}{SUFFIX}" if cache is not None else None
        if stored is not None:
            used.append(stored)
        outcome = _stored_outcome(stored) if stored is not None else None
        if outcome is not None:
            report["tables"][name] = outcome
        else:
            pending[name] = (specs, frame, stored)
    outcomes = (runner.run if runner is not None else _run_suites)(pending) if pending else {}
    for name, outcome in outcomes.items():
        report["tables"][name] = outcome
        stored = pending[name][2]
        if stored is not None:
            store(stored, outcome)
    if cache is not None:
        prune(cache, {stored.name for stored in used})
    report["tables"] = dict(sorted(report["tables"].items()))
    report["success"] = all(table["success"] for table in report["tables"].values())
    return report


def _stored_outcome(stored: Path) -> dict | None:
    """A cached outcome, or None when there is none or it does not verify (cut short by a crash,
    garbled, planted: see pipeline.cache): the table is then validated again and the entry rewritten."""
    outcome = load(stored, dict)
    return outcome if outcome is not None and "success" in outcome and "expectations" in outcome else None


@lru_cache(maxsize=1)
def _suite_fingerprint() -> bytes:
    from importlib.metadata import version

    return Path(__file__).read_bytes() + version("great_expectations").encode()


def _outcome_key(frame, specs: list[dict]) -> str:
    from pandas.util import hash_pandas_object

    digest = hashlib.sha256(_suite_fingerprint())
    digest.update(json.dumps(specs, ensure_ascii=False, sort_keys=True).encode())
    digest.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    digest.update(hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


class SuiteRunner:
    """A child Python that imports great-expectations (seconds of start-up) while the parent reads
    sources and builds tables on the other core, then runs the suites it is sent (see
    pipeline.children: it ends with the run, however the run ends)."""

    def __init__(self) -> None:
        from pipeline import children

        try:
            self._process = children.start("from pipeline.validate.suites import serve; serve()")
        except OSError:
            self._process = None  # no child: the suites run in this process, only later

    def run(self, pending: dict) -> dict:
        """Outcomes from the child; in this process instead when the child is gone or garbled its answer."""
        import pickle
        import sys

        from pipeline import children

        if self._process is not None:
            try:
                children.send(self._process.stdin, pending)
                ok, value = children.receive(self._process.stdout)
            except (OSError, EOFError, ValueError, pickle.UnpicklingError):
                self.close()
                print(f"warning: the validation process ended (exit code {self._process.returncode}) without an "
                      "answer; validating here instead", file=sys.stderr)
            else:
                if not ok:
                    raise RuntimeError(f"validation failed inside great-expectations:\n{value}\nCheck that the "
                                       "pinned great-expectations is installed (`make setup`); if it is, report the "
                                       "traceback above with the tables in output/.")
                return value
        return _run_suites(pending)

    def close(self) -> None:
        """Stop the child (it may still be importing when no table needed it); safe to call twice."""
        from pipeline import children

        children.stop(self._process)


def serve() -> None:
    """The child's side of :class:`SuiteRunner`: import, read the pending suites, answer."""
    import traceback

    from pipeline import children

    requests, answers = children.serving()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations  # noqa: F401  (the point of the child: imported before it is needed)

    try:
        pending = children.receive(requests)
    except EOFError:
        return
    try:
        result = (True, _run_suites(pending))
    except Exception:  # sent to the parent, which raises it with the traceback
        result = (False, traceback.format_exc())
    try:
        children.send(answers, result)
    except OSError:  # the run is gone: nobody to answer
        os._exit(0)


def _run_suites(pending: dict) -> dict:
    """{table: outcome} for {table: (specs, frame, _)} through great-expectations."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("tables")
    outcomes = {}
    for name, (specs, frame, _) in pending.items():
        batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all").get_batch(
            batch_parameters={"dataframe": frame})
        # a stored suite gives each expectation an id; storing it whole is one write, not one per expectation
        suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=[
            ExpectationConfiguration(type=spec["type"], kwargs=spec["kwargs"]).to_domain_obj() for spec in specs]))
        ids = [expectation.id for expectation in suite.expectations]
        in_order = [e.expectation_type for e in suite.expectations] == [spec["type"] for spec in specs]
        if None in ids or len(set(ids)) != len(ids) or not in_order:
            raise RuntimeError(f"great-expectations did not store the {name} suite's expectations in order "
                               "with distinct ids; install the pinned version with `make setup`")
        results = batch.validate(suite, result_format="BASIC").results
        by_id = {r.expectation_config.id: r for r in results}
        expectations = []
        for spec, expectation_id in zip(specs, ids):
            result = by_id[expectation_id]
            detail = result.result or {}
            expectations.append({
                "expectation": spec["type"],
                "kwargs": spec["kwargs"],
                "meaning": spec["meaning"],
                "success": bool(result.success),
                "observed_value": _plain(detail.get("observed_value")),
                "unexpected_count": detail.get("unexpected_count"),
                "unexpected_sample": [_plain(v) for v in (detail.get("partial_unexpected_list") or [])[:_SAMPLE]],
            })
        outcomes[name] = {"success": all(o["success"] for o in expectations), "rows": int(len(frame)),
                          "expectations": expectations}
    return outcomes


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
