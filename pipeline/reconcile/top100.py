"""An edition's ranking (the CCID 2020 top-100) from every copy of it: resolve each ranking table,
find the copies, vote.

A ranking table is a *city ranking* when most of one column resolves to cities. City rankings that
agree with one another on most ranks are copies of the same list; the cluster that holds the
edition's declared primary source (or, without one, the largest complete cluster) is the ranking.
Each rank's city is the majority over the copies; a tie is flagged; every disagreement is a
data-quality row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from pipeline.extract.ranking import RankingTable
from pipeline.model import QualityRecord
from pipeline.reconcile.gazetteer import Gazetteer
from pipeline.reconcile.names import Resolution, name_and_note, resolve_city
from pipeline.reconcile.places import abroad

CITY_SHARE = 0.8  # share of a column that must resolve to cities for a table to be a city ranking
COPY_AGREEMENT = 0.5  # share of common ranks two tables must agree on to be copies of one list


@dataclass
class SourceTable:
    """A ranking table of one source, with each row resolved."""

    source_id: str
    meta: dict
    table: RankingTable
    city_field: int
    province_field: int | None
    rows: list[tuple[int, Resolution, str, str]] = field(default_factory=list)  # rank, resolution, location, raw

    @cached_property
    def ranks(self) -> frozenset[int]:
        return frozenset(rank for rank, _, _, _ in self.rows)

    @cached_property
    def resolved_pairs(self) -> frozenset[tuple[int, str]]:
        """(rank, adcode) per rank (the last row of a repeated rank, as a lookup by rank would give), for
        the rows that resolved: compared as sets, so finding copies among many tables stays fast.
        Read once the rows are complete."""
        by_rank = {rank: res.adcode for rank, res, _, _ in self.rows}
        return frozenset((rank, adcode) for rank, adcode in by_rank.items() if adcode)


def identify_fields(table: RankingTable, gaz: Gazetteer) -> tuple[int | None, int | None]:
    """(city field, province field) by content, the header breaking ties; None when absent. A
    field's value is read without a parenthesised note (``深圳市（广东省）`` counts as a city), and a
    city abroad counts as a city (``赫尔辛基(芬兰)``)."""
    roles = table.roles()
    city_share, province_share = [], []
    for i in range(table.width):
        cells = [row.fields[i] for row in table.rows if row.fields[i].strip()]
        values = [name_and_note(cell)[0] for cell in cells]
        total = max(len(table.rows), 1)
        city_share.append(sum(bool(gaz.cities(v.replace(" ", "")) or abroad(cell, gaz))
                              for v, cell in zip(values, cells)) / total)
        province_share.append(
            sum(bool(gaz.province(v.replace(" ", ""))) and not gaz.cities(v.replace(" ", "")) for v in values) / total
        )
    province_field = None
    for i in range(table.width):
        # content over header: a column of cities headed 城市/省份 holds cities
        if (roles[i] == "province" and city_share[i] < CITY_SHARE) or province_share[i] >= CITY_SHARE:
            province_field = i
            break
    candidates = [i for i in range(table.width) if i != province_field]
    if not candidates:
        return None, province_field
    city_field = max(candidates, key=lambda i: (city_share[i], roles[i] == "city", -i))
    if city_share[city_field] < CITY_SHARE:
        return None, province_field
    return city_field, province_field


def resolve_table(source_id: str, meta: dict, table: RankingTable, gaz: Gazetteer,
                  quality: list[QualityRecord]) -> SourceTable | None:
    """Resolve every row of a city ranking; None when the table is not one. A city abroad is kept as
    written, unresolved, with one record for the table rather than one per row."""
    city_field, province_field = identify_fields(table, gaz)
    if city_field is None:
        names = [field for row in table.rows[:3] for field in row.fields[:2]]
        quality.append(QualityRecord(
            source_id, table.location, "unknown_rankings", "not a city ranking", " | ".join(names), "",
            f"ranking table {table.table_no}: no column of it holds names that are cities in {CITY_SHARE:.0%} of its "
            f"{len(table.rows)} rows, so it is kept in unknown_rankings as written, each row flagged "
            "not_a_city_ranking and none resolved"))
        return None
    resolved = SourceTable(source_id, meta, table, city_field, province_field)
    name = f"ranking table {table.table_no}"
    in_notes = 0
    foreign = []
    for row in table.rows:
        country = abroad(row.fields[city_field], gaz)
        if country:
            foreign.append(row.fields[city_field])
            resolved.rows.append((row.rank, Resolution(row.fields[city_field], flags=["abroad"]), row.location, row.raw))
            continue
        province_raw = row.fields[province_field] if province_field is not None else None
        city_raw, note = name_and_note(row.fields[city_field])
        bracketed = gaz.province(note) if note else None
        if bracketed is not None and province_raw is None:
            province_raw, in_notes = note, in_notes + 1
        elif bracketed is not None:
            column = gaz.province(province_raw.replace(" ", ""))
            if column is None or column.adcode != bracketed.adcode:
                quality.append(QualityRecord(source_id, row.location, name, "province in brackets differs from the "
                                             "province column", f"{row.fields[city_field]} under {province_raw}",
                                             city_raw, "the province column is used and checked against the city"))
        elif note:
            quality.append(QualityRecord(source_id, row.location, name, "note in brackets beside the city",
                                         row.fields[city_field], city_raw, "the note is not a province; left out"))
        res = resolve_city(city_raw, province_raw, gaz)
        for text_note in res.notes:
            quality.append(QualityRecord(source_id, row.location, name, text_note.issue, text_note.raw,
                                         text_note.resolved, text_note.action))
        for extra in row.extra:
            quality.append(QualityRecord(source_id, row.location, name, "cell beyond the table's columns", extra,
                                         "", "not part of the row (a note such as 并列); recorded here"))
        resolved.rows.append((row.rank, res, row.location, row.raw))
    scored = [row for row in table.rows if row.values]
    if scored:
        quality.append(QualityRecord(
            source_id, f"{table.location} ff.", name, "numbers after the names (a score column)",
            f"{len(scored)} rows, e.g. rank {scored[0].rank}: {' '.join(scored[0].values)}", "",
            "not part of the top-100, which publishes no scores; left in the source"))
    if in_notes:
        quality.append(QualityRecord(
            source_id, f"{table.location} ff.", name, "province in brackets after the city",
            f"{in_notes} rows", "province of each city from its brackets", "read, checked against the gazetteer"))
    if foreign:
        quality.append(QualityRecord(
            source_id, f"{table.location} ff.", name, "cities abroad", f"{len(foreign)} rows, e.g. {foreign[0]}", "",
            "kept as written: a city outside China has no adcode or province"))
    inferred = len(table.rows) - in_notes - len(foreign)
    if province_field is None and inferred:
        quality.append(QualityRecord(
            source_id, f"{table.location} ff.", name, "table has no province column",
            f"{inferred} rows", "province of each city from the gazetteer", "inferred"))
    counts = Counter(rank for rank, _, _, _ in resolved.rows)
    for rank, count in sorted(counts.items()):
        if count > 1:
            quality.append(QualityRecord(source_id, table.location, name, "rank listed more than once",
                                         f"rank {rank} x{count}", "", "kept; the vote counts each row"))
    return resolved


def agreement(a: SourceTable, b: SourceTable) -> float:
    """Share of the ranks both tables list on which they name the same (resolved) city."""
    common = len(a.ranks & b.ranks)
    return len(a.resolved_pairs & b.resolved_pairs) / common if common else 0.0


@dataclass(frozen=True)
class Ranking:
    """What the vote needs to know of an edition: its size, the tables it publishes, and which sources
    are its declared primary source (``is_primary(meta)``, see pipeline.editions)."""

    size: int
    table: str
    by_source: str
    is_primary: object  # (manifest entry) -> bool
    label: str  # how messages name the ranking: "CCID 2020 top-100"


def find_copies(tables: list[SourceTable], ranking: Ranking) -> tuple[list[SourceTable], list[SourceTable]]:
    """(copies of the ranking, other city rankings). The reference is the declared primary source's
    table when there is one, else the complete table that the most other tables agree with."""
    complete = [t for t in tables if {r for r, _, _, _ in t.rows} >= set(range(1, ranking.size + 1))]
    if not complete:
        return [], list(tables)

    def support(t: SourceTable) -> tuple:
        return (ranking.is_primary(t.meta), sum(agreement(t, o) >= COPY_AGREEMENT for o in tables), len(t.rows))

    reference = max(complete, key=support)
    copies = [reference] + [t for t in tables if t is not reference and agreement(reference, t) >= COPY_AGREEMENT]
    others = [t for t in tables if not any(t is c for c in copies)]
    return copies, others


@dataclass
class Consensus:
    rows: list[dict]
    by_source: list[dict]


_SAME_DOCUMENT = 0.9  # share of the shorter document's lines another document holds: a copy of it


def document_witnesses(texts: dict[str, list[str]]) -> dict[str, int]:
    """Source id -> witness number. Documents that share nearly all their lines (the same repost
    saved twice, a page re-published with another title) are one witness: a vote by documents, not
    by files, so a copied error is not confirmed by its own copies, while independent documents that
    agree each count."""
    keys = {source: frozenset(line.strip() for line in lines if line.strip()) for source, lines in texts.items()}
    witness: dict[str, int] = {}
    for source in texts:
        for other, number in witness.items():
            a, b = keys[source], keys[other]
            if a and b and len(a & b) >= _SAME_DOCUMENT * min(len(a), len(b)):
                witness[source] = number
                break
        else:
            witness[source] = len(set(witness.values()))
    return witness


def vote(copies: list[SourceTable], quality: list[QualityRecord], ranking: Ranking,
         witness: dict[str, int] | None = None) -> Consensus:
    """Majority city per rank over the witnesses (``witness``: source id -> witness number, see
    document_witnesses; each source its own by default). The first copy is the reference: on a tie
    its city is kept; when the reference is the edition's declared primary source that settles the
    rank (flagged primary_source), otherwise the rank is flagged tie."""
    ranks = sorted({rank for t in copies for rank, _, _, _ in t.rows if 1 <= rank <= ranking.size})
    if witness is None:
        witness = {t.source_id: n for n, t in enumerate(copies)}
    rows: list[dict] = []
    decisions: dict[int, tuple[str, str]] = {}  # rank -> (winning key, how it was decided)
    for rank in ranks:
        row, key, decided = _decide(rank, copies, witness, ranking, quality)
        rows.append(row)
        decisions[rank] = (key, decided)
    return Consensus(rows, _rows_by_source(copies, {r["rank"]: r for r in rows}, decisions, ranking, quality))


def _decide(rank: int, copies: list[SourceTable], witness: dict[str, int], ranking: Ranking,
            quality: list[QualityRecord]) -> tuple[dict, str, str]:
    """(consensus row, winning key, how it was decided) for one rank."""
    votes: dict[str, list[tuple[SourceTable, Resolution]]] = {}
    for t in copies:
        for r, res, _, _ in t.rows:
            if r == rank:
                votes.setdefault(res.key, []).append((t, res))
    # a witness votes once, however many tables or sources carry its list
    weight = {key: len({witness[t.source_id] for t, _ in group}) for key, group in votes.items()}
    ordered = sorted(votes.items(), key=lambda kv: -weight[kv[0]])
    leaders = [kv for kv in ordered if weight[kv[0]] == weight[ordered[0][0]]]
    key, supporters = leaders[0]
    res = supporters[0][1]
    flags = list(res.flags)
    decided = "majority kept"
    if len(leaders) > 1:
        described = "; ".join(f"{group[0][1].name} ({', '.join(sorted({t.source_id for t, _ in group}))}: "
                              f"{weight[leader]} independent)" for leader, group in leaders)
        if ranking.is_primary(copies[0].meta) and any(t is copies[0] for t, _ in supporters):
            flags.append("primary_source")
            decided = f"no majority; {copies[0].source_id}'s city kept (the declared primary source of the {ranking.label})"
        else:
            flags.append("tie")
            decided = "no majority; the first copy's city kept, flagged as a tie"
        quality.append(QualityRecord("consensus", f"rank {rank}", ranking.table, "copies disagree with no majority",
                                     described, res.name, decided))
    row = {"rank": rank, "city": res.name, "province": res.province_name, "adcode": res.adcode,
           "n_sources": len({t.source_id for t, _ in supporters}), "flags": ";".join(flags)}
    return row, key, decided


def _rows_by_source(copies: list[SourceTable], consensus: dict[int, dict], decisions: dict[int, tuple[str, str]],
                    ranking: Ranking, quality: list[QualityRecord]) -> list[dict]:
    """Every row of every copy, with whether it agrees with the consensus; each disagreement recorded."""
    by_source: list[dict] = []
    for t in copies:
        for rank, res, location, _ in t.rows:
            key, decided = decisions.get(rank, ("", ""))
            if rank not in decisions:
                quality.append(QualityRecord(t.source_id, location, ranking.by_source,
                                             f"rank outside 1-{ranking.size}", f"rank {rank}: {res.name}", "",
                                             "kept in this table only; not part of the top list"))
            agrees = key == res.key
            by_source.append({
                "source_id": t.source_id, "rank": rank, "city": res.name, "province": res.province_name,
                "adcode": res.adcode, "agrees": agrees, "raw_city": res.raw,
                "province_inferred": res.province_inferred, "table_no": t.table.table_no, "location": location,
                "flags": ";".join(sorted(set(res.flags))),
            })
            if not agrees and rank in decisions:
                winner = consensus[rank]
                n = winner["n_sources"]
                quality.append(QualityRecord(
                    t.source_id, location, ranking.by_source, "rank disagrees with the other copies",
                    f"rank {rank}: {res.name}", f"rank {rank}: {winner['city']} ({n} source{'s' if n != 1 else ''})",
                    decided))
    return by_source


def unknown_ranking_rows(source_id: str, table: RankingTable, resolved: SourceTable | None) -> list[dict]:
    """A ranking table that matches nothing known, kept row by row rather than dropped."""
    rows = []
    if resolved is not None:  # the name as the table wrote it, with its note: 赫尔辛基(芬兰)
        for row, (rank, res, location, _) in zip(table.rows, resolved.rows):
            rows.append({"source_id": source_id, "table_no": table.table_no, "rank": rank,
                         "name": row.fields[resolved.city_field],
                         "city": res.city.name if res.city else "", "province": res.province_name,
                         "adcode": res.adcode, "location": location, "flags": ";".join(sorted(set(res.flags)))})
        return rows
    for row in table.rows:
        rows.append({"source_id": source_id, "table_no": table.table_no, "rank": row.rank,
                     "name": " | ".join(row.fields), "city": "", "province": "", "adcode": "",
                     "location": row.location, "flags": "not_a_city_ranking"})
    return rows
