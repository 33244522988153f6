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
                 cache: Path | None = None, out_dir: Path | None = None) -> list[Source]:
    """Every file of raw/ read and normalised (in ``workers`` processes, from ``cache`` when the same
    bytes were read by the same code before), in file-name order whatever the number of workers."""
    from pipeline.manifest import MANIFEST, discover, load_manifest, readable_name, unread_folders
    from pipeline.cache import prune
    from pipeline.normalize.elsewhere import read_elsewhere
    from pipeline.prepare import cache_name, prepare_all

    problems: list[str] = []
    try:
        manifest = load_manifest(raw_dir, problems)
    except PipelineError as exc:
        manifest, problems = {}, [f"{exc} Until then every file is processed as unlisted."]
    for problem in problems:
        log(f"error: {problem}")
        quality.append(QualityRecord(MANIFEST, MANIFEST, "sources", MANIFEST_PROBLEM, "", "", problem))
    files = discover(raw_dir)
    names = {path: readable_name(path) for path in files}
    for name in sorted(set(manifest) - set(names.values())):
        why = f"{raw_dir.name}/{MANIFEST} lists {name!r}, which is not in {raw_dir}: add the file or remove the entry"
        log(f"warning: {why}")
        quality.append(QualityRecord(name, MANIFEST, "sources", "listed source missing", name, "", why))
    for folder in unread_folders(raw_dir, out_dir):
        folder_name = readable_name(folder)
        why = (f"{folder_name}/ is a folder: files in sub-folders of {raw_dir.name}/ are not read; "
               f"move them into {raw_dir.name}/ itself to process them")
        log(f"warning: {why}")
        quality.append(QualityRecord(folder_name, f"{raw_dir.name}/{folder_name}/", "sources", "folder not read",
                                     folder_name, "", why))
    prepared = prepare_all(files, [manifest.get(names[p], {}) for p in files], workers, cache)
    read_elsewhere(prepared)  # byte damage no line could read alone, read with evidence from every source
    ids = unique_ids(files, names)
    # Of several files with the same bytes, the one the manifest describes is kept (else the first by name).
    canonical: dict[str, str] = {}
    for path, done in sorted(zip(files, prepared), key=lambda pd: (names[pd[0]] not in manifest, names[pd[0]])):
        if done.doc is not None:
            canonical.setdefault(done.doc.sha256, names[path])
    sources: list[Source] = []
    for path, done in zip(files, prepared):
        name = names[path]
        meta = manifest.get(name, {})
        row = {"source_id": ids[name], "file": name, "sha256": "", "format": "", "encoding": "",
               "script": "", "kind": meta.get("kind", ""), "status": "ok", "message": "",
               "publisher": meta.get("publisher", ""), "title": meta.get("title", ""),
               "edition": meta.get("edition"), "n_lines": None, "n_repairs": None, "n_tables": None}
        messages = []
        if name != path.name:
            messages.append(f"its file name is not UTF-8 (shown here as {name}); rename the file so that every "
                            "tool shows the same name")
        if done.doc is None:
            error = "; ".join([done.error.replace(path.name, name), *messages])
            row.update(status="failed", message=error, sha256=done.sha256)
            log(f"failed: {error}")
            sources.append(Source(row))
            continue
        if not meta:
            messages.append(f"not listed in {raw_dir.name}/sources.toml: processed with what its content shows; "
                            "add an entry to record its publisher, edition and kind")
        doc = done.doc
        doc.source_id = ids[name]
        row.update(sha256=doc.sha256, format=doc.format, encoding=doc.encoding, n_lines=len(doc.lines))
        if canonical[doc.sha256] != name:
            messages.append(f"same content as {canonical[doc.sha256]}; counted once")
            row.update(message="; ".join(messages), n_repairs=0, n_tables=0)
            sources.append(Source(row))
            continue
        if doc.warnings:
            row["status"] = "partial"
            messages.extend(doc.warnings)
        if row["edition"] is None and done.edition is not None:
            row["edition"] = done.edition
            messages.append(f"edition {done.edition} inferred from the years the text names")
        row.update(script=done.script, n_repairs=sum(r.count for r in done.repairs), message="; ".join(messages))
        for message in messages:
            log(f"warning: {name}: {message}")
        quality.extend(repair_records(doc, done.repairs))
        sources.append(Source(row, doc, done.lines, done.repairs))
    if cache is not None:
        prune(cache, {cache_name(done.doc.sha256) for done in prepared if done.doc is not None}, ".pickle")
    return sources


