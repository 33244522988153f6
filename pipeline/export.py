"""Tables as ``NAME.csv`` (UTF-8 with a byte-order mark, which Excel needs to read Chinese text and
which pandas, DuckDB and pyarrow skip) and ``NAME.parquet``: typed and ordered; files written atomically.

Column order, types and row order come from the table's schema, so two runs over the same inputs
write byte-identical files; pipeline.output_set switches a run's files into the output folder as one set.
"""

from __future__ import annotations

import json
import re

from pipeline.schemas import load_schema

_PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}


def to_frame(name: str, rows: list[dict]):
    """A DataFrame with exactly the schema's columns, types and row order."""
    import pandas as pd

    schema = load_schema(name)
    frame = pd.DataFrame(rows, columns=schema.columns)
    for field in schema.fields:
        column = field["name"]
        frame[column] = _typed(frame[column], field.get("type", "string"))
    frame = frame.sort_values(schema.sort_by, kind="stable", na_position="last").reset_index(drop=True)
    return frame


def _typed(values, kind: str):
    """Values (Python objects, or strings read back from CSV) as the schema's pandas dtype."""
    import pandas as pd

    def missing(v) -> bool:
        return v is None or v is pd.NA or (isinstance(v, float) and v != v) or v == ""

    if kind == "string":  # str() of every value, missing ones as "": in pandas' own loops, not a lambda per cell
        return values.astype(object).astype("string").fillna("")
    if kind == "boolean":
        truth = {"true": True, "false": False}
        return values.map(lambda v: None if missing(v) else truth.get(str(v).lower(), v)).astype("boolean")
    values = values.astype(object)
    return pd.to_numeric(values.mask(values.eq(""), None), errors="raise").astype(_PANDAS_TYPES[kind])


def table_files(frame, name: str) -> dict[str, bytes]:
    """``NAME.csv`` and ``NAME.parquet`` of a table. The CSV, which spreadsheets open, has its formula-like
    cells prefixed with an apostrophe (see pipeline.publish); the Parquet file keeps every value as it is."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.publish import spreadsheet_safe

    arrow_types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    schema = pa.schema([(f["name"], arrow_types[f.get("type", "string")]) for f in load_schema(name).fields])
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer, compression="zstd")
    return {f"{name}.csv": csv_text(spreadsheet_safe(frame, name)).encode("utf-8-sig"),
            f"{name}.parquet": buffer.getvalue().to_pybytes()}


_QUOTED_OR_RECORD_END = re.compile(r'("[^"]*(?:""[^"]*)*")|\r\n')


def csv_text(frame) -> str:
    """The frame as CSV with \\n record ends, every field that holds a line break (\\n or \\r) quoted.
    Python's csv writer quotes a field holding a character of its line terminator: written with \\r\\n it
    quotes both kinds, and the record ends outside quoted fields then become \\n."""
    text = frame.to_csv(index=False, lineterminator="\r\n")
    return _QUOTED_OR_RECORD_END.sub(lambda match: match.group(1) or "\n", text)


def json_bytes(payload) -> bytes:
    return (json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
