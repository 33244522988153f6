"""Several sources carrying the same table: keep one row per key, the first source's (sources come in
priority order), and record where another copy says something else."""

from __future__ import annotations

from pipeline.model import QualityRecord


def merge_copies(rows: list[dict], key: tuple[str, ...], compared: tuple[str, ...], table: str,
                 quality: list[QualityRecord]) -> list[dict]:
    """One row per ``key`` (an empty adcode in the key falls back to the name as written); a later copy
    that differs on a ``compared`` field is a data_quality row."""
    kept: dict[tuple, dict] = {}
    for row in rows:
        k = tuple(row[f] or f"?{row.get('raw_city', row.get('name', ''))}" if f == "adcode" else row[f] for f in key)
        first = kept.get(k)
        if first is None:
            kept[k] = row
            continue
        if first["source_id"] == row["source_id"]:
            continue
        differences = [f for f in compared if row[f] != first[f]]
        if differences:
            quality.append(QualityRecord(
                row["source_id"], row.get("location", ""), table, "copies of the table disagree",
                "; ".join(f"{f}={row[f]}" for f in differences),
                "; ".join(f"{f}={first[f]}" for f in differences), f"{first['source_id']}'s value kept"))
    return list(kept.values())
