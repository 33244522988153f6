"""One row per prefecture-level city that either publisher ranks: CCID 2020 rank beside the Tahaoo
tier, rank and score, and how far the two rankings agree (Spearman's rank correlation)."""

from __future__ import annotations


def city_panel(top100: list[dict], scores: list[dict], gaz) -> tuple[list[dict], dict]:
    panel: dict[str, dict] = {}
    for row in top100:
        if row["adcode"]:
            panel[row["adcode"]] = {"adcode": row["adcode"], "city": row["city"], "province": row["province"],
                                    "ccid_rank": row["rank"], "tahaoo_tier": "", "tahaoo_rank": None,
                                    "tahaoo_score": None}
    for row in scores:
        if row["district"] or not row["city"]:
            continue
        city = next(iter(gaz.cities(row["city"])), None)
        if city is None:
            continue
        entry = panel.setdefault(city.adcode, {"adcode": city.adcode, "city": city.name, "province": city.province,
                                               "ccid_rank": None, "tahaoo_tier": "", "tahaoo_rank": None,
                                               "tahaoo_score": None})
        if entry["tahaoo_score"] is None or row["score"] > entry["tahaoo_score"]:
            entry.update(tahaoo_tier=row["tier"], tahaoo_rank=row["rank"], tahaoo_score=row["score"])
    rows = sorted(panel.values(), key=lambda r: r["adcode"])
    both = [r for r in rows if r["ccid_rank"] is not None and r["tahaoo_score"] is not None]
    summary = {"cities_ranked_by_both": len(both), "spearman_ccid_rank_vs_tahaoo_score": None}
    if len(both) >= 3:
        import pandas as pd

        frame = pd.DataFrame(both)
        # Spearman's rho is Pearson's r on ranks (pandas' own spearman needs scipy)
        rho = frame["ccid_rank"].rank().corr((-frame["tahaoo_score"]).rank())
        summary["spearman_ccid_rank_vs_tahaoo_score"] = round(float(rho), 4)
    return rows, summary
