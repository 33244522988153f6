"""From normalised sources to every table: each table family built by its own function.

Sources come in priority order (whitepapers first), so wherever copies of a table disagree the
higher-priority source's text is kept and the difference recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.findings import SourceFindings
from pipeline.model import EDITION, QualityRecord
from pipeline.run import Source

_PUBLISHER = re.compile(r"tahaoo|太昊", re.IGNORECASE)
TAHAOO_TABLES = {"index": "tahaoo2020_index_top10", "scores": "tahaoo2020_scores",
                 "grades": "tahaoo2020_province_grades", "apps": "tahaoo2020_apps", "towns": "tahaoo2020_smart_towns"}
# (key, compared fields) for merging copies of each Tahaoo table found in several sources
_TAHAOO_KEYS = {"index": (("series", "rank"), ("city", "index")), "scores": (("tier", "rank"), ("name", "score")),
                "grades": (("rank",), ("province", "grade")), "apps": (("rank", "position"), ("app", "company")),
                "towns": (("position",), ("raw",))}


@dataclass
class Context:
    gaz: object
    quality: list[QualityRecord]
    cache: Path | None = None  # where each source's findings are kept between runs; None keeps nothing
    claimed: dict[str, set[str]] = field(default_factory=dict)  # source -> locations another table used
    stored: dict[str, SourceFindings] = field(default_factory=dict)

    def found(self, source: Source, key, compute):
        """``compute(records)`` for this source, or its stored result: see pipeline.findings."""
        doc = source.doc
        if doc.source_id not in self.stored:
            self.stored[doc.source_id] = SourceFindings(self.cache, doc.sha256, doc.source_id)
        return self.stored[doc.source_id].get(key, compute, self.quality)

    def save(self) -> None:
        from pipeline.cache import prune

        for findings in self.stored.values():
            findings.save()
        if self.cache is not None:
            prune(self.cache, {f.path.name for f in self.stored.values()}, ".pickle")

    def is_province(self, text: str) -> bool:
        return self.gaz.province(text.replace(" ", "")) is not None

    def is_city(self, text: str) -> bool:
        return bool(self.gaz.cities(text))


def priority(source: Source) -> tuple:
    """Whitepapers first, then the rest by id: the order in which sources' texts are preferred."""
    return (source.row["kind"] != "whitepaper", source.row["source_id"])


def build_tables(sources: list[Source], corrections, quality: list[QualityRecord],
                 cache: Path | None = None) -> tuple[dict[str, list[dict]], dict]:
    """Every table, and the summaries that go to the validation report beside the expectations;
    ``cache`` keeps each source's findings between runs."""
    from pipeline.claims import check_claims
    from pipeline.reconcile.gazetteer import gazetteer
    from pipeline.reconcile.panel import city_panel
    from pipeline.reconcile.regions import attach_regions, distribution

    ctx = Context(gazetteer(), quality, cache)
    readable = sorted((s for s in sources if s.doc is not None), key=priority)
    paper = white_paper_tables(readable, corrections, ctx)
    rival = tahaoo_tables(readable, ctx)
    top, by_source, unknown = top100_tables(readable, sources, ctx)
    attach_regions(top, paper["ccid2020_regions"], quality)
    panel, panel_summary = city_panel(top, rival["tahaoo2020_scores"], ctx.gaz)
    claims = claims_rows(readable, paper, ctx)
    tables = {
        "sources": [s.row for s in sources],
        "ccid2020_top100": top,
        "ccid2020_top100_by_source": by_source,
        "ccid2020_top100_by_province": distribution(top, "province"),
        "ccid2020_top100_by_region": distribution(top, "region"),
        "ccid2020_top100_by_division": distribution(top, "division"),
        **paper,
        **rival,
        "city_panel": panel,
        "unknown_rankings": unknown,
    }
    tables["claims"] = check_claims(claims, tables, _discrepancies())
    _say_nothing_extracted(readable, tables, ctx)
    ctx.save()
    return tables, {"city_panel": panel_summary}


