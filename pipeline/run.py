"""``pipeline run``: every file in raw/ through ingest, normalize, extract, reconcile, validate, export.

Data flows one way. A source that cannot be read is recorded as failed and the others go on; every
table is still written, and the exit code says whether anything failed (0 ok, 1 a source or an
expectation failed).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.model import Document, PipelineError, QualityRecord, Repair

@dataclass
class Source:
    """One file of raw/ after ingest and normalisation."""

    row: dict
    doc: Document | None = None
    lines: list[str] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def read_sources(raw_dir: Path, quality: list[QualityRecord], workers: int = 1,
                 cache: Path | None = None) -> list[Source]:
    """Every file of raw/ read and normalised (in ``workers`` processes, from ``cache`` when the same
    bytes were read by the same code before), in file-name order whatever the number of workers."""
    from pipeline.ingest import source_id_for
    from pipeline.manifest import discover, load_manifest
    from pipeline.prepare import prepare_all

    manifest = load_manifest(raw_dir)
    files = discover(raw_dir)
    for name in sorted(set(manifest) - {p.name for p in files}):
        log(f"warning: raw/sources.toml lists {name!r}, which is not in {raw_dir}")
    prepared = prepare_all(files, [manifest.get(p.name, {}) for p in files], workers, cache)
    sources: list[Source] = []
    seen: dict[str, str] = {}
    for path, done in zip(files, prepared):
        meta = manifest.get(path.name, {})
        row = {"source_id": source_id_for(path), "file": path.name, "sha256": "", "format": "", "encoding": "",
               "script": "", "kind": meta.get("kind", ""), "status": "ok", "message": "",
               "publisher": meta.get("publisher", ""), "title": meta.get("title", ""),
               "edition": meta.get("edition"), "n_lines": None, "n_repairs": None, "n_tables": None}
        messages = []
        if not meta:
            messages.append(f"not listed in {raw_dir.name}/sources.toml: processed with what its content shows; "
                            "add an entry to record its publisher, edition and kind")
        if done.doc is None:
            row.update(status="failed", message="; ".join([done.error, *messages]))
            log(f"failed: {done.error}")
            sources.append(Source(row))
            continue
        doc = done.doc
        row.update(sha256=doc.sha256, format=doc.format, encoding=doc.encoding, n_lines=len(doc.lines))
        if doc.sha256 in seen:
            messages.append(f"same content as {seen[doc.sha256]}; counted once")
            row.update(message="; ".join(messages), n_repairs=0, n_tables=0)
            sources.append(Source(row))
            continue
        seen[doc.sha256] = path.name
        if doc.warnings:
            row["status"] = "partial"
            messages.extend(doc.warnings)
        if row["edition"] is None and done.edition is not None:
            row["edition"] = done.edition
            messages.append(f"edition {done.edition} inferred from the years the text names")
        row.update(script=done.script, n_repairs=len(done.repairs), message="; ".join(messages))
        for message in messages:
            log(f"warning: {path.name}: {message}")
        quality.extend(repair_records(doc, done.repairs))
        sources.append(Source(row, doc, done.lines, done.repairs))
    return sources


def repair_records(doc: Document, repairs: list[Repair]) -> list[QualityRecord]:
    """Text repairs as data_quality rows (normalize already sums the script conversion up in one)."""
    records = []
    for r in repairs:
        location = doc.locations[r.line - 1] + ("" if r.kind == "script" else f" col {r.column}")
        records.append(QualityRecord(doc.source_id, location, "text", r.kind, r.before, r.after, r.reason))
    return records


def _priority(source: Source) -> tuple:
    """Whitepapers first, then the rest by id: the order in which sources' texts are preferred."""
    return (source.row["kind"] != "whitepaper", source.row["source_id"])


