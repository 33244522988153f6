"""A second reading of the byte damage a line could not clear alone, with evidence from elsewhere.

The byte-damage repair (gbk_shift) reads each span from its own line; where no reading clearly wins it
keeps the span as read and flags it. Two kinds of evidence lie outside the line, and only a pass run
once every source is read can see them:
- the same phrase in clean text: another source (the white paper holds clean copies of most of the
  mirrors' sentences) or an undamaged part of the same one. Its n-grams become reference text for the
  scorer; a reading they decide is taken, and the record names where the phrase was found;
- the same damaged bytes elsewhere: a page repeats its headings, and every occurrence of a damaged run
  lost the same byte. The first lost character is chosen over all occurrences together, each scored in
  its own context, and each flagged occurrence is read again with it.
Neither reads what another repair produced: reference text is the text as read with every damaged span
cut out, and occurrences are scored on their own bytes. Each repair is its own kind,
``gbk_shift_elsewhere``. The readings go into the lines as read and the document is normalised again,
so every later stage treats the restored text as any other, and every record keeps its column in the
line as read.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from pipeline.model import Repair
from pipeline.normalize import gbk_shift
from pipeline.normalize.columns import StageMaps, placed

KIND = "gbk_shift_elsewhere"
_MIN_OCCURRENCES = 2
_WINDOW = 64  # characters before a span whose annotations are removed to find the clean ones next to it


@dataclass
class _Flagged:
    """A span the first pass flagged: its source, line (1-based), start in the line as read, the record."""

    source: int
    line: int
    start: int
    record: Repair

    @property
    def place(self) -> tuple[int, int, int]:
        return self.source, self.line, self.start


def read_elsewhere(sources: list, explain: bool = False) -> None:
    """Read the flagged byte-damage spans of ``sources`` again with evidence from all of them. Each
    source has ``doc`` (its ``file``, ``sha256`` and ``lines`` as read), ``lines`` (normalised) and
    ``repairs``; those with a span read get new ``lines`` and ``repairs`` (normalised again with
    ``explain``). Copies of the same bytes are read once and count once. The lexicon is loaded only
    when a flagged span has evidence to be read with: its surroundings in clean text, or its damaged
    bytes elsewhere."""
    unique: dict[str, object] = {}
    for source in sources:
        if source.doc is not None:
            unique.setdefault(source.doc.sha256, source)
    documents = list(unique.values())
    flagged = [_Flagged(i, r.line, r.column - 1, r) for i, d in enumerate(documents) for r in d.repairs
               if r.kind == "gbk_shift" and r.before == r.after and _found(d.doc.lines, r)]
    if not flagged:
        return
    references = _References(documents)
    near_clean = [span for span in flagged if references.near(_line(documents, span), span.start)]
    groups = _occurrence_groups(documents, flagged)
    if not near_clean and not groups:
        return
    readers = _Readers(references, documents)
    readings: dict[int, list[Repair]] = defaultdict(list)
    read: set[tuple[int, int, int]] = set()
    for span in near_clean:
        found = _from_clean_text(documents, span, references, readers)
        if found is not None:
            readings[span.source].append(found)
            read.add(span.place)
    for span, found in _from_occurrences(documents, groups, read, readers, references):
        readings[span.source].append(found)
    for index, records in readings.items():
        _apply(documents[index], records, explain)
    for source in sources:
        if source.doc is not None and unique[source.doc.sha256] is not source:
            twin = unique[source.doc.sha256]
            source.lines, source.repairs = twin.lines, twin.repairs


@dataclass
class _Alone:
    doc: object
    lines: list[str]
    repairs: list[Repair]


def read_in_document(doc, lines: list[str], repairs: list[Repair], explain: bool = False) -> tuple[list[str], list[Repair]]:
    """The second pass over one document normalised alone (``normalize FILE``): its flagged spans read
    from its own clean text and from other occurrences of their damaged bytes in it, as a run reads
    them with every source."""
    alone = _Alone(doc, lines, repairs)
    read_elsewhere([alone], explain)
    return alone.lines, alone.repairs


def _line(documents: list, span: _Flagged) -> str:
    return documents[span.source].doc.lines[span.line - 1]


class _Readers:
    """The lexicons the pass reads with, loaded on first use (about 1.5 s), and the readings of spans
    by the lexicon alone, each made once however many times the pass asks."""

    def __init__(self, references: _References, documents: list):
        self._references = references
        self._documents = documents
        self._alone: dict[tuple[str, int, bool], object] = {}
        self._drops: dict[int, bool] = {}

    @cached_property
    def plain(self):
        from pipeline.normalize.lexicon import default_lexicon

        return default_lexicon()

    @cached_property
    def with_references(self):
        from pipeline.normalize.lexicon import Lexicon

        lexicon = Lexicon()
        lexicon.reference_grams = self._references.grams
        return lexicon

    def drops(self, source: int) -> bool:
        """Whether the source's decoder may have dropped private-use pairs, from the source as read."""
        if source not in self._drops:
            self._drops[source] = gbk_shift.drops_private_use("\n".join(self._documents[source].doc.lines))
        return self._drops[source]

    def alone(self, source: int, line: str, start: int):
        key = (line, start, self.drops(source))
        if key not in self._alone:
            self._alone[key] = gbk_shift.read_span(line, start, self.plain, key[2])
        return self._alone[key]