def _say_nothing_extracted(readable: list[Source], tables: dict[str, list[dict]], ctx: Context) -> None:
    """A source that gave no table a row (its own, or a copy merged into another source's) and made no
    claim is ok, and says it did not contribute."""
    used = {source_id for name, rows in tables.items() if name not in ("sources", "data_quality") for row in rows
            for source_id in str(row.get("source_id") or row.get("source_ids") or "").split(";")}
    for source in readable:
        if source.doc.source_id not in used and not ctx.claimed.get(source.doc.source_id):
            source.row["message"] = "; ".join(filter(None, [source.row["message"],
                                                            "nothing extracted: no table or claim found"]))


def _discrepancies() -> dict[str, str]:
    from pipeline.curated import load_known_discrepancies

    return load_known_discrepancies()


_DOMAIN_NAME = re.compile(r"^数字[\u4e00-\u9fff]{2}$")


def _other_edition(source: Source) -> bool:
    return source.row["edition"] is not None and source.row["edition"] != EDITION


def _not_a_domain_list(table, source: Source) -> str:
    """Why a province-to-cities list is not one of the domain lists, or '' when it is one."""
    years = {int(y) for y in re.findall(r"(20\d\d)", table.caption)}
    if (years and EDITION not in years) or (not years and _other_edition(source)):
        return f"a list of another edition ({', '.join(map(str, sorted(years))) or source.row['edition']})"
    if not _DOMAIN_NAME.match(table.name):
        return f"its caption names no domain (数字 + two characters): {table.name!r}"
    return ""


def white_paper_tables(readable: list[Source], corrections, ctx: Context) -> dict[str, list[dict]]:
    """Domain lists, indicator framework, stages, regions and case studies."""
    from pipeline.curated import load_known_gaps
    from pipeline.extract.indicators import find_indicator_tables
    from pipeline.extract.province_lists import find_province_lists
    from pipeline.extract.regions import find_regions
    from pipeline.extract.stages import find_stages
    from pipeline.reconcile.copies import merge_copies
    from pipeline.reconcile.domain_lists import add_corrections, reconcile_list, summarise_lists
    from pipeline.reconcile.indicators import reconcile_indicators
    from pipeline.reconcile.regions import region_rows
    from pipeline.reconcile.stages import stage_rows

    domain_rows, indicators, stages, regions = [], [], [], []
    for source in readable:
        doc, lines = source.doc, source.lines
        lists = ctx.found(source, "province lists", lambda _: find_province_lists(lines, doc.locations, ctx.is_province))
        for n, table in enumerate(lists):
            why = _not_a_domain_list(table, source)
            if why:
                ctx.quality.append(QualityRecord(doc.source_id, table.location, "ccid2020_domain_top100",
                                                 "province list left out of the domain lists", table.caption,
                                                 "", why))
                continue
            ctx.claimed.setdefault(doc.source_id, set()).update(row.location for row in table.rows)
            domain_rows.extend(ctx.found(source, ("domain list", n),
                                         lambda records: reconcile_list(doc.source_id, table, ctx.gaz, records)))
        for table in ctx.found(source, "indicator tables", lambda _: find_indicator_tables(lines, doc.locations)):
            ctx.claimed.setdefault(doc.source_id, set()).update(row.location for row in table.rows)
            if indicators:
                ctx.quality.append(QualityRecord(
                    doc.source_id, table.location, "ccid2020_indicators", "second indicator table",
                    f"{len(table.rows)} rows", "", "not used: the first table of the highest-priority source is published"))
                continue
            indicators = reconcile_indicators(doc.source_id, table, corrections.indicator, ctx.quality)
        stages.extend((doc.source_id, stage)
                      for stage in ctx.found(source, "stages", lambda _: find_stages(lines, doc.locations)))
        regions.extend((doc.source_id, region) for region in ctx.found(
            source, "regions", lambda _: find_regions(lines, doc.locations, ctx.is_province)))
    domain_rows = merge_copies(domain_rows, ("domain", "adcode"), ("province",), "ccid2020_domain_top100", ctx.quality)
    domain_rows = add_corrections(domain_rows, corrections.domain_cities, ctx.gaz, ctx.quality)
    return {
        "ccid2020_domain_top100": domain_rows,
        "ccid2020_domain_summary": summarise_lists(domain_rows, load_known_gaps(), ctx.quality),
        "ccid2020_indicators": indicators,
        "ccid2020_stages": stage_rows(stages, ctx.quality),
        "ccid2020_regions": region_rows(regions, ctx.gaz, ctx.quality),
        "ccid2020_cases": case_rows(readable, {row["domain"] for row in domain_rows}, ctx),
    }


