"""Every edition's ranking from every copy of it, and the rankings of no edition.

Each ranking table found by shape (and not read by another family) is resolved against the gazetteer.
A city ranking from a source about an edition's year (or about no year) is a candidate copy of that
edition's list; the copies agree with the edition's declared primary source (or, without one, with
the largest complete cluster), and the vote over them is the edition's ranking. What is left is kept
in ``unknown_rankings``, with a record of why. Editions are sorted out together, in the order of
their files, because one table is a copy of at most one of them.
"""

from __future__ import annotations

import re

from pipeline.families import Inputs, Result
from pipeline.model import QualityRecord
from pipeline.sources import SourceNote

_CITY_NAME = re.compile(r"[\u4e00-\u9fff]{2,6}市")
_LISTED_CITIES = 50  # a document naming this many cities without a table most likely lists a ranking


def ranking(inputs: Inputs) -> Result:
    from pipeline.reconcile.regions import attach_regions, distribution
    from pipeline.reconcile.top100 import document_witnesses, find_copies, vote

    result = Result()
    candidates, unknown = _city_rankings(inputs, result)
    references: dict[str, object] = {}  # edition id -> the table its copies agree with
    placed: list[tuple[object, object, str]] = []  # (source, table, edition id or '' for none)
    for edition in inputs.editions:
        spec = _spec(edition)
        eligible = [t for source, t in candidates if source.row["edition"] in (None, edition.year)]
        copies, _ = find_copies(eligible, spec)
        taken = {id(t) for t in copies}
        placed.extend((s, t, edition.id) for s, t in candidates if id(t) in taken)
        candidates = [(s, t) for s, t in candidates if id(t) not in taken]
        if copies:
            references[edition.id] = copies[0]
        _declared_twice(edition, eligible, copies, inputs.quality)
        result.notes.extend(_cut_short(copies, spec))
        texts = {s.doc.source_id: s.lines for s in inputs.sources if s.doc.source_id in {c.source_id for c in copies}}
        consensus = vote(copies, inputs.quality, spec, document_witnesses(texts))
        regions = edition.regions_table()
        attach_regions(consensus.rows, inputs.table(regions) if inputs.has(regions) else [], inputs.quality, spec.table)
        result.tables[spec.table] = consensus.rows
        result.tables[spec.by_source] = consensus.by_source
        for key in ("province", "region", "division"):
            result.tables[edition.table(f"top100_by_{key}")] = distribution(consensus.rows, key)
    for source, table in candidates:
        _left_over(source, table, inputs.editions, inputs.quality)
        unknown.extend(_unknown_rows(table.source_id, table.table, table))
    for source, table, edition_id in placed + [(s, t, "") for s, t in candidates]:
        _matches_another_year(source, table, edition_id, inputs.editions, references, inputs.quality)
    result.tables["unknown_rankings"] = unknown
    return result


def _spec(edition):
    from pipeline.reconcile.top100 import Ranking

    return Ranking(edition.ranking_size, edition.table("top100"), edition.table("top100_by_source"),
                   edition.is_primary, f"{edition.id} ranking")


def _city_rankings(inputs: Inputs, result: Result):
    """(source, resolved city ranking) for every ranking table no other family took, in source order;
    and the unknown-ranking rows of tables whose names are not cities. Each source's ranking rows are
    counted (pipeline.extract.accounting) once its tables are resolved."""
    from pipeline.extract.accounting import count_rows
    from pipeline.reconcile.top100 import resolve_table

    candidates, unknown = [], []
    for source in inputs.sources:
        doc = source.doc
        tables = inputs.found(source, "ranking tables", lambda records: _ranking_scan(source, inputs.gaz, records)).tables
        taken = inputs.lines_taken(doc.source_id)
        own = [(n, t) for n, t in enumerate(tables) if not {row.location for row in t.rows} <= taken]
        result.notes.append(SourceNote(doc.source_id, counts=(("n_tables", len(own)),)))
        if not tables and not taken:
            result.notes.extend(_unread_list(source, inputs.gaz))
        for n, table in own:
            resolved = inputs.found(source, ("ranking", n),
                                    lambda records: resolve_table(doc.source_id, {}, table, inputs.gaz, records))
            if resolved is None:
                unknown.extend(_unknown_rows(doc.source_id, table, None))
                continue
            resolved.meta = doc.meta  # the manifest's word, which is not part of what is stored
            candidates.append((source, resolved))
        recorded = {q.location for q in inputs.quality if q.source_id == doc.source_id}
        result.notes.append(_row_count(doc.source_id, count_rows(source.lines, doc.locations, tables, taken, recorded,
                                                                 inputs.gaz)))
    return candidates, unknown


def _ranking_scan(source, gaz, records: list[QualityRecord]):
    """The source's ranking tables; each line that looks like a ranking row and is not read is a record."""
    from pipeline.extract.ranking import find_ranking_tables

    scan = find_ranking_tables(source.lines, source.doc.locations, gaz)
    records.extend(QualityRecord(source.doc.source_id, u.location, "ranking tables", "ranking row not read", u.raw,
                                 "", f"left in the source: {u.why}") for u in scan.unread)
    return scan