def _found(lines: list[str], record: Repair) -> bool:
    line = lines[record.line - 1] if 0 < record.line <= len(lines) else ""
    start = record.column - 1
    return line[start:start + len(record.before)] == record.before and bool(gbk_shift.DAMAGE_SITE.match(line, start))


class _References:
    """Clean text of every source: the lines as read with each damaged span, repaired or flagged, cut
    out, pinyin annotations removed, in Simplified; its n-grams and where each was first seen."""

    def __init__(self, documents: list):
        from pipeline.normalize.lexicon import REFERENCE_N, simplify_chars

        self.grams: set[str] = set()
        self.where: dict[str, tuple[str, int]] = {}
        cut: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for index, document in enumerate(documents):
            for record in document.repairs:
                if record.kind == "gbk_shift":
                    cut[index, record.line].append((record.column - 1, record.column - 1 + len(record.before)))
        seen: set[str] = set()
        for index, document in enumerate(documents):
            for number, line in enumerate(document.doc.lines, 1):
                pieces = _cut_out(line, cut.get((index, number), []))
                for piece in pieces:
                    clean = simplify_chars(gbk_shift.without_annotations(piece))
                    if clean in seen:
                        continue
                    seen.add(clean)
                    for i in range(len(clean) - REFERENCE_N + 1):
                        gram = clean[i:i + REFERENCE_N]
                        if gram not in self.where:
                            self.grams.add(gram)
                            self.where[gram] = (document.doc.file, number)
        self._heads = {gram[:-1] for gram in self.grams}
        self._tails = {gram[1:] for gram in self.grams}

    def near(self, line: str, start: int) -> bool:
        """Whether the clean text may hold the phrase of the span at line[start]: the characters just
        before it followed by any, or any followed by those read in step just after its first lost one;
        a side too short to tell counts as holding it. A reading from clean text needs an n-gram of it
        there, so a span with neither is not read (nor the lexicon loaded for it)."""
        from pipeline.normalize.lexicon import REFERENCE_N, simplify_chars

        before = _clean_before(line, start)
        after = simplify_chars(gbk_shift.read_in_step(line, start))[:REFERENCE_N - 1]
        if len(before) < REFERENCE_N - 1 or len(after) < REFERENCE_N - 1:
            return True
        return before in self._heads or after in self._tails


def _clean_before(line: str, start: int) -> str:
    """The clean characters just before line[start] an n-gram holding its first one may take, in
    Simplified, annotations removed."""
    from pipeline.normalize.lexicon import REFERENCE_N, simplify_chars

    return simplify_chars(gbk_shift.without_annotations(line[max(0, start - _WINDOW):start]))[-(REFERENCE_N - 1):]