def case_rows(readable: list[Source], domains: set[str], ctx: Context) -> list[dict]:
    from pipeline.extract.cases import find_cases
    from pipeline.reconcile.cases import merge_cases

    cases = []
    for source in readable:
        source_id = source.doc.source_id
        scan = ctx.found(source, ("cases", tuple(sorted(domains))),
                         lambda _: find_cases(source.lines, source.doc.locations, domains, ctx.is_city))
        for case in scan.cases:
            if case.domain:
                cases.append((source_id, case))
            else:
                ctx.quality.append(QualityRecord(source_id, case.location, "ccid2020_cases",
                                                 "case study under no domain heading", f"{case.city}——{case.title}",
                                                 "", "left out of the case table"))
        for location, before, after in scan.joined_spaces:
            ctx.quality.append(QualityRecord(source_id, location, "ccid2020_cases",
                                             "line-wrap space inside a sentence", before, after, "joined"))
        for text, location in scan.orphans:
            ctx.quality.append(QualityRecord(source_id, location, "ccid2020_cases",
                                             "bullet under no readable case header", text, "",
                                             "not part of a case study table; left in the source"))
    return merge_cases(cases, ctx.gaz, ctx.quality)


def tahaoo_tables(readable: list[Source], ctx: Context) -> dict[str, list[dict]]:
    """The rival ranking's tables, recognised by content in every source, copies merged."""
    from pipeline.extract.tables import find_tables
    from pipeline.reconcile import tahaoo
    from pipeline.reconcile.copies import merge_copies

    builders = {"index": tahaoo.index_rows, "scores": tahaoo.score_rows, "grades": tahaoo.grade_rows}
    rows: dict[str, list[dict]] = {kind: [] for kind in TAHAOO_TABLES}
    for source in readable:
        doc, lines = source.doc, source.lines
        if not ctx.found(source, "names Tahaoo", lambda _: any(_PUBLISHER.search(line) for line in lines)):
            continue  # a score table in another publisher's document is not Tahaoo's
        found = ctx.found(source, "tables", lambda _: [(t, tahaoo.classify(t)) for t in find_tables(lines, doc.locations)])
        for n, (table, kind) in enumerate(found):
            if kind == "other":
                continue
            ctx.claimed.setdefault(doc.source_id, set()).update(row.location for row in table.rows)
            if kind == "apps":
                rows[kind].extend(ctx.found(source, ("tahaoo", n),
                                            lambda records: tahaoo.app_rows(doc.source_id, table, records)))
            else:
                rows[kind].extend(ctx.found(source, ("tahaoo", n), lambda records: builders[kind](
                    doc.source_id, table, ctx.gaz, records)))
        rows["towns"].extend(ctx.found(source, "tahaoo towns", lambda records: [
            row for location, items in tahaoo.find_town_lines(lines, doc.locations)
            for row in tahaoo.town_rows(doc.source_id, location, items, ctx.gaz, records)]))
    return {TAHAOO_TABLES[kind]: merge_copies(found, *_TAHAOO_KEYS[kind], TAHAOO_TABLES[kind], ctx.quality)
            for kind, found in rows.items()}