def build_tables(sources: list[Source], corrections, quality: list[QualityRecord]) -> tuple[dict[str, list[dict]], dict]:
    """Every table, and the summaries that go to the validation report beside the expectations."""
    from pipeline.claims import check_claims, extract_claims
    from pipeline.curated import load_known_discrepancies, load_known_gaps
    from pipeline.extract.cases import find_cases
    from pipeline.extract.indicators import find_indicator_tables
    from pipeline.extract.province_lists import find_province_lists
    from pipeline.extract.ranking import find_ranking_tables
    from pipeline.extract.regions import find_regions
    from pipeline.extract.stages import find_stages
    from pipeline.reconcile.cases import merge_cases
    from pipeline.reconcile.copies import merge_copies
    from pipeline.reconcile.domain_lists import add_corrections, reconcile_list, summarise_lists
    from pipeline.reconcile.gazetteer import gazetteer
    from pipeline.reconcile.indicators import reconcile_indicators
    from pipeline.reconcile.regions import attach_regions, distribution, economic_divisions, region_rows
    from pipeline.reconcile.stages import stage_rows
    from pipeline.extract.tables import find_tables
    from pipeline.reconcile import tahaoo
    from pipeline.reconcile.panel import city_panel
    from pipeline.reconcile.top100 import TOP_N, find_copies, resolve_table, unknown_ranking_rows, vote

    gaz = gazetteer()
    readable = sorted((s for s in sources if s.doc is not None), key=_priority)

    def is_province(text: str) -> bool:
        return gaz.province(text.replace(" ", "")) is not None

    def is_city(text: str) -> bool:
        return bool(gaz.cities(text))

    city_rankings, domain_rows, indicators, stages, regions, cases, unknown = [], [], [], [], [], [], []
    rival = {"index": [], "scores": [], "grades": [], "apps": [], "towns": []}
    for source in readable:
        doc, lines = source.doc, source.lines
        tables = find_ranking_tables(lines, doc.locations)
        source.row["n_tables"] = len(tables)
        claimed: set[str] = set()
        other_rankings = []
        for table in tables:
            resolved = resolve_table(doc.source_id, doc.meta, table, gaz, quality)
            if resolved is not None:
                city_rankings.append(resolved)
            else:
                other_rankings.append(table)
        for table in find_province_lists(lines, doc.locations, is_province):
            domain_rows.extend(reconcile_list(doc.source_id, table, gaz, quality))
        for table in find_indicator_tables(lines, doc.locations):
            if indicators:
                quality.append(QualityRecord(doc.source_id, table.location, "ccid2020_indicators",
                                             "second indicator table", f"{len(table.rows)} rows", "",
                                             "not used: the first table of the highest-priority source is published"))
                continue
            indicators = reconcile_indicators(doc.source_id, table, corrections.indicator, quality)
            claimed.update(row.location for row in table.rows)
        stages.extend((doc.source_id, stage) for stage in find_stages(lines, doc.locations))
        for table in find_tables(lines, doc.locations):
            kind = tahaoo.classify(table)
            if kind != "other":
                claimed.update(row.location for row in table.rows)
            if kind == "apps":
                rival[kind].extend(tahaoo.app_rows(doc.source_id, table, quality))
            elif kind != "other":
                build = {"index": tahaoo.index_rows, "scores": tahaoo.score_rows, "grades": tahaoo.grade_rows}[kind]
                rival[kind].extend(build(doc.source_id, table, gaz, quality))
        for location, items in tahaoo.find_town_lines(lines, doc.locations):
            rival["towns"].extend(tahaoo.town_rows(doc.source_id, location, items, gaz, quality))
        regions.extend((doc.source_id, region) for region in find_regions(lines, doc.locations, is_province))
        for table in other_rankings:
            if not {row.location for row in table.rows} <= claimed:
                unknown.extend(unknown_ranking_rows(doc.source_id, table, None))
    domains = {row["domain"] for row in domain_rows}
    for source in readable:
        scan = find_cases(source.lines, source.doc.locations, domains, is_city)
        cases.extend((source.doc.source_id, case) for case in scan.cases)
        for location, before, after in scan.joined_spaces:
            quality.append(QualityRecord(source.doc.source_id, location, "ccid2020_cases",
                                         "line-wrap space inside a sentence", before, after, "joined"))
        for text, location in scan.orphans:
            quality.append(QualityRecord(source.doc.source_id, location, "ccid2020_cases",
                                         "bullet under no readable case header", text, "",
                                         "not part of a case study table; left in the source"))
    copies, others = find_copies(city_rankings)
    for other in others:
        quality.append(QualityRecord(
            other.source_id, other.table.location, f"ranking table {other.table.table_no}",
            "city ranking that is not a copy of the CCID 2020 top-100", f"{len(other.rows)} rows",
            "", "kept in unknown_rankings"))
        unknown.extend(unknown_ranking_rows(other.source_id, other.table, other))
    by_id = {s.row["source_id"]: s.row for s in sources}
    for copy in copies:
        ranks = {rank for rank, _, _, _ in copy.rows}
        if len(ranks) < TOP_N:
            row = by_id[copy.source_id]
            row["status"] = "partial" if row["status"] == "ok" else row["status"]
            note = (f"its copy of the top-100 (ranking table {copy.table.table_no}) has {len(ranks)} of {TOP_N} "
                    "ranks: the table may be cut short; check the source file")
            row["message"] = "; ".join(m for m in (row["message"], note) if m)
    consensus = vote(copies, quality)
    region_table = region_rows(regions, gaz, quality)
    attach_regions(consensus.rows, region_table)
    domain_rows = merge_copies(domain_rows, ("domain", "adcode"), ("province",),
                               "ccid2020_domain_top100", quality)
    domain_rows = add_corrections(domain_rows, corrections.domain_cities, gaz, quality)
    keys = {"index": (("series", "rank"), ("city", "index")), "scores": (("tier", "rank"), ("name", "score")),
            "grades": (("rank",), ("province", "grade")), "apps": (("rank", "position"), ("app", "company")),
            "towns": (("position",), ("raw",))}
    names = {"index": "tahaoo2020_index_top10", "scores": "tahaoo2020_scores", "grades": "tahaoo2020_province_grades",
             "apps": "tahaoo2020_apps", "towns": "tahaoo2020_smart_towns"}
    for kind, (key, compared) in keys.items():
        rival[kind] = merge_copies(rival[kind], key, compared, names[kind], quality)
    panel, panel_summary = city_panel(consensus.rows, rival["scores"], gaz)
    indicator_rows = indicators
    stage_table = stage_rows(stages, quality)
    region_names = {r["region"] for r in region_table}
    claims = []
    for source in readable:
        claims.extend(extract_claims(source.doc.source_id, source.lines, source.doc.locations,
                                     source.row["edition"], gaz, region_names, set(economic_divisions().values())))
    checked = {"ccid2020_top100": consensus.rows, "ccid2020_indicators": indicator_rows, "ccid2020_stages": stage_table}
    return {
        "sources": [s.row for s in sources],
        "ccid2020_top100": consensus.rows,
        "ccid2020_top100_by_source": consensus.by_source,
        "ccid2020_top100_by_province": distribution(consensus.rows, "province"),
        "ccid2020_top100_by_region": distribution(consensus.rows, "region"),
        "ccid2020_top100_by_division": distribution(consensus.rows, "division"),
        "ccid2020_domain_top100": domain_rows,
        "ccid2020_domain_summary": summarise_lists(domain_rows, load_known_gaps(), quality),
        "ccid2020_indicators": indicators,
        "ccid2020_stages": stage_table,
        "ccid2020_regions": region_table,
        "ccid2020_cases": merge_cases(cases, gaz, quality),
        "claims": check_claims(claims, checked, load_known_discrepancies()),
        "tahaoo2020_index_top10": rival["index"],
        "tahaoo2020_province_grades": rival["grades"],
        "tahaoo2020_scores": rival["scores"],
        "tahaoo2020_smart_towns": rival["towns"],
        "tahaoo2020_apps": rival["apps"],
        "city_panel": panel,
        "unknown_rankings": unknown,
    }, {"city_panel": panel_summary}


