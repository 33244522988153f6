"""The claims the documents make, each checked against the tables of the edition it speaks of."""

from __future__ import annotations

from pipeline.families import Inputs, Result


def claims(inputs: Inputs) -> Result:
    from pipeline.claims import EditionTables, check_claims, extract_claims
    from pipeline.curated import load_known_discrepancies
    from pipeline.editions import edition_of_table
    from pipeline.reconcile.regions import economic_divisions

    by_edition: dict[str, dict[str, list[dict]]] = {}
    regions = set()
    for name in inputs.instance.requires:
        edition, kind = edition_of_table(name)
        by_edition.setdefault(edition.id, {})[kind] = inputs.table(name)
        if kind == "regions":
            regions |= {row["region"] for row in inputs.table(name)}
    editions = {e.id: e for e in (edition_of_table(n)[0] for n in inputs.instance.requires)}
    present = [EditionTables(edition_id, tables) for edition_id, tables in sorted(by_edition.items())
               if tables.get("top100")]
    by_year = {}
    for tables in present:
        by_year.setdefault(editions[tables.id].year, tables)
    fallback = next((t for t in present if editions[t.id].publish == "always"), present[0] if present else None)
    divisions = set(economic_divisions().values())
    found = []
    for source in inputs.sources:
        key = ("claims", source.row["edition"], tuple(sorted(regions)), tuple(sorted(divisions)))
        found.extend(inputs.found(source, key, lambda _: extract_claims(
            source.doc.source_id, source.lines, source.doc.locations, source.row["edition"], inputs.gaz, regions,
            divisions)))
    return Result({"claims": check_claims(found, by_year, fallback, load_known_discrepancies())})
