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

# Repairs so frequent that data_quality gets one summary row per source (normalize --explain lists each).
SUMMARISED_REPAIRS = {"script": "Traditional characters converted to Simplified (OpenCC t2s)"}


@dataclass
class Source:
    """One file of raw/ after ingest and normalisation."""

    row: dict
    doc: Document | None = None
    lines: list[str] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def read_sources(raw_dir: Path, quality: list[QualityRecord]) -> list[Source]:
    from pipeline.ingest import read_source, source_id_for
    from pipeline.manifest import discover, infer_edition, load_manifest
    from pipeline.normalize import detect_script, normalize_lines

    manifest = load_manifest(raw_dir)
    files = discover(raw_dir)
    for name in sorted(set(manifest) - {p.name for p in files}):
        log(f"warning: raw/sources.toml lists {name!r}, which is not in {raw_dir}")
    sources: list[Source] = []
    seen: dict[str, str] = {}
    for path in files:
        meta = manifest.get(path.name, {})
        row = {"source_id": source_id_for(path), "file": path.name, "sha256": "", "format": "", "encoding": "",
               "script": "", "kind": meta.get("kind", ""), "status": "ok", "message": "",
               "publisher": meta.get("publisher", ""), "title": meta.get("title", ""),
               "edition": meta.get("edition"), "n_lines": None, "n_repairs": None, "n_tables": None}
        messages = []
        if not meta:
            messages.append(f"not listed in {raw_dir.name}/sources.toml: processed with what its content shows; "
                            "add an entry to record its publisher, edition and kind")
        try:
            doc = read_source(path, meta)
        except PipelineError as exc:
            row.update(status="failed", message="; ".join([str(exc), *messages]))
            log(f"failed: {exc}")
            sources.append(Source(row))
            continue
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
        lines, repairs = normalize_lines(doc.lines)
        if row["edition"] is None:
            row["edition"] = infer_edition(lines)
            if row["edition"] is not None:
                messages.append(f"edition {row['edition']} inferred from the years the text names")
        row.update(script=detect_script(doc.lines), n_repairs=len(repairs), message="; ".join(messages))
        for message in messages:
            log(f"warning: {path.name}: {message}")
        quality.extend(repair_records(doc, repairs))
        sources.append(Source(row, doc, lines, repairs))
    return sources


def repair_records(doc: Document, repairs: list[Repair]) -> list[QualityRecord]:
    """Text repairs as data_quality rows: one per repair, or one summary per source for bulk kinds."""
    records = []
    bulk = Counter()
    bulk_lines: dict[str, set[int]] = {}
    for r in repairs:
        if r.kind in SUMMARISED_REPAIRS:
            bulk[r.kind] += len(r.before)
            bulk_lines.setdefault(r.kind, set()).add(r.line)
            continue
        location = f"{doc.locations[r.line - 1]} col {r.column}"
        records.append(QualityRecord(doc.source_id, location, "text", r.kind, r.before, r.after, r.reason))
    for kind, count in sorted(bulk.items()):
        lines = sorted(bulk_lines[kind])
        records.append(QualityRecord(
            doc.source_id, f"{len(lines)} lines ({doc.locations[lines[0] - 1]} to {doc.locations[lines[-1] - 1]})",
            "text", kind, f"{count} characters", "Simplified", SUMMARISED_REPAIRS[kind]
            + "; `python -m pipeline normalize FILE --explain` lists each"))
    return records


def build_tables(sources: list[Source], quality: list[QualityRecord]) -> dict[str, list[dict]]:
    from pipeline.claims import check_claims, extract_claims
    from pipeline.extract.ranking import find_ranking_tables
    from pipeline.reconcile.gazetteer import gazetteer
    from pipeline.reconcile.top100 import find_copies, resolve_table, vote

    gaz = gazetteer()
    city_rankings = []
    for source in sources:
        if source.doc is None:
            continue
        tables = find_ranking_tables(source.lines, source.doc.locations)
        source.row["n_tables"] = len(tables)
        for table in tables:
            resolved = resolve_table(source.doc.source_id, source.doc.meta, table, gaz, quality)
            if resolved is not None:
                city_rankings.append(resolved)
    copies, others = find_copies(city_rankings)
    for other in others:
        quality.append(QualityRecord(
            other.source_id, other.table.location, f"ranking table {other.table.table_no}",
            "city ranking that is not a copy of the CCID 2020 top-100", f"{len(other.rows)} rows",
            "", "not used for the top-100"))
    consensus = vote(copies, quality)
    claims = []
    for source in sources:
        if source.doc is not None:
            claims.extend(extract_claims(source.doc.source_id, source.lines, source.doc.locations,
                                         source.row["edition"], gaz))
    return {
        "sources": [s.row for s in sources],
        "ccid2020_top100": consensus.rows,
        "ccid2020_top100_by_source": consensus.by_source,
        "claims": check_claims(claims, consensus.rows),
    }


def run(raw_dir: Path, out_dir: Path) -> int:
    from pipeline.export import to_frame, write_json, write_table
    from pipeline.validate.suites import summarise, validate_tables

    quality: list[QualityRecord] = []
    log(f"reading sources in {raw_dir}")
    sources = read_sources(raw_dir, quality)
    log("extracting and reconciling tables")
    tables = build_tables(sources, quality)
    tables["data_quality"] = [vars(q) for q in quality]
    frames = {name: to_frame(name, rows) for name, rows in tables.items()}
    log("validating")
    report = validate_tables(frames)
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
    return 0 if report["success"] and not failed else 1
