"""``pipeline run``: every file in raw/ through ingest, normalize, extract, reconcile, validate, export.

Data flows one way: sources are read (pipeline.sources), the table families run in the order their
declarations give (pipeline.families, planned before any source is read, so a family that needs a
table nobody builds stops the run at once), the sources table is written once from the rows reading
made and the notes the families returned, then everything is validated and exported. A source that
cannot be read is recorded as failed and the others go on; every table is still written, and the exit
code says whether anything failed (0 ok, 1 a source or an expectation failed).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pipeline.editions import EDITIONS_DIR
from pipeline.issues import Issue
from pipeline.model import PipelineError, QualityRecord
from pipeline.sources import log


def run(raw_dir: Path, out_dir: Path, workers: int = 1, use_cache: bool = True,
        editions_dir: Path = EDITIONS_DIR, budget=None, executor=None) -> int:
    """One run into ``out_dir``: its files are switched in as a whole set at the end, one run at a time
    (see pipeline.output_set); SIGTERM stops it like Ctrl-C, children first. Sources are read on
    ``executor`` (pipeline.executors), by default in ``workers`` processes of this machine."""
    from pipeline.children import stop_on_signals
    from pipeline.editions import use_editions
    from pipeline.budget import Processes
    from pipeline.families import plan
    from pipeline.output_set import OutputSet
    from pipeline.validate.suites import SuiteRunner

    instances = plan(use_editions(editions_dir))
    with stop_on_signals(), OutputSet(out_dir) as files, executor or Processes(workers) as readers:
        runner = SuiteRunner()  # imports great-expectations on the other core while sources are read
        try:
            return _run(raw_dir, out_dir, readers, use_cache, runner, instances, budget, files)
        finally:
            runner.close()


def _run(raw_dir: Path, out_dir: Path, readers, use_cache: bool, runner, instances, budget, files) -> int:
    from pipeline.export import json_bytes, table_files, to_frame
    from pipeline.report import render
    from pipeline.validate.suites import summarise, validate_tables

    from pipeline.build import build_tables
    from pipeline.curated import Corrections, load_corrections
    from pipeline.publish import datapackage, formula_cells
    from pipeline.sources import read_sources, source_rows

    quality: list[QualityRecord] = []
    log(f"reading sources in {raw_dir}")
    cache = out_dir / ".cache" if use_cache else None
    sources = read_sources(raw_dir, quality, readers, cache, out_dir, budget)
    try:
        corrections = load_corrections(raw_dir)
        corrections_failed = False
    except PipelineError as exc:
        log(f"failed: {exc} (corrections not applied)")
        corrections, corrections_failed = Corrections(), True
    log(f"  {len(sources)} sources read; extracting and reconciling tables")
    built, summaries, notes = build_tables(sources, instances, corrections, quality,
                                           cache / "findings" if cache else None)
    tables = {"sources": source_rows(sources, notes), **built}
    quality.extend(formula_cells(tables))
    tables["data_quality"] = [vars(q) for q in quality]
    frames = {name: to_frame(name, rows) for name, rows in tables.items()}
    log(f"  {len(frames)} tables built; validating")
    report = validate_tables(frames, cache / "validation" if cache else None, runner)
    report.update(summaries)
    for name, frame in frames.items():
        for file_name, data in table_files(frame, name).items():
            files.write(file_name, data)
    files.write("validation.json", json_bytes(report))
    files.write("report.html", render(tables, report).encode("utf-8"))
    files.switch(datapackage(list(frames), tables["sources"]))
    statuses = Counter(row["status"] for row in tables["sources"])
    claims = Counter(c["status"] for c in tables["claims"])
    log("validation:")
    for line in summarise(report):
        log(line)
    log(f"sources: {statuses.get('ok', 0)} ok, {statuses.get('partial', 0)} partial, {statuses.get('failed', 0)} failed")
    log(f"tables: {len(frames)} written to {out_dir}/, "
        f"{sum(not t['success'] for t in report['tables'].values())} with failed expectations")
    log("claims: " + ", ".join(f"{n} {status}" for status, n in sorted(claims.items())))
    log(f"report: {out_dir / 'report.html'}")
    failed = [row for row in tables["sources"] if row["status"] == "failed"]
    for row in failed:
        log(f"  failed source: {row['message']}")
    manifest_failed = any(q.issue == Issue.MANIFEST_ENTRY_NOT_USED for q in quality)
    return 0 if report["success"] and not (failed or corrections_failed or manifest_failed) else 1
