"""The white paper's own tables for an edition: domain lists, indicator framework, stages, region
legend and case studies. Sources come in priority order (white papers first), so wherever copies of a
table disagree the higher-priority source's text is kept and the difference recorded."""

from __future__ import annotations

import re

from pipeline.families import Inputs, Result
from pipeline.model import QualityRecord

_DOMAIN_NAME = re.compile(r"^数字[\u4e00-\u9fff]{2}$")


def of_edition(source, edition) -> bool:
    """Whether a source may hold this edition's tables: it is about the edition's year, or says no year."""
    return source.row["edition"] is None or source.row["edition"] == edition.year


def _not_a_domain_list(table, source, edition) -> str:
    """Why a province-to-cities list is not one of this edition's domain lists, or '' when it is one."""
    years = {int(y) for y in re.findall(r"(20\d\d)", table.caption)}
    if (years and edition.year not in years) or (not years and not of_edition(source, edition)):
        return f"a list of another edition ({', '.join(map(str, sorted(years))) or source.row['edition']})"
    if not _DOMAIN_NAME.match(table.name):
        return f"its caption names no domain (数字 + two characters): {table.name!r}"
    return ""


def domain_lists(inputs: Inputs) -> Result:
    from pipeline.curated import load_known_gaps
    from pipeline.extract.province_lists import find_province_lists
    from pipeline.reconcile.copies import merge_copies
    from pipeline.reconcile.domain_lists import add_corrections, reconcile_list, summarise_lists

    edition, result = inputs.edition, Result()
    published = edition.table("domain_top100")
    rows = []
    for source in inputs.sources:
        doc, lines = source.doc, source.lines
        lists = inputs.found(source, "province lists",
                             lambda _: find_province_lists(lines, doc.locations, inputs.is_province))
        for n, table in enumerate(lists):
            why = _not_a_domain_list(table, source, edition)
            if why:
                inputs.quality.append(QualityRecord(doc.source_id, table.location, published,
                                                    "province list left out of the domain lists", table.caption,
                                                    "", why))
                continue
            result.take(doc.source_id, (row.location for row in table.rows))
            rows.extend(inputs.found(source, ("domain list", published, n),
                                     lambda records: reconcile_list(doc.source_id, table, inputs.gaz, records, published)))
    rows = merge_copies(rows, ("domain", "adcode"), ("province",), published, inputs.quality)
    rows = add_corrections(rows, inputs.corrections.for_edition(edition.id, "domain_cities"), inputs.gaz,
                           inputs.quality, published)
    result.tables[published] = rows
    result.tables[edition.table("domain_summary")] = summarise_lists(rows, load_known_gaps(), inputs.quality, published,
                                                                    edition.ranking_size)
    return result


def indicators(inputs: Inputs) -> Result:
    from pipeline.extract.indicators import find_indicator_tables
    from pipeline.reconcile.indicators import reconcile_indicators

    edition, result = inputs.edition, Result()
    published = edition.table("indicators")
    rows: list[dict] = []
    for source in inputs.sources:
        doc = source.doc
        if not of_edition(source, edition):
            continue
        for table in inputs.found(source, "indicator tables", lambda _: find_indicator_tables(source.lines, doc.locations)):
            result.take(doc.source_id, (row.location for row in table.rows))
            if rows:
                inputs.quality.append(QualityRecord(
                    doc.source_id, table.location, published, "second indicator table", f"{len(table.rows)} rows", "",
                    "not used: the first table of the highest-priority source is published"))
                continue
            rows = reconcile_indicators(doc.source_id, table, inputs.corrections.for_edition(edition.id, "indicator"),
                                        inputs.quality, published)
    result.tables[published] = rows
    return result


def stages(inputs: Inputs) -> Result:
    from pipeline.extract.stages import find_stages
    from pipeline.reconcile.stages import stage_rows

    edition = inputs.edition
    found = [(source.doc.source_id, stage) for source in inputs.sources if of_edition(source, edition)
             for stage in inputs.found(source, "stages", lambda _: find_stages(source.lines, source.doc.locations))]
    published = edition.table("stages")
    return Result({published: stage_rows(found, inputs.quality, published)})


def regions(inputs: Inputs) -> Result:
    from pipeline.extract.regions import find_regions
    from pipeline.reconcile.regions import region_rows

    edition = inputs.edition
    found = [(source.doc.source_id, region) for source in inputs.sources if of_edition(source, edition)
             for region in inputs.found(source, "regions",
                                        lambda _: find_regions(source.lines, source.doc.locations, inputs.is_province))]
    published = edition.table("regions")
    return Result({published: region_rows(found, inputs.gaz, inputs.quality, published)})


def cases(inputs: Inputs) -> Result:
    """Case studies under the headings of this edition's domains (from its domain lists)."""
    from pipeline.extract.cases import find_cases
    from pipeline.reconcile.cases import merge_cases

    edition = inputs.edition
    published = edition.table("cases")
    domains = {row["domain"] for row in inputs.table(edition.table("domain_top100"))}
    found = []
    for source in inputs.sources:
        if not of_edition(source, edition):
            continue
        source_id = source.doc.source_id
        scan = inputs.found(source, ("cases", tuple(sorted(domains))),
                            lambda _: find_cases(source.lines, source.doc.locations, domains, inputs.is_city))
        for case in scan.cases:
            if case.domain:
                found.append((source_id, case))
            else:
                inputs.quality.append(QualityRecord(source_id, case.location, published,
                                                    "case study under no domain heading", f"{case.city}——{case.title}",
                                                    "", "left out of the case table"))
        for location, before, after in scan.joined_spaces:
            inputs.quality.append(QualityRecord(source_id, location, published,
                                                "line-wrap space inside a sentence", before, after, "joined"))
        for text, location in scan.orphans:
            inputs.quality.append(QualityRecord(source_id, location, published,
                                                "bullet under no readable case header", text, "",
                                                "not part of a case study table; left in the source"))
    return Result({published: merge_cases(found, inputs.gaz, inputs.quality, published)})
