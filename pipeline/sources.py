"""The sources of a run: every file of raw/ read and normalised once, in file-name order, and the
``sources`` table's row for each.

Reading is the first stage and the only one that decides a row of ``sources`` from the file itself;
later stages never write into it. What they have to say about a source (read with losses, its tables,
nothing extracted) comes back as a ``SourceNote``, and ``source_rows`` puts rows and notes together
once, at the end of the run.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from pipeline.issues import Issue
from pipeline.model import Document, PipelineError, QualityRecord, Repair


@dataclass
class Source:
    """One file of raw/ after ingest and normalisation. ``row`` is its ``sources`` row as reading left it,
    read-only from then on (a later stage says what it has to say in a SourceNote)."""

    row: MappingProxyType
    doc: Document | None = None
    lines: list[str] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    mode: int = 0o600  # the file's permission bits: what is cached from it gets no more

    @property
    def source_id(self) -> str:
        return self.row["source_id"]


@dataclass(frozen=True)
class SourceNote:
    """What a later stage says about a source: a message for its row, whether it makes the source
    partial, and counts for its row's columns (n_tables, n_rows_seen, ...)."""

    source_id: str
    message: str = ""
    partial: bool = False
    counts: tuple[tuple[str, int], ...] = ()


def source_rows(sources: list[Source], notes: list[SourceNote]) -> list[dict]:
    """The ``sources`` table: each row as reading left it, with the notes about it applied in order."""
    by_id: dict[str, list[SourceNote]] = {}
    for note in notes:
        by_id.setdefault(note.source_id, []).append(note)
    rows = []
    for source in sources:
        row = dict(source.row)
        for note in by_id.get(row["source_id"], []):
            if note.partial and row["status"] == "ok":
                row["status"] = "partial"
            if note.message:
                row["message"] = "; ".join(filter(None, [row["message"], note.message]))
            row.update(note.counts)
        rows.append(row)
    return rows


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def read_sources(raw_dir: Path, quality: list[QualityRecord], executor=None,
                 cache: Path | None = None, out_dir: Path | None = None, budget=None) -> list[Source]:
    """Every file of raw/ read and normalised (on ``executor``, pipeline.executors, each source within
    ``budget``, from ``cache`` when the same bytes were read by the same code before), in file-name
    order whatever the executor and its number of workers."""
    from pipeline.manifest import MANIFEST, discover, load_manifest, readable_name, unread_folders
    from pipeline.cache import prune
    from pipeline.prepare import cache_name, prepare_all, read_across

    problems: list[str] = []
    try:
        manifest = load_manifest(raw_dir, problems)
    except PipelineError as exc:
        manifest, problems = {}, [f"{exc} Until then every file is processed as unlisted."]
    for problem in problems:
        log(f"error: {problem}")
        quality.append(QualityRecord(MANIFEST, MANIFEST, "sources", Issue.MANIFEST_ENTRY_NOT_USED, "", "", problem))
    files = discover(raw_dir)
    if not files:
        log(f"warning: no source files in {raw_dir}: put the documents to read in it (text, HTML or PDF) and run again")
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
    prepared = prepare_all(files, [manifest.get(names[p], {}) for p in files], raw_dir, cache, executor, budget)
    # byte damage no line could read alone, read with evidence from every source
    prepared = read_across(prepared, quality, cache, budget)
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
            sources.append(Source(MappingProxyType(row)))
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
            sources.append(Source(MappingProxyType(row)))
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
        sources.append(Source(MappingProxyType(row), doc, done.lines, done.repairs, done.mode))
    if cache is not None:
        prune(cache, {cache_name(done.doc.sha256) for done in prepared if done.doc is not None})
    return sources


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
