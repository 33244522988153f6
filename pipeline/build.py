"""From read sources to every table: the planned table families run in order, each given only what it
declared it needs (see pipeline/families).

Sources come in priority order (white papers first), so wherever copies of a table disagree the
higher-priority source's text is kept and the difference recorded. Each source's own findings (its
tables found and resolved, its claims) are kept between runs by pipeline.findings; what families say
about a source comes back as notes, applied once to the sources table by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.findings import SourceFindings
from pipeline.model import QualityRecord


@dataclass
class FindingsStore:
    """Each source's stored findings, opened on first use; ``cache`` None keeps nothing (``--no-cache``)."""

    cache: Path | None
    quality: list[QualityRecord]
    stored: dict[str, SourceFindings] = field(default_factory=dict)

    def found(self, source, key, compute):
        """``compute(records)`` for this source, or its stored result: see pipeline.findings."""
        doc = source.doc
        if doc.source_id not in self.stored:
            self.stored[doc.source_id] = SourceFindings(self.cache, doc.source_id, source.lines, doc.locations,
                                                        source.mode)
        return self.stored[doc.source_id].get(key, compute, self.quality)

    def save(self) -> None:
        from pipeline.cache import prune

        for findings in self.stored.values():
            findings.save()
        if self.cache is not None:
            prune(self.cache, {f.path.name for f in self.stored.values()})


def priority(source) -> tuple:
    """Whitepapers first, then the rest by id: the order in which sources' texts are preferred."""
    return (source.row["kind"] != "whitepaper", source.row["source_id"])


def build_tables(sources: list, instances: list, corrections, quality: list[QualityRecord],
                 cache: Path | None = None) -> tuple[dict[str, list[dict]], dict, list]:
    """(tables, summaries for the validation report, notes about sources) from the family ``instances``
    (pipeline.families.plan, in their order); ``cache`` keeps each source's findings between runs."""
    from pipeline.families import Inputs, builder
    from pipeline.reconcile.gazetteer import gazetteer
    from pipeline.reconcile.unread import flag_unread, unread_spans

    gaz = gazetteer()
    store = FindingsStore(cache, quality)
    readable = sorted((s for s in sources if s.doc is not None), key=priority)
    tables: dict[str, list[dict]] = {}
    taken: dict[str, set[str]] = {}
    notes, summaries = [], {}
    for instance in instances:
        inputs = Inputs(instance, readable, store.found, gaz, corrections, quality, tables, taken)
        result = builder(instance.family)(inputs)
        stray = sorted(set(result.tables) - set(instance.assigns))
        if stray:
            raise RuntimeError(f"the {instance.label} family built {', '.join(stray)}, which it does not assign")
        tables.update(result.tables)
        for source_id, locations in result.lines_taken.items():
            taken.setdefault(source_id, set()).update(locations)
        notes.extend(result.notes)
        summaries.update(result.summaries)
    for name in _unpublished(tables, instances):
        del tables[name]
    notes.extend(_nothing_extracted(readable, tables, taken))
    flag_unread(tables, {s.doc.source_id: unread_spans(s.repairs, s.doc.locations) for s in readable}, quality)
    store.save()
    return tables, summaries, notes


def _nothing_extracted(readable: list, tables: dict[str, list[dict]], taken: dict[str, set[str]]) -> list:
    """A source that gave no table a row (its own, or a copy merged into another source's: the lines a
    family took) and made no claim is ok, and says it did not contribute."""
    from pipeline.sources import SourceNote

    used = {source_id for rows in tables.values() for row in rows
            for source_id in str(row.get("source_id") or row.get("source_ids") or "").split(";")}
    return [SourceNote(s.doc.source_id, "nothing extracted: no table or claim found") for s in readable
            if s.doc.source_id not in used and not taken.get(s.doc.source_id)]


def _unpublished(tables: dict[str, list[dict]], instances: list) -> list[str]:
    """The tables of editions published only when found (``publish = "when_found"``) whose tables all
    came out empty: no source in raw/ holds that edition."""
    editions = {e.id: e for i in instances for e in i.editions}
    names = []
    for edition in editions.values():
        own = [n for n in tables if n.startswith(edition.id + "_")]
        if edition.publish == "when_found" and not any(tables[n] for n in own):
            names.extend(own)
    return names