MANIFEST_PROBLEM = "manifest entry not used"  # a data_quality issue that makes the run exit 1


def unique_ids(files: list[Path], names: dict[Path, str] | None = None) -> dict[str, str]:
    """File name -> source id; files whose names give the same id (ccid.txt, ccid.html) get their
    extension, then a number, added. ``names`` are the names as text (see readable_name)."""
    from pipeline.ingest import source_id_for

    named = [Path((names or {}).get(path, path.name)) for path in files]
    base = {p.name: source_id_for(p) for p in named}
    counts = Counter(base.values())
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for path in named:
        candidate = base[path.name]
        if counts[candidate] > 1:
            candidate = f"{candidate}_{path.suffix.lstrip('.').lower() or 'file'}"
        number = 2
        unique = candidate
        while unique in taken:
            unique, number = f"{candidate}_{number}", number + 1
        taken.add(unique)
        ids[path.name] = unique
    return ids


def repair_records(doc: Document, repairs: list[Repair]) -> list[QualityRecord]:
    """Text repairs as data_quality rows (normalize already sums the script conversion up in one)."""
    records = []
    for r in repairs:
        location = doc.locations[r.line - 1] + ("" if r.kind == "script" else f" col {r.column}")
        records.append(QualityRecord(doc.source_id, location, "text", r.kind, r.before, r.after, r.reason))
    return records


def run(raw_dir: Path, out_dir: Path, workers: int = 1, use_cache: bool = True) -> int:
    from pipeline.validate.suites import SuiteRunner

    runner = SuiteRunner()  # imports great-expectations on the other core while sources are read
    try:
        return _run(raw_dir, out_dir, workers, use_cache, runner)
    finally:
        runner.close()


def _run(raw_dir: Path, out_dir: Path, workers: int, use_cache: bool, runner) -> int:
    from pipeline.export import atomic_write, to_frame, write_json, write_table
    from pipeline.report import render
    from pipeline.validate.suites import summarise, validate_tables

    from pipeline.build import build_tables
    from pipeline.curated import Corrections, load_corrections
    from pipeline.publish import datapackage, neutralise_formulas

    quality: list[QualityRecord] = []
    log(f"reading sources in {raw_dir}")
    cache = out_dir / ".cache" if use_cache else None
    sources = read_sources(raw_dir, quality, workers, cache, out_dir)
    try:
        corrections = load_corrections(raw_dir)
        corrections_failed = False
    except PipelineError as exc:
        log(f"failed: {exc} (corrections not applied)")
        corrections, corrections_failed = Corrections(), True
    log(f"  {len(sources)} sources read; extracting and reconciling tables")
    tables, summaries = build_tables(sources, corrections, quality,
                                     cache / "findings" if cache else None)
    neutralise_formulas(tables, quality)
    tables["data_quality"] = [vars(q) for q in quality]
    neutralise_formulas({"data_quality": tables["data_quality"]}, None)
    frames = {name: to_frame(name, rows) for name, rows in tables.items()}
    log(f"  {len(frames)} tables built; validating")
    report = validate_tables(frames, cache / "validation" if cache else None, runner)
    report.update(summaries)
    for name, frame in frames.items():
        write_table(frame, name, out_dir)
    write_json(out_dir / "validation.json", report)
    write_json(out_dir / "datapackage.json", datapackage(list(frames), tables["sources"]))
    atomic_write(out_dir / "report.html", render(tables, report).encode("utf-8"))
    failed = [s.row for s in sources if s.row["status"] == "failed"]
    statuses = Counter(s.row["status"] for s in sources)
    claims = Counter(c["status"] for c in tables["claims"])
    log("validation:")
    for line in summarise(report):
        log(line)
    log(f"sources: {statuses.get('ok', 0)} ok, {statuses.get('partial', 0)} partial, {statuses.get('failed', 0)} failed")
    log(f"tables: {len(frames)} written to {out_dir}/, "
        f"{sum(not t['success'] for t in report['tables'].values())} with failed expectations")
    log("claims: " + ", ".join(f"{n} {status}" for status, n in sorted(claims.items())))
    log(f"report: {out_dir / 'report.html'}")
    for row in failed:
        log(f"  failed source: {row['message']}")
    manifest_failed = any(q.issue == MANIFEST_PROBLEM for q in quality)
    return 0 if report["success"] and not (failed or corrections_failed or manifest_failed) else 1
