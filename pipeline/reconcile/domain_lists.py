"""The white paper's domain top-100 lists: every city resolved, every source defect handled and recorded.

Rules, in order, each one a ``data_quality`` row when it fires:
- a name broken by a line wrap is joined, a separator left at its edge stripped (names.clean_name);
- an empty item (a trailing ``、``) is dropped;
- an unknown name is corrected only when the gazetteer offers exactly one city of the listed province
  that differs by one character (``养南市`` -> 济南市); otherwise it is kept and flagged;
- a province cell that is not a province (a line of dashes) is inferred from its cities when they
  all lie in one province;
- a city listed twice in one list is kept once;
- every city is checked to lie in the province it is listed under.
Cities from correction files join their list flagged ``from_correction``.
"""

from __future__ import annotations

from collections import Counter

from pipeline.extract.province_lists import ProvinceListTable
from pipeline.issues import Issue
from pipeline.model import QualityRecord
from pipeline.reconcile.gazetteer import Gazetteer
from pipeline.reconcile.names import Note, Resolution, clean_name, resolve_city

LIST_SIZE = 100


def reconcile_list(source_id: str, table: ProvinceListTable, gaz: Gazetteer, quality: list[QualityRecord],
                   published: str) -> list[dict]:
    """One row per distinct city of the list, in source order; ``published`` is the table it goes to."""
    list_name = table.name
    table_label = f"{published} ({list_name})"

    def record(location, issue, raw, resolved, action):
        quality.append(QualityRecord(source_id, location, table_label, issue, raw, resolved, action))

    rows: list[dict] = []
    seen: dict[str, str] = {}
    for row in table.rows:
        province_name, _ = clean_name(row.province)
        province = gaz.province(province_name)
        if not row.cities:
            record(row.location, "province row lists no cities", row.province, "",
                   "nothing to extract; see schemas/known_gaps.toml")
            continue
        resolved: list[Resolution] = []
        for piece in row.cities:
            if not piece:
                record(row.location, "empty list item (stray separator)", row.raw.strip()[-12:], "", "dropped")
                continue
            res = resolve_city(piece, province.name if province else None, gaz)
            if "unresolved" in res.flags and province is not None:
                res = _correct_misreading(res, province.adcode, gaz)
            resolved.append(res)
        flags_for_row: list[str] = []
        if province is None:
            provinces = {r.province.name for r in resolved if r.city is not None}
            if len(provinces) == 1:
                inferred = provinces.pop()
                record(row.location, "province cell is not a province", row.province, inferred,
                       "province inferred from the row's cities")
                flags_for_row.append("province_inferred")
            else:
                record(row.location, "province cell is not a province", row.province, "",
                       "kept unresolved: the row's cities do not agree on a province")
                flags_for_row.append("province_unknown")
        for res in resolved:
            for note in res.notes:
                record(row.location, note.issue, note.raw, note.resolved, note.action)
            key = res.key
            if key in seen:
                record(row.location, "city listed twice in one list", res.raw, res.name,
                       f"kept once (first at {seen[key]})")
                continue
            seen[key] = row.location
            flags = res.flags + flags_for_row
            rows.append({
                "domain": list_name, "province": res.province_name, "city": res.name, "adcode": res.adcode,
                "flags": ";".join(sorted(set(flags))), "raw_city": res.raw, "source_id": source_id,
                "location": row.location,
            })
    return rows


def _correct_misreading(res: Resolution, province_adcode: str, gaz: Gazetteer) -> Resolution:
    name, _ = clean_name(res.raw)
    candidates = gaz.close_cities(name, province_adcode)
    if len(candidates) != 1:
        return res
    fixed = resolve_city(candidates[0].name, candidates[0].province, gaz)
    fixed.raw = res.raw
    fixed.flags.append("corrected")
    fixed.notes = [n for n in res.notes if n.issue != Issue.CITY_NOT_IN_GAZETTEER] + [
        Note("unknown name, one gazetteer city of the listed province differs by one character",
             res.raw, candidates[0].name, "corrected (likely OCR misreading)")]
    return fixed


def add_corrections(rows: list[dict], entries: list[dict], gaz: Gazetteer, quality: list[QualityRecord],
                    published: str) -> list[dict]:
    """Cities typed from the printed paper (raw/corrections/) join their list, flagged and recorded."""
    added = []
    # Unresolved cities have no adcode; like reconcile_list, they are told apart by the name as written.
    present = {(r["domain"], r["adcode"] or f"?{r['raw_city']}") for r in rows}
    for entry in entries:
        for name in entry["cities"]:
            res = resolve_city(name, entry["province"], gaz)
            location = f"{entry['file']} ({entry['domain']}, {entry['province']})"
            key = (entry["domain"], res.key)
            if key in present:
                quality.append(QualityRecord("corrections", location, published,
                                             "correction repeats a city the sources already list", name,
                                             res.name, "ignored"))
                continue
            present.add(key)
            quality.append(QualityRecord("corrections", location, published,
                                         "city supplied by a correction file", name, res.name,
                                         f"added; provenance: {entry['provenance']}"))
            added.append({
                "domain": entry["domain"], "province": res.province_name, "city": res.name, "adcode": res.adcode,
                "flags": ";".join(sorted({"from_correction", *res.flags})), "raw_city": name,
                "source_id": "corrections", "location": location,
            })
    return rows + added


def summarise_lists(rows: list[dict], gaps, quality: list[QualityRecord], published: str,
                    size: int = LIST_SIZE) -> list[dict]:
    """Per list: cities found, the shortfall explained by open known gaps, and what is left unexplained.

    A gap is open while its province still has no city in the list; a correction or a better source
    that fills the province closes it, and then the list must reach its full size."""
    counts = Counter(r["domain"] for r in rows)
    provinces = {(r["domain"], Gazetteer.short_province(r["province"])) for r in rows}
    summary = []
    for name in sorted(counts):
        open_gaps = [g for g in gaps if g.table == published and g.domain == name
                     and (name, Gazetteer.short_province(g.province)) not in provinces]
        for gap in open_gaps:
            quality.append(QualityRecord(gap.source.rsplit(".", 1)[0], gap.location, published,
                                         f"documented gap: {gap.province} missing from {name}",
                                         f"{gap.missing} cities", "", f"accepted as a known gap: {gap.reason}"))
        documented = sum(g.missing for g in open_gaps)
        summary.append({
            "domain": name, "n_cities": counts[name], "n_documented_missing": documented,
            "n_unexplained": size - counts[name] - documented,
            "gaps": "; ".join(f"{g.province}: {g.missing}" for g in open_gaps),
        })
    return summary