def _cut_out(line: str, spans: list[tuple[int, int]]) -> list[str]:
    pieces, position = [], 0
    for start, end in sorted(spans):
        pieces.append(line[position:start])
        position = max(position, end)
    pieces.append(line[position:])
    return pieces


def _from_clean_text(documents, span: _Flagged, references: _References, readers: _Readers) -> Repair | None:
    """The span's reading where reference text decides it: read with the clean text's n-grams, one
    reading clearly wins, and an n-gram of it holding a restored character is in the clean text. In a
    table row, where the first pass reads cells by place names only, the reading must also be one the
    lexicon alone would not make: the reason the cell was flagged still holds for those."""
    line = _line(documents, span)
    read = gbk_shift.read_span(line, span.start, readers.with_references, readers.drops(span.source))
    if read is None or read.chosen is None or read.start != span.start:
        return None
    if gbk_shift.in_table_row(gbk_shift.table_separators(line), read.start, read.end):
        alone = readers.alone(span.source, line, span.start)
        if alone is not None and alone.chosen == read.chosen:
            return None
    where = _supporting(line, span.start, read, references)
    if not where:
        return None
    file, number = where
    return _record(span, line, read, f"read from the same phrase in clean text: {file} line {number}")


def _supporting(line: str, start: int, read, references: _References, skip: int | None = None):
    """Where the clean text holds the reading: every restored Han character (but the one at ``skip``)
    inside an n-gram of the reading (with its context) that the clean text has; the place of the first
    such n-gram, None when there is none, False when a restored character has none."""
    from pipeline.normalize.lexicon import CJK, REFERENCE_N, simplify_chars

    before = _clean_before(line, start)
    # the reading and what follows it, joined first: a restored '(' may open an annotation there
    reading = simplify_chars(gbk_shift.without_annotations(read.chosen + line[read.end:]))
    text = before + reading[:len(read.chosen) + REFERENCE_N]
    where = None
    for position in read.restored:
        if position == skip or not CJK.match(reading[position]):
            continue  # a restored mark is for the sentence and quotation evidence
        at = len(before) + position
        grams = [text[i:i + REFERENCE_N] for i in range(max(0, at - REFERENCE_N + 1), at + 1)]
        found = [gram for gram in grams if len(gram) == REFERENCE_N and gram in references.grams]
        if not found:
            return False
        where = where or references.where[found[0]]
    return where


@dataclass
class _Group:
    """Flagged spans with the same damaged head bytes, and every place those bytes occur (source index,
    line, start of the span)."""

    members: list[_Flagged]
    places: list[tuple[int, int, int]]


def _occurrence_groups(documents, spans: list[_Flagged]) -> list[_Group]:
    """Flagged spans grouped by their damaged head bytes, where those bytes occur more than once."""
    by_key: dict[str, list[_Flagged]] = defaultdict(list)
    for span in spans:
        key = _head(_line(documents, span), span.start)
        if key:
            by_key[key].append(span)
    groups = []
    for key, members in by_key.items():
        places = [(i, n, at + 1) for i, d in enumerate(documents) for n, line in enumerate(d.doc.lines, 1)
                  for at in _occurrences(line, key)]
        if len(places) >= _MIN_OCCURRENCES:
            groups.append(_Group(members, places))
    return groups


def _from_occurrences(documents, groups: list[_Group], read: set[tuple[int, int, int]], readers: _Readers,
                      references: _References) -> list[tuple[_Flagged, Repair]]:
    """Flagged spans (those not ``read`` already) read again with their first lost character chosen
    over every occurrence of the same damaged bytes (in any source, repaired or flagged), each occurrence
    scored in its own context by the lexicon alone. Any other character the span lost must be one the
    clean text holds there."""
    found = []
    for group in groups:
        members = [span for span in group.members if span.place not in read]
        if not members:
            continue
        first = _pooled_first(documents, group.places, readers)
        if first is None:
            continue
        by_file: dict[str, list[str]] = defaultdict(list)
        for i, n, _ in group.places:
            by_file[documents[i].doc.file].append(str(n))
        lines = "; ".join(f"{file} lines {', '.join(numbers)}" for file, numbers in by_file.items())
        for span in members:
            line = _line(documents, span)
            reading = gbk_shift.read_span(line, span.start, readers.with_references, readers.drops(span.source),
                                          first=first)
            if reading is not None and reading.chosen is not None and reading.start == span.start \
                    and _supporting(line, span.start, reading, references, skip=0) is not False:
                found.append((span, _record(span, line, reading,
                                            f"its first lost character ({first}) chosen over the {len(group.places)} "
                                            f"occurrences of the same damaged bytes ({lines}), the rest with "
                                            "clean text of every source as reference")))
    return found