_CITY_NAME = re.compile(r"[\u4e00-\u9fff]{2,6}市")
_LISTED_CITIES = 50  # a document naming this many cities without a table most likely lists a ranking


def _unread_list(source: Source, gaz) -> None:
    """A source with no ranking table that names dozens of cities (an ``<ol>`` list, ranks and names run
    together in a paragraph, a table drawn sideways in a PDF) is partial, saying what to do: it likely
    holds a ranking in a layout this pipeline does not read."""
    named = set()
    for match in _CITY_NAME.finditer("\n".join(source.lines)):
        text = match.group(0)
        named.update(text[start:] for start in range(len(text) - 2, -1, -1) if gaz.cities(text[start:]))
    if len(named) < _LISTED_CITIES:
        return
    source.row["status"] = "partial"
    source.row["message"] = "; ".join(filter(None, [source.row["message"], (
        f"names {len(named)} cities but holds no ranking table this pipeline can read; if it lists a ranking, "
        "save it as a table with one row per rank (text with | or tabs, HTML <table>, CSV) and run again")]))


def ranking_scan(source: Source, gaz, records: list[QualityRecord]):
    """The source's ranking tables; each line that looks like a ranking row and is not read is a record."""
    from pipeline.extract.ranking import find_ranking_tables

    scan = find_ranking_tables(source.lines, source.doc.locations, gaz)
    records.extend(QualityRecord(source.doc.source_id, u.location, "ranking tables", "ranking row not read", u.raw,
                                 "", f"left in the source: {u.why}") for u in scan.unread)
    return scan


def _say_row_count(source: Source, count) -> None:
    """The row counts in ``sources``; row-like lines not read make the source partial (a page number
    inside a table, recorded too, does not), and rows lost without a record (a defect of this pipeline:
    the expectation on n_rows_lost fails) are named."""
    source.row.update(count.columns())
    notes = []
    if count.recorded_rows:
        source.row["status"] = "partial" if source.row["status"] == "ok" else source.row["status"]
        notes.append(f"{count.recorded_rows} line(s) that look like ranking rows were not read; data_quality says why")
    if count.lost:
        notes.append(f"{len(count.lost)} ranking row(s) read into no table and recorded nowhere: "
                     f"{', '.join(count.lost[:5])}; please report this with the file")
    source.row["message"] = "; ".join(filter(None, [source.row["message"], *notes]))


