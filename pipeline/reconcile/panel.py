"""One row per prefecture-level city (or municipality) that either publisher ranks: CCID 2020 rank
beside the Tahaoo tier, rank and score, and how far the two rankings agree (Spearman's rank
correlation between the CCID rank and the Tahaoo score).

The panel compares cities, so a Tahaoo row for a district, a county-level city (琼海市 reports to its
province but is not a prefecture) or a zone inside a city (西安高新区: its score is the zone's, not the
city's) is left out, with a data_quality row per tier; it stays in tahaoo2020_scores."""

from __future__ import annotations

from pipeline.model import QualityRecord

RHO = "spearman_ccid_rank_vs_tahaoo_score"
AGREEMENT = ("Spearman's rho between the CCID rank (1 is best) and the Tahaoo score (higher is better) over the "
             "cities both rank: a negative value means the two rankings agree, -1 perfectly; 0 means no relation.")


def city_panel(top100: list[dict], scores: list[dict], gaz, quality: list[QualityRecord]) -> tuple[list[dict], dict]:
    panel: dict[str, dict] = {}
    for row in top100:
        if row["adcode"]:
            panel[row["adcode"]] = {"adcode": row["adcode"], "city": row["city"], "province": row["province"],
                                    "ccid_rank": row["rank"], "tahaoo_tier": "", "tahaoo_rank": None,
                                    "tahaoo_score": None}
    left_out: dict[tuple[str, str], list[dict]] = {}
    for row in scores:
        if row["district"] or not row["city"] or "not_an_administrative_division" in row["flags"].split(";"):
            left_out.setdefault((row["source_id"], row["tier"]), []).append(row)
            continue
        city = next((c for c in gaz.cities(row["city"]) if c.level != "county"), None)
        if city is None:
            continue
        entry = panel.setdefault(city.adcode, {"adcode": city.adcode, "city": city.name, "province": city.province,
                                               "ccid_rank": None, "tahaoo_tier": "", "tahaoo_rank": None,
                                               "tahaoo_score": None})
        if entry["tahaoo_score"] is None or row["score"] > entry["tahaoo_score"]:
            entry.update(tahaoo_tier=row["tier"], tahaoo_rank=row["rank"], tahaoo_score=row["score"])
    for (source_id, tier), units in left_out.items():
        quality.append(QualityRecord(
            source_id, f"{units[0]['location']} ff.", "city_panel", "ranked units that are not prefecture-level cities",
            f"{len(units)} rows of {tier}, e.g. {units[0]['name']}", "",
            "left out of the panel (districts, counties, county-level cities, zones); kept in tahaoo2020_scores"))
    rows = sorted(panel.values(), key=lambda r: r["adcode"])
    both = [r for r in rows if r["ccid_rank"] is not None and r["tahaoo_score"] is not None]
    summary = {"cities_ranked_by_both": len(both), RHO: None, f"{RHO}_meaning": AGREEMENT}
    if len(both) >= 3:
        import pandas as pd

        frame = pd.DataFrame(both)
        # Spearman's rho is Pearson's r on ranks (pandas' own spearman needs scipy)
        rho = frame["ccid_rank"].rank().corr(frame["tahaoo_score"].rank())
        summary[RHO] = round(float(rho), 4)
    return rows, summary
