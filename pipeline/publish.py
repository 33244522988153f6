"""What goes around the tables when they are published: protection against spreadsheet formula
injection, and a Frictionless Data Package describing every table and where it came from."""

from __future__ import annotations

from pipeline.model import QualityRecord
from pipeline.schemas import load_schema

# A cell a spreadsheet would run as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(tables: dict[str, list[dict]], quality: list[QualityRecord] | None) -> None:
    """Prefix text cells that a spreadsheet would read as a formula with an apostrophe, in place; each
    one is a data_quality row, unless ``quality`` is None (the data_quality table itself)."""
    for name, rows in tables.items():
        text_columns = [f["name"] for f in load_schema(name).fields if f.get("type", "string") == "string"]
        for row in rows:
            for column in text_columns:
                value = row.get(column)
                if isinstance(value, str) and value.startswith(_FORMULA_START):
                    row[column] = "'" + value
                    if quality is not None:
                        quality.append(QualityRecord(row.get("source_id", ""), row.get("location", ""), name,
                                                     "text cell that a spreadsheet would run as a formula",
                                                     value, row[column], "prefixed with an apostrophe"))


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
