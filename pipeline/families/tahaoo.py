"""The Tahaoo series of an edition: index top-10s, score tables, province grades, apps and smart towns,
recognised by content in every source that names the publisher, copies merged."""

from __future__ import annotations

from pipeline.families import Inputs, Result
from pipeline.families.white_paper import of_edition

# kind -> (key, compared fields) for merging copies of each table found in several sources
_KEYS = {"index_top10": (("series", "rank"), ("city", "index")), "scores": (("tier", "rank"), ("name", "score")),
         "province_grades": (("rank",), ("province", "grade")), "apps": (("rank", "position"), ("app", "company")),
         "smart_towns": (("position",), ("raw",))}


def tahaoo_series(inputs: Inputs) -> Result:
    from pipeline.extract.tables import find_tables
    from pipeline.reconcile import tahaoo
    from pipeline.reconcile.copies import merge_copies

    edition, result = inputs.edition, Result()
    builders = {"index": ("index_top10", tahaoo.index_rows), "scores": ("scores", tahaoo.score_rows),
                "grades": ("province_grades", tahaoo.grade_rows), "apps": ("apps", tahaoo.app_rows)}
    rows: dict[str, list[dict]] = {kind: [] for kind in _KEYS}
    for source in inputs.sources:
        doc, lines = source.doc, source.lines
        if not of_edition(source, edition) or not inputs.found(
                source, ("names publisher", edition.publisher_patterns),
                lambda _: any(edition.names_publisher(line) for line in lines)):
            continue  # a score table in another publisher's document is not this publisher's
        found = inputs.found(source, "tables",
                             lambda _: [(t, tahaoo.classify(t)) for t in find_tables(lines, doc.locations)])
        for n, (table, shape) in enumerate(found):
            if shape == "other":
                continue
            result.take(doc.source_id, (row.location for row in table.rows))
            kind, build = builders[shape]
            published = edition.table(kind)
            rows[kind].extend(inputs.found(source, ("tahaoo", published, n), lambda records: build(
                doc.source_id, table, inputs.gaz, records, published)))
        towns = edition.table("smart_towns")
        rows["smart_towns"].extend(inputs.found(source, ("tahaoo towns", towns), lambda records: [
            row for location, items in tahaoo.find_town_lines(lines, doc.locations)
            for row in tahaoo.town_rows(doc.source_id, location, items, inputs.gaz, records, towns)]))
    for kind, found_rows in rows.items():
        published = edition.table(kind)
        result.tables[published] = merge_copies(found_rows, *_KEYS[kind], published, inputs.quality)
    return result
