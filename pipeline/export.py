"""Tables to ``output/NAME.csv`` (UTF-8 with a byte-order mark, which Excel needs to read Chinese text
and which pandas, DuckDB and pyarrow skip) and ``output/NAME.parquet``: typed, ordered, written atomically.

Column order, types and row order come from the table's schema, so two runs over the same inputs
write byte-identical files, and a reader never sees a half-written file (each file is written to a
temporary name in the same folder and renamed into place).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

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


def write_table(frame, name: str, out_dir: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    csv_text = frame.to_csv(index=False, lineterminator="\n")
    atomic_write(out_dir / f"{name}.csv", csv_text.encode("utf-8-sig"))
    arrow_types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    schema = pa.schema([(f["name"], arrow_types[f.get("type", "string")]) for f in load_schema(name).fields])
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer, compression="zstd")
    atomic_write(out_dir / f"{name}.parquet", buffer.getvalue().to_pybytes())


def write_json(path: Path, payload) -> None:
    atomic_write(path, (json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False) as handle:
        handle.write(data)
        tmp = Path(handle.name)
    try:
        _readable(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _readable(path: Path) -> None:
    """Temporary files are private; a published file gets the permissions the user's umask gives."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)