def _row_count(source_id: str, count) -> SourceNote:
    """The row counts for ``sources``; row-like lines not read make the source partial (a page number
    inside a table, recorded too, does not), and rows lost without a record (a defect of this pipeline:
    the expectation on n_rows_lost fails) are named."""
    notes = []
    if count.recorded_rows:
        notes.append(f"{count.recorded_rows} line(s) that look like ranking rows were not read; data_quality says why")
    if count.lost:
        notes.append(f"{len(count.lost)} ranking row(s) read into no table and recorded nowhere: "
                     f"{', '.join(count.lost[:5])}; please report this with the file")
    return SourceNote(source_id, "; ".join(notes), bool(count.recorded_rows), tuple(count.columns().items()))


def _unknown_rows(source_id, table, resolved):
    from pipeline.reconcile.top100 import unknown_ranking_rows

    return unknown_ranking_rows(source_id, table, resolved)


def _declared_twice(edition, eligible, copies, quality) -> None:
    declared = sorted({t.source_id for t in eligible if edition.is_primary(t.meta)})
    if len(declared) > 1:
        quality.append(QualityRecord(
            "consensus", "raw/sources.toml", edition.table("top100"),
            f"several sources declared the primary source of {edition.id}", ", ".join(declared),
            copies[0].source_id if copies else "",
            "the one the most copies agree with is the reference (it settles ties); check the manifest's kind"))


def _cut_short(copies, spec) -> list[SourceNote]:
    """A source whose copies of the ranking hold fewer rows than its size is partial: cut short?"""
    held: dict[str, tuple[list[int], list[int]]] = {}  # a source may carry the list in several tables
    for copy in copies:
        listed, numbers = held.setdefault(copy.source_id, ([], []))
        listed.extend(rank for rank, _, _, _ in copy.rows if 1 <= rank <= spec.size)
        numbers.append(copy.table.table_no)
    notes = []
    for source_id, (listed, numbers) in held.items():
        if len(listed) < spec.size:  # rows, not distinct ranks: a tied rank (并列) is not a cut
            tables = f"ranking table{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"
            notes.append(SourceNote(source_id, partial=True, message=(
                f"its copy of the top-{spec.size} ({tables}) has {len(set(listed))} of {spec.size} ranks: the table "
                "may be cut short; check the source file")))
    return notes


def _left_over(source, table, editions, quality) -> None:
    """Why a city ranking is in unknown_rankings: its source is about a year with no ranking edition, or
    it is no copy of its year's ranking."""
    year = source.row["edition"]
    of_year = [e for e in editions if e.year == year] if year is not None else list(editions)
    where = f"ranking table {table.table.table_no}"
    if not of_year:
        quality.append(QualityRecord(
            table.source_id, table.table.location, where, f"city ranking from a source about the {year} edition",
            f"{len(table.table.rows)} rows", "", "no edition file in editions/ is of that year; kept in unknown_rankings"))
        return
    about = f" from a source about the {year} edition" if year is not None else ""
    quality.append(QualityRecord(
        table.source_id, table.table.location, where,
        f"city ranking{about} that is not a copy of the {' or '.join(e.id for e in of_year)} ranking",
        f"{len(table.rows)} rows", "", "kept in unknown_rankings"))


def _matches_another_year(source, table, edition_id, editions, references, quality) -> None:
    """A ranking from a source about one year that matches another year's list: a mislabelled copy?"""
    from pipeline.reconcile.top100 import COPY_AGREEMENT, agreement

    year = source.row["edition"]
    for edition in editions:
        reference = references.get(edition.id)
        if year is None or edition.year == year or reference is None or reference is table:
            continue
        share = agreement(reference, table)
        if share >= COPY_AGREEMENT:
            kept = f"counted as the {edition_id} ranking" if edition_id else "kept in unknown_rankings"
            quality.append(QualityRecord(
                table.source_id, table.table.location, f"ranking table {table.table.table_no}",
                f"a ranking from a source about the {year} edition that matches the {edition.year} "
                f"top-{edition.ranking_size}", f"agrees on {share:.0%} of the ranks both list", "",
                f"{kept}; if it is a copy of the {edition.id} list, set its edition in sources.toml"))


def _unread_list(source, gaz) -> list[SourceNote]:
    """A source with no ranking table that names dozens of cities (an ``<ol>`` list, ranks and names run
    together in a paragraph, a table drawn sideways in a PDF) is partial, saying what to do: it likely
    holds a ranking in a layout this pipeline does not read."""
    named = set()
    for match in _CITY_NAME.finditer("\n".join(source.lines)):
        text = match.group(0)
        named.update(text[start:] for start in range(len(text) - 2, -1, -1) if gaz.cities(text[start:]))
    if len(named) < _LISTED_CITIES:
        return []
    return [SourceNote(source.doc.source_id, partial=True, message=(
        f"names {len(named)} cities but holds no ranking table this pipeline can read; if it lists a ranking, "
        "save it as a table with one row per rank (text with | or tabs, HTML <table>, CSV) and run again"))]
