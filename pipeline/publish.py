"""What goes around the tables when they are published: protection against spreadsheet formula
injection, and a Frictionless Data Package describing every table and where it came from."""

from __future__ import annotations

from pipeline.model import QualityRecord
from pipeline.schemas import load_schema

# A cell a spreadsheet would run as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_cells(tables: dict[str, list[dict]]) -> list[QualityRecord]:
    """A data_quality row for each text cell the CSV export prefixes with an apostrophe (a spreadsheet
    would run it as a formula); the rows themselves, and so the Parquet files, keep the true value."""
    records = []
    for name, rows in tables.items():
        for column in _text_columns(name):
            for row in rows:
                value = row.get(column)
                if isinstance(value, str) and value.startswith(_FORMULA_START):
                    records.append(QualityRecord(row.get("source_id", ""), row.get("location", ""), name,
                                                 "text cell that a spreadsheet would run as a formula", value,
                                                 "'" + value, "prefixed with an apostrophe in the CSV file; the "
                                                 "Parquet file keeps the value"))
    return records


def spreadsheet_safe(frame, name: str):
    """A copy of the table for the CSV file: text cells a spreadsheet would run as a formula prefixed
    with an apostrophe."""
    frame = frame.copy()
    for column in _text_columns(name):
        values = frame[column]
        risky = values.str.startswith(_FORMULA_START).fillna(False)
        if risky.any():
            frame[column] = values.mask(risky, "'" + values)
    return frame


def _text_columns(name: str) -> list[str]:
    return [f["name"] for f in load_schema(name).fields if f.get("type", "string") == "string"]


def datapackage(tables: list[str], sources: list[dict]) -> dict:
    """A Frictionless Data Package: one resource per table, its schema from schemas/, the sources."""
    resources = []
    for name in sorted(tables):
        schema = load_schema(name).body
        resources.append({
            "name": name,
            "profile": "tabular-data-resource",
            "path": f"{name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": schema.get("title", name),
            "description": (schema.get("description", "") + " UTF-8 with a byte-order mark (for Excel); Python's "
                            "csv module reads it with encoding='utf-8-sig'.").strip(),
            "schema": {
                "fields": [{k: v for k, v in field.items() if k in ("name", "type", "description", "constraints")}
                           for field in schema["fields"]],
                **({"primaryKey": schema["primaryKey"]} if schema.get("primaryKey") else {}),
            },
        })
    return {
        "profile": "tabular-data-package",
        "name": "china-digital-city-rankings-2020",
        "title": "China's 2020 digital-city rankings (CCID, Tahaoo), extracted and validated",
        "licenses": [{"name": "other-at", "title": "Extracted from public documents; see sources"}],
        "sources": [{"title": s["title"] or s["file"], "path": f"raw/{s['file']}", "sha256": s["sha256"],
                     "publisher": s["publisher"], "status": s["status"]} for s in sources],
        "resources": resources,
    }