def run(raw_dir: Path, out_dir: Path, workers: int = 1, use_cache: bool = True) -> int:
    from pipeline.export import to_frame, write_json, write_table
    from pipeline.validate.suites import summarise, validate_tables

    from pipeline.curated import Corrections, load_corrections

    quality: list[QualityRecord] = []
    log(f"reading sources in {raw_dir}")
    sources = read_sources(raw_dir, quality, workers, out_dir / ".cache" if use_cache else None)
    try:
        corrections = load_corrections(raw_dir)
        corrections_failed = False
    except PipelineError as exc:
        log(f"failed: {exc} (corrections not applied)")
        corrections, corrections_failed = Corrections(), True
    log("extracting and reconciling tables")
    tables, summaries = build_tables(sources, corrections, quality)
    tables["data_quality"] = [vars(q) for q in quality]
    frames = {name: to_frame(name, rows) for name, rows in tables.items()}
    log("validating")
    report = validate_tables(frames)
    report.update(summaries)
    for name, frame in frames.items():
        write_table(frame, name, out_dir)
    write_json(out_dir / "validation.json", report)
    failed = [s.row for s in sources if s.row["status"] == "failed"]
    statuses = Counter(s.row["status"] for s in sources)
    log("validation:")
    for line in summarise(report):
        log(line)
    log(f"sources: {statuses.get('ok', 0)} ok, {statuses.get('partial', 0)} partial, {statuses.get('failed', 0)} failed; "
        f"tables written to {out_dir}/ ({', '.join(sorted(frames))})")
    for row in failed:
        log(f"  failed source: {row['message']}")
    return 0 if report["success"] and not failed and not corrections_failed else 1