def top100_tables(readable: list[Source], sources: list[Source], ctx: Context):
    """(consensus top-100, rows by source, unknown rankings): every ranking table found by shape is a
    copy of the top-100, another known table (claimed by its own family), or an unknown ranking."""
    from pipeline.extract.accounting import count_rows
    from pipeline.reconcile.top100 import (COPY_AGREEMENT, TOP_N, agreement, document_witnesses, find_copies,
                                           is_declared_white_paper, resolve_table, unknown_ranking_rows, vote)

    city_rankings, unknown, elsewhere = [], [], []
    for source in readable:
        doc = source.doc
        scan = ctx.found(source, "ranking tables", lambda records: ranking_scan(source, ctx.gaz, records))
        tables = scan.tables
        claimed = ctx.claimed.get(doc.source_id, set())
        # a table another family read (a Tahaoo score table, the indicator framework) is that family's
        own = [(n, t) for n, t in enumerate(tables) if not {row.location for row in t.rows} <= claimed]
        source.row["n_tables"] = len(own)
        if not tables and not claimed:  # no table here, and no other family read anything either
            _unread_list(source, ctx.gaz)
        other_edition = _other_edition(source)
        for n, table in own:
            resolved = ctx.found(source, ("ranking", n),
                                 lambda records: resolve_table(doc.source_id, {}, table, ctx.gaz, records))
            if resolved is not None:
                resolved.meta = doc.meta  # the manifest's word, which is not part of what is stored
            if resolved is not None and other_edition:
                ctx.quality.append(QualityRecord(
                    doc.source_id, table.location, f"ranking table {table.table_no}",
                    f"city ranking from a source about the {source.row['edition']} edition",
                    f"{len(table.rows)} rows", "", "not voted into the 2020 top-100; kept in unknown_rankings"))
                unknown.extend(unknown_ranking_rows(doc.source_id, table, resolved))
                elsewhere.append((source.row["edition"], resolved))
            elif resolved is not None:
                city_rankings.append(resolved)
            else:
                unknown.extend(unknown_ranking_rows(doc.source_id, table, None))
        recorded = {q.location for q in ctx.quality if q.source_id == doc.source_id}
        _say_row_count(source, count_rows(source.lines, doc.locations, tables, claimed, recorded, ctx.gaz))
    copies, others = find_copies(city_rankings)
    for edition, table in elsewhere:  # a copy of this list under another edition's name: say so
        share = agreement(copies[0], table) if copies else 0.0
        if share >= COPY_AGREEMENT:
            ctx.quality.append(QualityRecord(
                table.source_id, table.table.location, f"ranking table {table.table.table_no}",
                f"a ranking from a source about the {edition} edition that matches the {EDITION} top-100",
                f"agrees on {share:.0%} of the ranks both list", "",
                "kept in unknown_rankings; if it is a copy of this list, set its edition in sources.toml"))
    declared = sorted({t.source_id for t in city_rankings if is_declared_white_paper(t)})
    if len(declared) > 1:
        ctx.quality.append(QualityRecord(
            "consensus", "raw/sources.toml", "ccid2020_top100", "several sources declared the CCID 2020 white paper",
            ", ".join(declared), copies[0].source_id if copies else "",
            "the one the most copies agree with is the reference (it settles ties); check the manifest's kind"))
    for other in others:
        ctx.quality.append(QualityRecord(
            other.source_id, other.table.location, f"ranking table {other.table.table_no}",
            "city ranking that is not a copy of the CCID 2020 top-100", f"{len(other.rows)} rows",
            "", "kept in unknown_rankings"))
        unknown.extend(unknown_ranking_rows(other.source_id, other.table, other))
    by_id = {s.row["source_id"]: s.row for s in sources}
    held: dict[str, tuple[list[int], list[int]]] = {}  # a source may carry the list in several tables
    for copy in copies:
        listed, numbers = held.setdefault(copy.source_id, ([], []))
        listed.extend(rank for rank, _, _, _ in copy.rows if 1 <= rank <= TOP_N)
        numbers.append(copy.table.table_no)
    for source_id, (listed, numbers) in held.items():
        if len(listed) < TOP_N:  # rows, not distinct ranks: 100 rows with a tied rank (并列) are not cut short
            row = by_id[source_id]
            row["status"] = "partial" if row["status"] == "ok" else row["status"]
            tables = f"ranking table{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"
            note = (f"its copy of the top-100 ({tables}) has {len(set(listed))} of {TOP_N} ranks: the table may be cut "
                    "short; check the source file")
            row["message"] = "; ".join(m for m in (row["message"], note) if m)
    copied = {c.source_id for c in copies}
    texts = {s.doc.source_id: s.lines for s in readable if s.doc.source_id in copied}
    consensus = vote(copies, ctx.quality, document_witnesses(texts))
    return consensus.rows, consensus.by_source, unknown


def claims_rows(readable: list[Source], paper: dict[str, list[dict]], ctx: Context):
    from pipeline.claims import extract_claims
    from pipeline.reconcile.regions import economic_divisions

    regions = {r["region"] for r in paper["ccid2020_regions"]}
    divisions = set(economic_divisions().values())
    claims = []
    for source in readable:
        key = ("claims", source.row["edition"], tuple(sorted(regions)), tuple(sorted(divisions)))
        claims.extend(ctx.found(source, key, lambda _: extract_claims(
            source.doc.source_id, source.lines, source.doc.locations, source.row["edition"], ctx.gaz, regions,
            divisions)))
    return claims
