"""Stages of development from every source that states them, merged by stage name."""

from __future__ import annotations

from pipeline.extract.stages import Stage
from pipeline.model import QualityRecord


def stage_rows(found: list[tuple[str, Stage]], quality: list[QualityRecord], published: str) -> list[dict]:
    merged: dict[str, dict] = {}
    for source_id, stage in found:
        values = {"score_min": stage.score_min, "score_max": stage.score_max, "n_cities": stage.n_cities}
        row = merged.get(stage.name)
        if row is None:
            merged[stage.name] = {"stage": stage.name, **values, "source_ids": source_id, "location": stage.location,
                                  "flags": ""}
            continue
        if any(row[k] != v for k, v in values.items()):
            quality.append(QualityRecord(source_id, stage.location, published,
                                         "stage stated differently by another source", stage.raw,
                                         f"{row['score_min']}-{row['score_max']}, {row['n_cities']}",
                                         f"first source's values kept ({row['source_ids']})"))
        elif source_id not in row["source_ids"].split(";"):
            row["source_ids"] = ";".join(sorted(row["source_ids"].split(";") + [source_id]))
    return list(merged.values())
