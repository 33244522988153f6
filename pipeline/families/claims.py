"""The claims the documents make, each checked against the tables of the edition it speaks of.

A percentage no pattern family reads (数字经济占GDP比重36.2%) is kept as an unverifiable claim only in a
document about a ranking: one that names a publisher of an edition, or makes a claim a family reads.
A tech newsletter's percentages are not claims about a ranking; each such document gets one
data_quality row saying how many were left out.
"""

from __future__ import annotations

from pipeline.families import Inputs, Result
from pipeline.model import QualityRecord


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
        made = inputs.found(source, key, lambda _: extract_claims(
            source.doc.source_id, source.lines, source.doc.locations, source.row["edition"], inputs.gaz, regions,
            divisions))
        found.extend(made if _about_a_ranking(source, made, inputs) else _leave_out_percentages(source, made, inputs))
    return Result({"claims": check_claims(found, by_year, fallback, load_known_discrepancies())})


def _about_a_ranking(source, made: list, inputs: Inputs) -> bool:
    from pipeline.editions import active_editions

    patterns = tuple(p for e in active_editions() for p in e.publisher_patterns)
    return any(claim.kind != "unverifiable" for claim in made) or inputs.found(
        source, ("names publisher", patterns),
        lambda _: any(edition.names_publisher(line) for edition in active_editions() for line in source.lines))


def _leave_out_percentages(source, made: list, inputs: Inputs) -> list:
    """A document about no ranking: its percentages are left out, said in one data_quality row."""
    left = [claim for claim in made if claim.kind == "unverifiable"]
    if left:
        inputs.quality.append(QualityRecord(
            source.doc.source_id, left[0].location, "claims", "percentages in a document about no ranking",
            f"{len(left)} percentages, e.g. {left[0].stated}", "",
            "not recorded as claims: the document names no ranking's publisher and makes no claim about a ranking"))
    return [claim for claim in made if claim.kind != "unverifiable"]