def _head(line: str, start: int) -> str:
    """The damaged bytes that decide a span's first lost character: the character before it (an
    annotation inside a character misread its last byte), the '?' and mark or annotation, and the
    first shifted character."""
    if start == 0:
        return ""
    mark = gbk_shift.site_length(line, start)
    end = start + mark + 1
    if end > len(line) or ord(line[end - 1]) < 0x80:
        return ""
    return line[start - 1:end]


def _occurrences(line: str, key: str):
    at = line.find(key)
    while at >= 0:
        yield at
        at = line.find(key, at + 1)


def _pooled_first(documents, places, readers: _Readers) -> str | None:
    """The first lost character that wins over all occurrences together: each occurrence's best score
    for each first character (the lowest it gave any, less the margin, where it gave none), summed; the
    winner must beat the next by the margin a single reading needs, and be the one every occurrence read
    alone would choose if it chooses one."""
    totals: dict[str, float] = defaultdict(float)
    per_place = []
    for index, number, start in places:
        read = readers.alone(index, documents[index].doc.lines[number - 1], start)
        if read is None or not read.ranked:
            return None
        best: dict[str, float] = {}
        for reading, score in read.ranked:
            best.setdefault(reading[:1], score)
        if read.chosen is not None and read.chosen[:1] not in best:
            return None
        per_place.append((best, min(best.values()) - gbk_shift.MARGIN, read.chosen))
    for first in {c for best, _, _ in per_place for c in best}:
        totals[first] = sum(best.get(first, floor) for best, floor, _ in per_place)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    winner, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else -math.inf
    if score - runner_up < gbk_shift.MARGIN or any(chosen and chosen[:1] != winner for _, _, chosen in per_place):
        return None
    return winner


def _record(span: _Flagged, line: str, read, evidence: str) -> Repair:
    return Repair(KIND, span.line, span.start + 1, line[read.start:read.end], read.chosen, read.confidence,
                  f"GBK punctuation-shift damage undone from evidence elsewhere, {evidence}")


def _apply(document, records: list[Repair], explain: bool) -> None:
    """The readings put into the lines as read, the document normalised again (the byte damage of the
    lines no reading changed as the first pass read it, without a search), and its records moved back
    to the columns of the lines as read."""
    from pipeline.normalize import normalize_lines

    read = document.doc.lines
    substituted = list(read)
    for number in sorted({r.line for r in records}):
        on_line = sorted((r for r in records if r.line == number), key=lambda r: r.column)
        text, position, pieces = read[number - 1], 0, []
        for record in on_line:
            start = record.column - 1
            pieces += [text[position:start], record.after]
            position = start + len(record.before)
        substituted[number - 1] = "".join(pieces) + text[position:]
    with gbk_shift.remembered(read, document.repairs):
        lines, repairs = normalize_lines(substituted, explain=explain)
    moved = placed(repairs, [StageMaps(records, lambda n: read[n - 1], lambda n: substituted[n - 1])])
    # normalize lists its records in line order, then the summed-up ones: each reading goes in that order
    ordered = next((i for i in range(1, len(moved)) if _place(moved[i]) < _place(moved[i - 1])), len(moved))
    for record in records:
        at = bisect_right([_place(r) for r in moved[:ordered]], _place(record))
        moved.insert(at, record)
        ordered += 1
    document.lines = lines
    document.repairs = moved


def _place(record: Repair) -> tuple[int, int]:
    return record.line, record.column
