"""Regions of the top-100: the paper's seven-region legend, the statistical four-way division, and
the distribution of the top-100 by province, region and division (counts and shares)."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from pipeline.extract.regions import Region
from pipeline.model import QualityRecord
from pipeline.reconcile.gazetteer import Gazetteer


@lru_cache(maxsize=1)
def economic_divisions() -> dict[str, str]:
    """Province official name -> 东部 / 中部 / 西部 / 东北 (data file pipeline/data/economic_divisions.tsv)."""
    from pipeline.package_data import data_rows

    return {province: division for division, province in data_rows("economic_divisions.tsv")}


def region_rows(found: list[tuple[str, Region]], gaz: Gazetteer, quality: list[QualityRecord],
                published: str) -> list[dict]:
    """(region, province) pairs from every legend; a province claimed by two regions is recorded and the
    first source's region kept."""
    assigned: dict[str, tuple[str, str]] = {}
    for source_id, region in found:
        for member in region.members:
            province = gaz.province(member)
            if province is None:
                quality.append(QualityRecord(source_id, region.location, published,
                                             "region member is not a province", member, "", "left out"))
                continue
            if province.name in assigned and assigned[province.name][0] != region.name:
                quality.append(QualityRecord(source_id, region.location, published,
                                             "province in two regions", f"{member} in {region.name}",
                                             assigned[province.name][0], "first region kept"))
                continue
            assigned.setdefault(province.name, (region.name, source_id))
    return [{"region": region, "province": province, "source_id": source, "flags": ""}
            for province, (region, source) in assigned.items()]


def attach_regions(top: list[dict], regions: list[dict], quality: list, published: str) -> None:
    """Each top-100 row's region from the white paper's legend (figure 2) and its economic division;
    a province the legend does not place is left without a region and recorded."""
    region_of = {r["province"]: r["region"] for r in regions}
    division_of = economic_divisions()
    for row in top:
        row["region"] = region_of.get(row["province"], "")
        row["division"] = division_of.get(row["province"], "")
    unplaced = sorted({row["province"] for row in top if not row["region"]})
    if unplaced:
        why = ("no source in raw/ holds the region legend (the CCID white paper's figure 2): add the white paper"
               if not regions else "the region legend does not name these provinces; check its extraction")
        quality.append(QualityRecord("consensus", published, published, "province without a region",
                                     "、".join(unplaced), "", f"region left empty; {why}"))


def distribution(top: list[dict], key: str) -> list[dict]:
    """Count and share (percent of the list) of the top-100 per value of ``key``."""
    counts = Counter(row[key] for row in top)
    total = len(top)
    return [{key: value, "n_cities": n, "share": round(100 * n / total, 2)} for value, n in counts.items()]
