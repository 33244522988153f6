"""Undo the mirror pages' punctuation-shift damage by inverting the mechanism, not its symptoms.

The mechanism: a full-width -> half-width punctuation conversion ran over GBK bytes without respecting
character boundaries. Wherever byte 0xA3 (the trail byte of 海, of 。, …) was followed by 0xA1, 0xA8,
0xA9, 0xAC, 0xBA, 0xBB or 0xBF, the pair became one ASCII byte (! ( ) , : ; ?). Decoding then lost
the orphaned lead byte (shown as ``?``) and read the rest one byte off until an ASCII byte put it back
in step; an invalid pair ending in a digit, ``<`` or ``(`` lost that byte too. ``simulate`` reproduces
this, and the variants real pages show:
- a converter out of step: once it had converted a pair, it went on reading pairs as the decoder did,
  so it converted the next pair starting with 0xA3 in that reading and left a real full-width comma
  (0xA3 0xAC split across two of its pairs) alone;
- a decoder that dropped the private-use characters (GBK's user-defined pairs) a shifted run produces;
- a pinyin annotation put inside a character (``展?jié)摿``: bytes B9 9D of 展潛 read out of step as 節,
  annotated, and 潛 split by "(jié)"), whose ``(`` the decoder lost with the orphaned byte before it.

The inverse: re-encode the shifted run, restore what the damage removed, and decode in step again.
What is lost is the lead byte of the character before the mark (or before the annotation) and, when
the run ends in ``?``, the last character's trail byte; a dropped private-use pair takes two more.
Every candidate for the lost bytes is decoded, checked by simulating the damage again (it must give
back exactly what was observed), and scored by the lexicon; a span is repaired only when one candidate
clearly wins, and otherwise kept and flagged.

A dropped pair leaves no trace of its own: it merges the character before it and the one after into
one, often a common one (多位代表 reads 多位错). So a page that shows no private-use character in its
runs (drops_private_use) may hide one at every place of every run: each place is tried (a way of
reading the span), ways of different lengths are compared by how likely their words are
(Lexicon.likelihood), and a reading is taken only when it beats every other way, leaves no character
that a drop there would explain better unread (多位错 beside 代表), and, when it assumes a drop itself,
beats the readings with more drops that the search finds. Otherwise the span is flagged.

Evidence first: a span holding no shifted characters of its own (``?:?``, ``???/p>``) is read only in a
document that shows the damage elsewhere, and a span with no Chinese text around it never.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import product

from pipeline.model import Repair
from pipeline.normalize.columns import StageMaps, placed
from pipeline.normalize.commonness import COMMON_PUNCTUATION
from pipeline.normalize.lexicon import CJK, QUOTE_PAIRS, default_lexicon, simplify_chars
from pipeline.normalize.scan import lines_matching

PUNCT_BYTE = {"!": 0xA1, "(": 0xA8, ")": 0xA9, ",": 0xAC, ":": 0xBA, ";": 0xBB, "?": 0xBF}
_BYTE_PUNCT = {byte: mark.encode() for mark, byte in PUNCT_BYTE.items()}
# Bytes an invalid pair swallowed on the mirrors (a GB18030 decoder reads 0x30-0x39 as the second byte
# of a four-byte sequence; '<' vanished the same way in every '</p>' and '<br', and '(' in every pinyin
# annotation that followed a shifted run: 髷?shù) for 數(shù)).
SWALLOWED = bytes(range(0x30, 0x3A)) + b"<("
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# the syllable of an annotation whose '(' an orphaned byte swallowed: a tone mark in it, as the reposts write them
_ANNOTATION_REST = rf"(?=[a-zü{_TONED}]{{1,6}}\))[a-zü]*[{_TONED}][a-zü{_TONED}]*\)"
_ANNOTATION_AFTER = re.compile(_ANNOTATION_REST)
_ANNOTATIONS = re.compile(rf"\([a-zü{_TONED}][a-zü{_TONED} ·']{{0,40}}\)")
_WRAP_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])|^ (?=[\u4e00-\u9fff])")
DAMAGE_SITE = re.compile(rf"\?[!(),:;?]|\?(?={_ANNOTATION_REST})")
_TAG_REST = re.compile(r"/?[a-zA-Z][a-zA-Z0-9]*\b[^<>\n]{0,200}>")  # what is left of a tag after its '<': /p>, br …/>
MIN_SCORE = 2.5  # the winner must be at least a word of frequency ~300, a place name or a sentence end
MARGIN = 1.0  # and ten times better (in log10 terms) than the runner-up
_SHORTLIST = 12
_INNER_MARKS = 2  # shifted pairs inside one run tried, when the run read up to its first mark has no reading
_CONTEXT = 4
_WINDOW = 64  # characters of context kept around a span: enough for the scorer, whatever the line's length
_MAX_RUN = 200  # a shifted run ends at the next ASCII byte; one longer than this is left as read
# What a reading that assumes a dropped pair costs beside one that does not: its own bytes make the pair
# private-use, so only the decoder is in doubt, at even odds at most (a page whose runs hold no private-use
# character is likelier to drop them: about one off-step pair in ten would be one).
GAP_COST = math.log10(2)
_GAP_SHORTLIST = 4  # candidates kept for each of the two characters a dropped pair split
_RIVALS = 3  # the best readings of each way of reading a span that the other ways' must beat
# Drops tried beyond a winner's own, the ways kept at each step, and how much likelier than any of them
# the winner must be: the search reads further drops only through its shortlists, so the best reading it
# finds is less likely than the best there is.
_FURTHER, _BEAM, _FURTHER_MARGIN = 2, 2, 2 * MARGIN


def shift_bytes(data: bytes, out_of_step: bool = False) -> bytes:
    """The faulty conversion: 0xA3 followed by a full-width punctuation trail byte becomes ASCII.
    ``out_of_step``: after converting a pair the converter reads pairs, as the decoder then does, and
    converts only pairs starting with 0xA3 in that reading, until an ASCII byte."""
    out = bytearray()
    i = 0
    paired = False
    while i < len(data):
        byte = data[i]
        if byte == 0xA3 and i + 1 < len(data) and data[i + 1] in _BYTE_PUNCT:
            out += _BYTE_PUNCT[data[i + 1]]
            i += 2
            paired = out_of_step
        elif paired and byte >= 0x80:
            out += data[i:i + 2]
            i += 2
        else:
            out.append(byte)
            i += 1
            paired = paired and byte >= 0x80
    return bytes(out)


def mirror_decode(data: bytes, drop_private_use: bool = False) -> str:
    """GBK/GB18030 decoding as the mirrors did it: ``?`` for what does not decode; with
    ``drop_private_use``, nothing for a pair in GBK's user-defined areas."""
    out: list[str] = []
    i = 0
    while i < len(data):
        byte = data[i]
        if byte < 0x80:
            out.append(chr(byte))
            i += 1
            continue
        following = data[i + 1] if i + 1 < len(data) else None
        if byte != 0xFF and byte != 0x80 and following is not None:
            if 0x40 <= following <= 0x7E or 0x80 <= following <= 0xFE:
                char = _decode_or_mark(data[i:i + 2])
                if not (drop_private_use and _private(char)):
                    out.append(char)
                i += 2
                continue
            if 0x30 <= following <= 0x39 and i + 3 < len(data):
                try:
                    out.append(data[i:i + 4].decode("gb18030"))
                    i += 4
                    continue
                except UnicodeDecodeError:
                    pass
            if following in SWALLOWED:
                out.append("?")
                i += 2
                continue
        out.append("?")
        i += 1
    return "".join(out)


def _decode_or_mark(pair: bytes) -> str:
    try:
        return pair.decode("gb18030")
    except UnicodeDecodeError:
        return "?"


def _private(char: str) -> bool:
    return "\ue000" <= char <= "\uf8ff"


def simulate(text: str, out_of_step: bool = False, drop_private_use: bool = False) -> str:
    """What a mirror page makes of ``text`` (with the variants, see shift_bytes and mirror_decode)."""
    return mirror_decode(shift_bytes(text.encode("gb18030"), out_of_step), drop_private_use)


# The ways of the damage a reading is checked against: (converter out of step, private-use dropped).
_PLAIN = ((False, False), (True, False))
_DROPPED = ((False, True), (True, True))


@dataclass(frozen=True)
class Unknown:
    """A character of the restored text with lost bytes: ``lead`` and ``trail`` are None where lost.
    ``misread``: an annotation ("(jié)") was put inside this character, after its lead byte, because the
    pair (``misread_after``, lead) was read as a character it is a reading of. ``reads``: an annotation
    follows the character, so it is a reading of it. ``gap``: "before" or "after", the side on which a
    private-use pair the decoder dropped took this character's lost byte. ``only``: the characters it
    may be, where the search narrowed them (none: every character the bytes allow)."""

    lead: int | None
    trail: int | None
    misread_after: int | None = None
    misread: str = ""
    reads: str = ""
    gap: str = ""
    only: tuple[str, ...] = ()


@dataclass(frozen=True)
class Swallowed:
    """The byte an orphaned lead swallowed at the run's end: one of ``options`` ("" for none)."""

    options: tuple[str, ...]


@dataclass(frozen=True)
class Bad:
    """Two known bytes that do not decode as a pair: the run lost something between them."""

    lead: int
    trail: int


@dataclass
class Span:
    """A damaged span line[start:end] and the bytes it came from: ``template`` holds the known bytes,
    None for each lost one and an annotation's text where one was put inside a character."""

    start: int
    end: int
    template: list
    lost_tail: bool
    shifted: int = 0  # characters read one byte off (or misread under an annotation): the span's own evidence


def parse_span(line: str, start: int, inner_marks: int = 0) -> Span | None:
    """The byte template of the damage starting at line[start] ('?' + a shifted mark, or '?' + an
    annotation that lost its '('). With ``inner_marks``, that many marks inside the run that are followed
    by more of it are read as shifted pairs too: a second 0xA3 trail whose lead the out-of-step reading
    had put into the character before (保护 is B1A3 BBA4: 'A3 BB' became ';' and B1 ended a pair, so no
    '?' shows)."""
    if line[start + 1] in PUNCT_BYTE:
        template: list = [None, 0xA3, PUNCT_BYTE[line[start + 1]]]
        j = start + 2
        shifted = 0
    else:
        annotation = _ANNOTATION_AFTER.match(line, start + 1)
        if start == 0 or len(line[start - 1].encode("gb18030")) != 2:
            return None  # the annotator misread the pair ending the character before: there is none
        template = [None, "(" + annotation.group(0)]
        j = annotation.end()
        shifted = 1
    lost_tail = False
    while True:
        if j >= len(line) or j - start > _MAX_RUN:
            return None
        char = line[j]
        if char == "?" and (j + 1 == len(line) or ord(line[j + 1]) < 0x80):
            template.append(None)
            lost_tail = True
            j += 1
            break
        if inner_marks and char in PUNCT_BYTE and j + 1 < len(line) and ord(line[j + 1]) >= 0x80:
            template += [0xA3, PUNCT_BYTE[char]]
            inner_marks -= 1
            j += 1
            continue
        if ord(char) < 0x80:
            template.append(ord(char))
            j += 1
            break
        encoded = char.encode("gb18030")
        if len(encoded) != 2:
            return None
        template.extend(encoded)
        shifted += 1
        j += 1
        if encoded[1] < 0x80:
            break
    return Span(start, j, template, lost_tail, shifted)


def segment(template: list, lost_tail: bool, before: str = "", right: str = "") -> list | None:
    """Read the template in step again: a list of pieces, each a known character, an Unknown or, after
    a lost tail, Swallowed. ``before`` is the character before the span (an annotation inside the first
    character misread its last byte); ``right`` the text after it."""
    pieces: list = []
    k = 0
    while k < len(template):
        byte = template[k]
        if byte is not None and not isinstance(byte, str) and byte < 0x80:
            pieces.append(chr(byte))
            k += 1
            continue
        misread = ""
        if k + 1 < len(template) and isinstance(template[k + 1], str):
            misread = template[k + 1]
            template = template[:k + 1] + template[k + 2:]
        if k + 1 >= len(template):
            return None
        trail = template[k + 1]
        if misread:
            after = before.encode("gb18030")[-1] if not pieces else _last_byte(pieces[-1])
            if after is None:
                return None
            pieces.append(Unknown(byte, trail, after, misread))
        elif byte is None or trail is None:
            pieces.append(Unknown(byte, trail))
        else:
            char = _decode_or_mark(bytes([byte, trail]))
            pieces.append(Bad(byte, trail) if char == "?" else char)
        k += 2
    if lost_tail:
        annotation = _ANNOTATION_AFTER.match(right)
        if annotation and isinstance(pieces[-1], Unknown):  # the character before an annotation reads it
            last = pieces[-1]
            pieces[-1] = replace(last, reads="(" + annotation.group(0))
        pieces.append(Swallowed(_swallowed_options(right)))
    return pieces


def _last_byte(piece) -> int | None:
    if isinstance(piece, str):
        return piece.encode("gb18030")[-1]
    return None


def _split_for_gap(pieces: list, index: int) -> list | None:
    """The piece at ``index`` split in two: a private-use pair between its bytes was dropped, taking the
    trail of the first character and the lead of the second. The last character of a run that lost its
    second byte splits too: the orphaned byte was then the second byte of a character after the
    dropped pair."""
    piece = pieces[index] if index < len(pieces) else None
    if isinstance(piece, Bad):
        lead, trail = piece.lead, piece.trail
    elif isinstance(piece, str) and _is_pair(piece):
        lead, trail = piece.encode("gb18030")
    elif _ends_lost(pieces, index):
        lead, trail = piece.lead, None
    else:
        return None
    return pieces[:index] + [Unknown(lead, None, gap="before"), Unknown(None, trail, gap="after")] + pieces[index + 1:]


def _is_pair(char: str) -> bool:
    return len(char.encode("gb18030")) == 2


def _ends_lost(pieces: list, index: int) -> bool:
    """Whether the piece at ``index`` is the run's last character, its second byte lost (and nothing
    read inside or after it)."""
    piece = pieces[index]
    return (isinstance(piece, Unknown) and piece.lead is not None and piece.trail is None and not piece.misread
            and not piece.reads and all(isinstance(later, Swallowed) for later in pieces[index + 1:]))


def _swallowed_options(right: str) -> tuple[str, ...]:
    """What the orphaned byte at the run's end may have swallowed. One must have existed when the
    observed text goes on with a byte the decoder would have swallowed; '(' is the one before an
    annotation's syllables and '<' before what is left of a tag; otherwise none is assumed (nothing
    would tell which it was)."""
    if right[:1] and right[:1].encode("gb18030")[:1] in SWALLOWED:
        return tuple(SWALLOWED.decode())
    if _ANNOTATION_AFTER.match(right):
        return ("(",)
    if _TAG_REST.match(right):
        return ("<",)
    return ("",)


@lru_cache(maxsize=None)
def _options(piece: Unknown) -> tuple[str, ...]:
    """The characters an Unknown may have been: every lost byte in 0x81-0xFE (each was read as a lead
    by the decoder), each pair decoding to a character that is not private-use, within the piece's
    constraints."""
    from pipeline.normalize.pinyin import _is_pinyin

    leads, trails = _lost_bytes(piece)
    if piece.only:
        pairs = [encoded for encoded in (char.encode("gb18030") for char in piece.only)
                 if len(encoded) == 2 and encoded[0] in leads and encoded[1] in trails]
    else:
        pairs = [bytes([x, y]) for x in leads for y in trails]
    found = []
    for pair in pairs:
        char = _char(pair)
        if char and (not piece.reads or _is_pinyin(piece.reads, char)):
            found.append(char)
    return tuple(found)


def _lost_bytes(piece: Unknown) -> tuple[list[int], list[int]]:
    """The bytes an Unknown's lead and trail may be: the known one, else any the decoder read as a lead
    (under an annotation, one that makes a character the annotation reads; beside a dropped pair, one
    that makes a private-use pair with the byte on its other side)."""
    from pipeline.normalize.pinyin import _is_pinyin

    leads = [piece.lead] if piece.lead is not None else list(range(0x81, 0xFF))
    if piece.misread:
        leads = [x for x in leads if _is_pinyin(piece.misread, _char(bytes([piece.misread_after, x])) or "?")]
    trails = [piece.trail] if piece.trail is not None else list(range(0x81, 0xFF))
    if piece.gap == "before":
        trails = [y for y in trails if y in _private_pairs()]
    elif piece.gap == "after":
        leads = [x for x in leads if x in _private_pairs().seconds]
    return leads, trails


class _PrivatePairs(dict):
    """First byte -> the bytes (0x81 or more: a lead's) that make a private-use pair with it, and all of
    those as ``seconds``: GBK's user-defined areas (AAA1-AFFE, F8A1-FEFE, A140-A7A0) and the codes
    GB18030 maps to private-use characters (A8C1 among them: 法律 is B7A8 C2C9)."""

    seconds: frozenset[int] = frozenset()


@lru_cache(maxsize=1)
def _private_pairs() -> _PrivatePairs:
    pairs = _PrivatePairs()
    for x in range(0x81, 0xFF):
        following = frozenset(y for y in range(0x81, 0xFF) if _private(_decode_or_mark(bytes([x, y]))))
        if following:
            pairs[x] = following
    pairs.seconds = frozenset().union(*pairs.values())
    return pairs


def _char(pair: bytes) -> str:
    try:
        char = pair.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    return "" if _private(char) else char


def _choices(piece) -> tuple[str, ...]:
    if isinstance(piece, str):
        return (piece,)
    if isinstance(piece, Swallowed):
        return piece.options
    if isinstance(piece, Bad):
        return ()
    return _options(piece)


def _output(piece, char: str) -> str:
    """A restored character as a correct conversion would have left it: a full-width mark the converter
    out of step left alone (its 0xA3 pair split across two of its reads) is the ASCII mark."""
    if isinstance(piece, Unknown) and char in _FULL_WIDTH_MARKS:
        return _FULL_WIDTH_MARKS[char]
    return char


_FULL_WIDTH_MARKS = {bytes([0xA3, byte]).decode("gb18030"): mark.decode() for byte, mark in _BYTE_PUNCT.items()}


def _damage_bytes(pieces: list, chars: list[str]) -> bytes:
    """The bytes of a reading as the page held them before the punctuation shift: the characters, with
    each annotation put inside a character back after its lead byte."""
    out = bytearray()
    for piece, char in zip(pieces, chars):
        encoded = char.encode("gb18030")
        if isinstance(piece, Unknown) and piece.misread:
            encoded = encoded[:1] + piece.misread.encode("gb18030") + encoded[1:]
        out += encoded
    return bytes(out)


def _reproduces(pieces: list, chars: list[str], observed: str, right: str, variants) -> bool:
    data = _damage_bytes(pieces, chars) + right[:2].encode("gb18030")
    expected = observed + right[:2]
    return any(mirror_decode(shift_bytes(data, out_of_step), dropped) == expected for out_of_step, dropped in variants)


def repair(text: str, line: int, lexicon=None, document: str | None = None,
           evidence: bool | None = None) -> tuple[str, list[Repair]]:
    """The line with its damaged spans read where one reading clearly wins, and a record per span.
    Spans with no shifted characters of their own are read only where the document shows the damage
    elsewhere: ``evidence`` says whether it does, else it is found from ``document`` (the text the line
    belongs to; the line itself when not given). Whether the page's decoder may have dropped private-use
    pairs is found from the document too (drops_private_use)."""
    if "?" not in text or not DAMAGE_SITE.search(text):
        return text, []
    page = text if document is None else document
    drops = drops_private_use(page)
    if evidence is None:
        evidence = document_shows_damage(page, drops)
    if lexicon is None:
        # The search is costly and pages repeat their headings: same line, same answer.
        fixed, found, _ = _repair_cached(text, evidence, drops)
        # the constructor, not dataclasses.replace: this runs once per damaged line of every document
        return fixed, [Repair(r.kind, line, r.column, r.before, r.after, r.confidence, r.reason, r.count) for r in found]
    fixed, found, _ = _repair(text, line, lexicon, evidence, drops)
    return fixed, found


def _repair_cached(text: str, evidence: bool, drops: bool) -> tuple[str, tuple[Repair, ...], bool]:
    return _remembered.get((text, evidence, drops)) or _searched(text, evidence, drops)


@lru_cache(maxsize=4096)
def _searched(text: str, evidence: bool, drops: bool) -> tuple[str, tuple[Repair, ...], bool]:
    fixed, found, shows = _repair(text, 0, default_lexicon(), evidence, drops)
    return fixed, tuple(found), shows


_remembered: dict[tuple[str, bool, bool], tuple[str, tuple[Repair, ...], bool]] = {}
_remembered_page: list = [None]  # inside remembered(): whether the document as read may drop private-use pairs


def drops_private_use(document: str) -> bool:
    """Whether the page's decoder may have dropped the private-use characters (GBK's user-defined pairs)
    its shifted runs produced: not where a run shows one; everywhere else, since runs without one are
    what a dropping decoder leaves (the Tahaoo mirror's 172 off-step characters hold none, where about
    17 would show if its decoder kept them), and a short run is as likely to have had one as not. On such
    a page every place of a run may hide a dropped pair. Inside remembered(), the answer for the
    document as read: a second pass that read some of its runs does not change what its decoder did."""
    if _remembered_page[0] is not None:
        return _remembered_page[0]
    if _last_drops[0] is document:
        return _last_drops[1]
    drops = True
    examined = 0
    for match in DAMAGE_SITE.finditer(document):
        if match.start() < examined:
            continue
        span = parse_span(document, match.start())
        if span is None:
            continue
        examined = span.end
        if any(_private(char) for char in document[span.start:span.end]):
            drops = False
            break
    _last_drops[:] = [document, drops]
    return drops


_last_drops: list = [None, True]  # the last document asked about and its answer: asked once per line


@contextmanager
def remembered(lines: list[str], records: list[Repair]):
    """Inside, each line of ``lines`` (a document as read) is repaired as ``records`` (the byte-damage
    records an earlier normalisation of the document made, in the lines as read) say, without a search:
    a document normalised again after a second pass changed a few of its lines costs no search on the
    others, whether or not the first normalisation ran in this process. The document showed the damage
    exactly when some record changed something (a span with nothing shifted of its own is read only
    then; one with shifted characters shows it), and so did each line with such a record."""
    by_line: dict[int, list[Repair]] = {}
    misread = {record.line for record in records if record.kind.startswith("mojibake")}  # not given as read
    for record in records:
        if record.kind == "gbk_shift":
            by_line.setdefault(record.line, []).append(record)
    evidence = any(r.before != r.after for found in by_line.values() for r in found)
    document = "\n".join(lines)
    drops = drops_private_use(document)
    for number in lines_matching(lines, DAMAGE_SITE, document):
        if number + 1 in misread:
            continue
        text = lines[number]
        found = sorted(by_line.get(number + 1, ()), key=lambda r: r.column)
        pieces, position = [], 0
        for record in found:
            pieces += [text[position:record.column - 1], record.after]
            position = record.column - 1 + len(record.before)
        _remembered[text, evidence, drops] = ("".join(pieces) + text[position:],
                                       tuple(Repair(r.kind, 0, r.column, r.before, r.after, r.confidence, r.reason,
                                                    r.count) for r in found),
                                       any(r.before != r.after for r in found))
    _remembered_page[0] = drops
    try:
        yield
    finally:
        _remembered.clear()
        _remembered_page[0] = None


_last_document: list = [None, False]  # the last document asked about and its answer: asked once per line


def document_shows_damage(document: str, drops: bool) -> bool:
    """Whether the text shows the mirrors' damage: a span whose own shifted characters one reading
    clearly restores (a lone ``?:?`` or ``???`` proves nothing: ASCII text has those). ``drops``: whether
    its decoder may have dropped private-use pairs."""
    if _last_document[0] is document:
        return _last_document[1]
    found = False
    for match in DAMAGE_SITE.finditer(document):
        start = document.rfind("\n", 0, match.start()) + 1
        end = document.find("\n", match.end())
        line = document[start:] if end < 0 else document[start:end]
        if _repair_cached(line, True, drops)[2]:
            found = True
            break
    _last_document[:] = [document, found]
    return found


def _repair(text: str, line: int, lexicon, evidence: bool, drops: bool) -> tuple[str, list[Repair], bool]:
    """Cells first, then the spans left; the spans' columns are moved to the line as read. Also whether
    something with shifted characters of its own was read: the line shows the damage."""
    given = text
    text, cells, shows = _repair_cells(text, line, evidence)
    if not DAMAGE_SITE.search(text):
        return text, cells, shows
    cell_text = text
    text, spans, shown = _repair_spans(text, line, lexicon, evidence, drops)
    return text, cells + placed(spans, [StageMaps(cells, lambda _: given, lambda _: cell_text)]), shows or shown


class _Left:
    """The text before the span being read, as repaired so far: its last characters and its open
    quotations, kept as the line is walked, so that a long line costs no more per span than a short one."""

    def __init__(self):
        self.tail = ""
        self.length = 0
        self.last_open: dict[str, int] = {}
        self.last_close: dict[str, int] = {}

    def feed(self, chunk: str) -> None:
        for closer, opener in QUOTE_PAIRS.items():
            for mark, last in ((opener, self.last_open), (closer, self.last_close)):
                at = chunk.rfind(mark)
                if at >= 0:
                    last[mark] = self.length + at
        self.length += len(chunk)
        self.tail = (self.tail + chunk[-_WINDOW:])[-_WINDOW:]

    def open_marks(self) -> str:
        """The opening marks nothing has closed, in order: what a restored closing mark may close,
        however far back the quotation opened."""
        opened = sorted((self.last_open[opener], opener) for closer, opener in QUOTE_PAIRS.items()
                        if self.last_open.get(opener, -1) > self.last_close.get(closer, -1))
        return "".join(mark for _, mark in opened)


def table_separators(line: str) -> list[int]:
    return [i for i, char in enumerate(line) if char in "|\t"]


def in_table_row(separators: list[int], start: int, end: int) -> bool:
    """Whether a '|' or tab outside line[start:end] makes the line a table row (``separators``: where
    the line's are); one the shift produced inside the span makes none. A table cell names something (a
    company, an app) that dictionary words cannot decide."""
    return bisect_left(separators, end) - bisect_left(separators, start) < len(separators)


def _repair_spans(text: str, line: int, lexicon, evidence: bool, drops: bool) -> tuple[str, list[Repair], bool]:
    repairs: list[Repair] = []
    shows = False
    separators = table_separators(text)
    out: list[str] = []
    left = _Left()
    position = 0  # where the text not yet copied to out begins
    fed = 0  # where the text not yet fed to left begins
    examined = 0  # where the last span looked at, repaired or flagged, ends: a site inside it is part of it
    for match in DAMAGE_SITE.finditer(text):
        if match.start() < examined:
            continue
        left.feed(text[fed:match.start()])
        fed = match.start()
        span = parse_span(text, match.start())
        if span is None:
            examined = match.end()
            if evidence and _in_chinese(text, match.start(), match.end()):  # a page that shows no damage: no sign
                repairs.append(Repair("gbk_shift", line, match.start() + 1, match.group(0), match.group(0), 0.0,
                                      "flagged, left as is: looks like punctuation-shift damage but its bytes do not "
                                      "decode in step"))
            continue
        if not (_in_chinese(text, span.start, span.end) and (span.shifted or evidence)):
            examined = span.end  # no Chinese text around it, or nothing shifted in a page that shows no damage
            continue
        if _reads_as_text(text, span.start, span.end, lexicon):
            examined = span.end  # '??難過', '?!对啊': question marks people write, before words
            continue
        in_table = in_table_row(separators, span.start, span.end)
        chosen, candidates, how = None, [], "lost byte(s) chosen by the lexicon"
        first_mark = span
        if not in_table:
            span, chosen, candidates = _read_site(span, text, left, lexicon, drops)
        if chosen is None:
            headed = _place_headed(first_mark, text, left, lexicon, drops)
            if headed is not None:
                span, chosen, how = first_mark, headed[:2], headed[2]
        examined = span.end
        before = text[span.start:span.end]
        if chosen is None:
            reason = ("a table cell names something (a company, an app) that dictionary words cannot decide, "
                      "and no place name fits" if in_table
                      else "no reading of the lost bytes reproduces the damage" if not candidates
                      else "no candidate clearly wins (" + ", ".join(candidates[:4]) + ")")
            repairs.append(Repair("gbk_shift", line, span.start + 1, before, before, 0.0, "flagged, left as is: " + reason))
            continue
        reading, margin = chosen[:2]
        if _written_reads_better(text, span, reading, left, lexicon):
            examined = span.end
            if evidence:
                repairs.append(Repair("gbk_shift", line, span.start + 1, before, before, 0.0,
                                      f"flagged, left as is: the text as written reads better than {reading!r}"))
            continue
        out.append(text[position:span.start])
        out.append(reading)
        left.feed(reading)
        position = fed = span.end
        shows = shows or span.shifted > 0
        repairs.append(Repair("gbk_shift", line, span.start + 1, before, reading,
                              round(1 - 1 / (1 + 10 ** margin), 3), "GBK punctuation-shift damage undone; " + how))
    out.append(text[position:])
    return "".join(out), repairs, shows


def _reads_as_text(text: str, start: int, end: int, lexicon) -> bool:
    """Whether the Han characters of text[start:end] read as text where they stand: it holds some, and
    words around them explain at least half. Shifted bytes decode out of step into characters no word
    explains (``?shù)某鞘兄悄芑芾怼按竽X``), private-use characters and symbols; ``怎麼會這樣??難過``
    and ``真的吗?!对啊`` are question marks people write before words, and neither read nor flagged (a
    flag would also keep 難 unconverted)."""
    span = text[start:end]
    if any(char > "\x7f" and not CJK.match(char) and char not in COMMON_PUNCTUATION for char in span):
        return False  # a private-use character, a full-width letter, a symbol (⒈): what shifted bytes give
    han = [i for i in range(start, end) if CJK.match(text[i])]
    return bool(han) and 2 * len(lexicon.unexplained(text, han)) <= len(han)


_MARKS_WRITTEN = re.compile(f"[{re.escape(''.join(PUNCT_BYTE))}]")  # the marks the shift writes, as people write them


def _written_reads_better(text: str, span: Span, reading: str, left: _Left, lexicon) -> bool:
    """Whether the span read as a person wrote it, its marks aside, is likelier prose than ``reading``:
    a question mark typed between words, or an emoji a GBK or Big5 file could not hold (原來這??麼簡單:
    這麼 is a word across it), leaves the characters after it in step, where shifted bytes read one
    byte off into characters that make no words (的?:某鞘兄悄). The text as written wins when it is
    MARGIN likelier, as a reading must be to beat the next; a span of marks alone (``?!?`` at a
    line's end, read only on a page that shows the damage) holds nothing written to weigh."""
    written = _MARKS_WRITTEN.sub("", text[span.start:span.end])
    if not written:
        return False
    prefix, suffix, _, _ = _context(left, text[span.end:], lexicon)
    read = _MARKS_WRITTEN.sub("", reading)  # an annotation's restored '(' weighs as little as the marks written
    return lexicon.likelihood(prefix + written + suffix) - lexicon.likelihood(prefix + read + suffix) >= MARGIN


def _in_chinese(text: str, start: int, end: int) -> bool:
    """Whether a span sits in Chinese text: it holds a Han character or a full-width mark, or one is
    next to it. The mirrors' damage happens to GBK text; ``What?:?`` is English, and private-use
    characters alone are not Chinese."""
    return any(CJK.match(c) or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
               for c in text[max(0, start - 1):end + 1])


@dataclass
class _Way:
    """One way of reading a span's bytes: its pieces (``gaps`` of them split by a private-use pair the
    decoder dropped), the verified readings scored on their restored characters, best first, and
    _decide's verdict on them."""

    span: Span
    pieces: list
    found: list[tuple[str, float]]
    chosen: tuple | None
    candidates: list[str]
    stray: list[str]
    gaps: int = 0


def _read_site(span: Span, text: str, left: _Left, lexicon, drops: bool, first: str | None = None,
               ranked: list | None = None) -> tuple[Span, tuple | None, list[str]]:
    """The damage parsed as ``span`` read: (the span read, the chosen reading or None, the leading
    candidates). Where no reading of its bytes reproduces the damage, it is read through one or two
    inner marks (parse_span). On a page that may drop private-use pairs (``drops``) every way
    of reading each of those spans, a dropped pair at any place included, competes (_decide_ways).
    ``first``: the first lost character is known. The verified readings are added to ``ranked``."""
    ways = _ways(span, text, left, lexicon, drops, first)
    plain = ways[0]
    for inner in range(1, _INNER_MARKS + 1):
        if plain.found:
            break
        longer = parse_span(text, span.start, inner)
        if longer is None or longer.end == span.end:
            break
        span = longer
        more = _ways(span, text, left, lexicon, drops, first)
        plain = more[0]
        ways += more
    if not drops:
        if ranked is not None:
            ranked.extend(reading for way in ways for reading in way.found)
        return span, plain.chosen, plain.candidates
    chosen_way, chosen, candidates = _decide_ways(ways, text, left, lexicon, ranked)
    if chosen is None:
        # the plain reading's own candidates where it has some (a stray character named), else every way's
        return span, None, (plain.candidates if plain.chosen is None and plain.candidates else candidates)
    return chosen_way.span, chosen, candidates


def _ways(span: Span, text: str, left: _Left, lexicon, drops: bool, first: str | None) -> list[_Way]:
    """The ways of reading the span: as the plain mechanism left it, and on a page that may drop
    private-use pairs, with one dropped at each place of the run where a character could hide one (a
    drop merges the character before it and the one after into one, or into bytes that do not decode).
    Where a way with a drop puts it far from the other lost bytes, those are read as the plain way's
    best reading has them: the scores are local."""
    observed = text[span.start:span.end]
    right = text[span.end:span.end + _WINDOW]
    context = _context(left, right, lexicon)
    before = left.tail[-1:]
    pieces = _with_first(segment(span.template, span.lost_tail, before, right), first)
    if pieces is None:
        return [_Way(span, [], [], None, [], [])]
    found = _rank(pieces, observed, context, _PLAIN, _SHORTLIST)
    ways = [_Way(span, pieces, found, *_decide(pieces, found, context))]
    if not drops:
        return ways
    return ways + _dropped_once_more(ways[0], observed, context)


def _dropped_once_more(way: _Way, observed: str, context) -> list[_Way]:
    """The ways of reading the span with one more private-use pair dropped than ``way`` assumes, one
    at each place of the run where a character could hide one (a drop merges the character before it
    and the one after into one, or into bytes that do not decode)."""
    likeliest = [_chars_of(way.pieces, reading) for reading, _ in way.found]
    prefix, suffix = context[:2]
    ways = []
    for place in range(1, len(way.pieces)):
        gapped = _split_for_gap(way.pieces, place)
        if gapped is None:
            continue
        if likeliest and isinstance(way.pieces[place], str) and not _splits_into_words(
                prefix + "".join(likeliest[0]) + suffix, len(prefix) + place, context[3]):
            continue  # no two characters words explain could have been there
        if _ends_lost(way.pieces, place):
            gapped[place + 1] = replace(gapped[place + 1], only=_hidden_last(gapped, place, context))
        gapped = _narrowed(gapped, place, likeliest)
        found = _rank(gapped, observed, context, _DROPPED, _GAP_SHORTLIST)
        if found:
            ways.append(_Way(way.span, gapped, found, *_decide(gapped, found, context), gaps=way.gaps + 1))
    return ways


_HIDDEN_MARKS = "。、”’」』》…—"  # marks a dropped pair may hide at a run's end (those of GBK row A1: A3's were shifted)


def _hidden_last(gapped: list, place: int, context) -> tuple[str, ...]:
    """What the character a dropped pair hid at a run's end may be: one that ends a dictionary word
    after the characters before it, in either script, or a mark of row A1 (a sentence end, a closing
    quote). Nothing after it speaks for it but the ASCII that ended the run."""
    from pipeline.normalize.lexicon import written_forms

    lexicon = context[3]
    before = gapped[place - 1] if isinstance(gapped[place - 1], str) else ""
    found = dict.fromkeys(_HIDDEN_MARKS)
    for char in _options(gapped[place]):
        for following in lexicon.following(before + char):
            found.update(dict.fromkeys(written_forms(following)))
    return tuple(found)


def _narrowed(gapped: list, place: int, likeliest: list[list[str]]) -> list:
    """The pieces of a way with a dropped pair at ``place``, each other lost character narrowed to those
    the plain way's best readings have there: the scores are local, so a drop does not change which is
    better far from it, and barely within the scorer's reach (two kept far from it, three near it)."""
    if not likeliest:
        return gapped
    narrowed = list(gapped)
    for index, piece in enumerate(gapped):
        if index in (place, place + 1) or isinstance(piece, (str, Bad)):
            continue
        at = index if index < place else index - 1
        kept = 3 if place - _CONTEXT <= index <= place + 1 + _CONTEXT else 2
        chars = tuple(dict.fromkeys(reading[at] for reading in likeliest))[:kept]
        if isinstance(piece, Swallowed):
            narrowed[index] = Swallowed(tuple(c for c in piece.options if c in chars))
        else:
            narrowed[index] = replace(piece, only=chars)
    return narrowed


def _decide_ways(ways: list[_Way], text: str, left: _Left, lexicon,
                 ranked: list | None) -> tuple[_Way, tuple | None, list[str]]:
    """The reading that clearly wins over every way of reading the site. Each way's best readings (but
    those with stray characters, no readings at all) are compared with the other ways' by how likely
    the words of the whole stretch the ways cover are (_rivals): a drop adds characters, which the
    restored characters' score, built to compare readings of the same length, would reward by itself.
    The winner is a way's own choice (_decide compares the readings inside a way), beats every other
    way's reading that reads differently by MARGIN, and leaves no doubt that a drop went unread
    (_doubt). The plain ways' readings go to ``ranked``."""
    end = max(way.span.end for way in ways)
    prefix, suffix, _, _ = _context(left, text[end:end + _WINDOW], lexicon)
    if end == len(text):
        suffix += "\n"  # the line ends there
    if ranked is not None:
        ranked.extend(reading for way in ways if not way.gaps for reading in way.found)
    rivals = _rivals(ways, text, end, prefix, suffix, lexicon)
    candidates = list(dict.fromkeys(reading for _, _, reading, _ in rivals))
    likely, stretch, _, way = next((rival for rival in rivals if rival[2] == rival[3].found[0][0] and rival[3].chosen),
                                   (0.0, "", "", None))
    if way is None:
        return ways[-1], None, candidates
    runner_up = max((other for other, read, _, rival in rivals if rival is not way and not _reads_the_same(read, stretch)),
                    default=-math.inf)
    if likely - runner_up < MARGIN:
        return way, None, candidates
    reading, margin, restored = way.chosen
    doubt = _doubt(way, likely, text, left, prefix, without_annotations(text[way.span.end:end]), suffix, lexicon)
    if doubt:
        return way, None, [reading, doubt]
    return way, (reading, min(margin, likely - runner_up), restored), candidates


def _rivals(ways: list[_Way], text: str, end: int, prefix: str, suffix: str, lexicon) -> list[tuple]:
    """(how likely, the stretch up to ``end`` as the reading has it, the reading, its way) for the best
    readings of each way without stray characters, likeliest first, less GAP_COST for each dropped pair
    a way assumes (a shorter span's reading is followed by the text as read up to ``end``)."""
    rivals = []
    for way in ways:
        for rank, (reading, _) in enumerate(way.found[:_RIVALS]):
            scored = "".join(_scored(way.pieces, _chars_of(way.pieces, reading)))
            if (way.stray if rank == 0 else
                    lexicon.stray_characters(prefix + scored + suffix, len(prefix), len(prefix) + len(scored))):
                continue
            stretch = scored + without_annotations(text[way.span.end:end])
            rivals.append((lexicon.likelihood(prefix + stretch + suffix) - GAP_COST * way.gaps, stretch, reading, way))
    return sorted(rivals, key=lambda rival: (-rival[0], rival[1]))


def _doubt(way: _Way, likely: float, text: str, left: _Left, prefix: str, rest: str, suffix: str, lexicon) -> str:
    """Why the winning way may still miss a dropped pair ('' when nothing says so): a character it
    leaves unexplained that a drop would split into words (_merged), or, where it assumes a drop
    itself, a reading with more drops that comes within _FURTHER_MARGIN of it (_dropped_further)."""
    merged = _merged(way, prefix, suffix, lexicon)
    if merged:
        return "merged " + merged
    if way.gaps:
        return _dropped_further(way, likely - _FURTHER_MARGIN, text, left, prefix, rest, suffix, lexicon) or ""
    return ""


def _dropped_further(way: _Way, bar: float, text: str, left: _Left, prefix: str, rest: str, suffix: str,
                     lexicon) -> str | None:
    """A reading with more dropped pairs than ``way``, the winner, assumes that is about as likely (at
    least ``bar``), or None. A run that hid one drop may hide more (a dropped pair in ten off-step
    ones), and words that span two drops (成效显著) show only once both are read: from the winner, the
    most likely ways with one drop more, then one more again. ``rest``: the text as read from the
    way's span to the end of the stretch compared."""
    observed = text[way.span.start:way.span.end]
    context = _context(left, text[way.span.end:way.span.end + _WINDOW], lexicon)
    frontier = [way]
    for _ in range(_FURTHER):
        deeper = []
        for parent in frontier:
            for child in _dropped_once_more(parent, observed, context):
                if child.stray:
                    continue
                reading = "".join(_scored(child.pieces, _chars_of(child.pieces, child.found[0][0]))) + rest
                likely = lexicon.likelihood(prefix + reading + suffix) - GAP_COST * child.gaps
                if likely >= bar:
                    return child.found[0][0]
                deeper.append((likely, reading, child))
        frontier = [child for _, _, child in sorted(deeper, key=lambda item: (-item[0], item[1]))[:_BEAM]]
    return None


def _merged(way: _Way, prefix: str, suffix: str, lexicon) -> str:
    """The characters of the way's best reading that a dropped pair may have merged from two: read one
    byte off, nothing explains them (Lexicon.unexplained), and a drop there could have split off two
    characters that words do explain (多位错 from 多位代表, 海关克 from 海关开了): the bytes of each
    pair prose around it explains are tried. A lone character no drop would explain is left alone."""
    reading = way.found[0][0]
    text = prefix + reading + suffix
    at = [i for i, piece in enumerate(way.pieces) if i and isinstance(piece, str) and _is_pair(piece)]
    lone = set(lexicon.unexplained(text, [len(prefix) + i for i in at]))
    return "".join(reading[i] for i in at if len(prefix) + i in lone and _splits_into_words(text, len(prefix) + i, lexicon))


def _splits_into_words(text: str, at: int, lexicon) -> bool:
    """Whether text[at], had a private-use pair between its bytes been dropped, could have been two
    characters that words around them explain: the first by a word it ends, the second by a word it
    starts, or both by a word they begin together (多位错: 代 ends 多位代? no, but 代表 is a word)."""
    lead, trail = text[at].encode("gb18030")
    before, after = text[max(0, at - _CONTEXT):at], text[at + 1:at + 1 + _CONTEXT]
    private = _private_pairs()
    seconds = _second_halves(trail)
    firsts = [(first, not lexicon.unexplained(before + first, [len(before)]))
              for first in _options(Unknown(lead, None, gap="before"))]
    starting = ({second for second, _, _ in seconds if not lexicon.unexplained(second + after, [0])}
                if any(ending for _, ending in firsts) else set())
    for first, ending in firsts:
        followers = private[first.encode("gb18030")[1]]
        together = lexicon.following(before[-1:] + first)
        if any(second_lead in followers and (simple in together or (ending and second in starting))
               for second, second_lead, simple in seconds):
            return True
    return False


@lru_cache(maxsize=256)
def _second_halves(trail: int) -> tuple[tuple[str, int, str], ...]:
    """The characters after a dropped pair that end in ``trail``: each with its lead and Simplified form."""
    return tuple((char, char.encode("gb18030")[0], simplify_chars(char))
                 for char in _options(Unknown(None, trail, gap="after")))


def _chars_of(pieces: list, reading: str) -> list[str]:
    """A reading cut into its pieces' characters (one each; a swallowed byte last, or none)."""
    if pieces and isinstance(pieces[-1], Swallowed):
        return list(reading[:len(pieces) - 1]) + [reading[len(pieces) - 1:]]
    return list(reading)


def _reads_the_same(a: str, b: str) -> bool:
    """Readings that differ only by a swallowed byte, or by a character's Traditional and Simplified forms
    (數 and 数, both in GBK), read the same."""
    return _only_swallowed_differs(a, b) or simplify_chars(a) == simplify_chars(b)


def _with_first(pieces: list | None, first: str | None) -> list | None:
    """The pieces with the first lost character fixed to ``first`` (None when it cannot be that)."""
    if pieces is None or first is None:
        return pieces
    piece = pieces[0]
    if not isinstance(piece, Unknown) or first not in _options(piece):
        return None
    return [_known(piece, first)] + pieces[1:]


def _known(piece: Unknown, char: str) -> Unknown:
    """An Unknown whose lost bytes are taken to be those of ``char`` (one of its options)."""
    lead, trail = char.encode("gb18030")
    return replace(piece, lead=lead, trail=trail)


@dataclass
class SpanReading:
    """A damaged span read on its own: where it ends, its verified readings and their scores, and the
    reading that clearly wins (None when none does)."""

    start: int
    end: int
    ranked: list[tuple[str, float]]
    chosen: str | None
    candidates: list[str]
    confidence: float = 0.0
    restored: tuple[int, ...] = ()  # where in ``chosen`` the characters whose bytes were lost are


def site_length(line: str, start: int) -> int:
    """How many characters the damage site at line[start] takes: '?' and a mark, or '?' and what is left
    of an annotation."""
    annotation = _ANNOTATION_AFTER.match(line, start + 1)
    return 1 + (annotation.end() - start - 1 if annotation and line[start + 1] not in PUNCT_BYTE else 1)


def without_annotations(text: str) -> str:
    """``text`` without pinyin annotations (``發(fā)展`` -> ``發展``): for comparing it with clean text."""
    return _ANNOTATIONS.sub("", text)


def read_in_step(line: str, start: int) -> str:
    """The characters the damage starting at line[start] holds right after its first lost one, read in
    step again: what any reading of the span has there ('' where nothing is known)."""
    span = parse_span(line, start)
    pieces = segment(span.template, span.lost_tail, line[start - 1:start], line[span.end:]) if span else None
    known = []
    for piece in (pieces or [])[1:]:
        if not isinstance(piece, str):
            break
        known.append(piece)
    return "".join(known)


def read_span(line: str, start: int, lexicon, drops: bool, first: str | None = None) -> SpanReading | None:
    """The damage starting at line[start] read as the first pass reads a span, whatever the page's
    evidence of damage and the table cell it sits in: for a second pass that brings evidence of its own
    (a lexicon with reference text, the first character chosen over other occurrences of the same
    bytes). ``drops``: whether the page's decoder may have dropped private-use pairs (drops_private_use)."""
    left = _Left()
    left.feed(line[:start])
    span = parse_span(line, start)
    if span is None:
        return None
    ranked: list = []
    span, chosen, candidates = _read_site(span, line, left, lexicon, drops, first, ranked)
    return SpanReading(span.start, span.end, sorted(ranked, key=lambda kv: (-kv[1], kv[0])),
                       chosen[0] if chosen else None, candidates,
                       round(1 - 1 / (1 + 10 ** chosen[1]), 3) if chosen else 0.0, chosen[2] if chosen else ())


def _context(left: _Left, right: str, lexicon):
    """Prefix and suffix for scoring: spaces a line wrap left between characters, and pinyin annotations,
    would hide the words around."""
    before = _WRAP_SPACE.sub("", _ANNOTATIONS.sub("", left.tail))
    short = left.length <= _WINDOW and len(before) <= _CONTEXT
    prefix = "\n" + before if short else before[-_CONTEXT:]  # '\n': the line starts there
    # a quotation opened before the window still open: its mark goes first, so a closing mark scores
    prefix = "".join(mark for mark in left.open_marks() if mark not in prefix) + prefix
    rest = right[_ANNOTATION_AFTER.match(right).end():] if _ANNOTATION_AFTER.match(right) else right
    suffix = _WRAP_SPACE.sub("", _ANNOTATIONS.sub("", rest))[:_CONTEXT]
    return prefix, suffix, right, lexicon


def _decide(pieces, ranked: list[tuple[str, float]],
            context) -> tuple[tuple[str, float, tuple] | None, list[str], list[str]]:
    """(the restored text, its margin, where its restored characters are) when one verified candidate
    clearly wins, else None; the leading candidates; and the stray characters of the best one."""
    prefix, suffix, right, lexicon = context
    if not ranked:
        return None, [], []
    best, best_score = ranked[0]
    # readings that differ only by a swallowed byte, or by a character's Traditional and Simplified forms
    # (數 and 数, both in GBK), read the same
    runner_up = next((s for text, s in ranked[1:] if not _reads_the_same(text, best)), -math.inf)
    margin = best_score - runner_up
    candidates = [text for text, _ in ranked]
    stray = lexicon.stray_characters(prefix + best + suffix, len(prefix), len(prefix) + len(best))
    if stray:
        shown = "".join(f"U+{ord(c):04X}" if _private(c) else c for c in stray)
        return None, [best, f"stray {shown}"], stray
    if best_score < MIN_SCORE or margin < MARGIN:
        return None, candidates, []
    if isinstance(pieces[-1], Swallowed) and CJK.match(_restored_tail(best)):
        # The last character lost its second byte and an ASCII mark follows it: only the text before
        # speaks for it, and a word it would form there (去掉) can outscore a character that stands
        # alone (的). The reading the words' frequencies prefer must end the same way. (A restored
        # mark, 。”, is for the sentence and quotation evidence: word frequencies know no punctuation.)
        likeliest = max(candidates[:_SHORTLIST],
                        key=lambda text: lexicon.likeliest_split(prefix + text.removesuffix("(") + suffix)[0])
        if _restored_tail(likeliest) != _restored_tail(best):
            return None, [best, likeliest], []
    restored = tuple(i for i, piece in enumerate(pieces) if isinstance(piece, Unknown))
    return (_as_output(pieces, best), min(margin, 6.0), restored), candidates, []


def _as_output(pieces: list, reading: str) -> str:
    """The reading as the page should show it (one character per piece, a swallowed byte last)."""
    chars = list(reading)
    if isinstance(pieces[-1], Swallowed) and len(chars) == len(pieces) - 1:
        chars.append("")
    return "".join(_output(piece, char) for piece, char in zip(pieces, chars))


def _restored_tail(reading: str) -> str:
    """The character restored from a lost second byte: the last one, a swallowed byte after it aside."""
    return reading.rstrip(SWALLOWED.decode())[-1:]


def _rank(pieces: list, observed: str, context, variants, shortlist: int) -> list[tuple[str, float]]:
    """Verified readings of the pieces, best first, scored on the restored characters (a '(' restored
    before an annotation is scored as the annotation is: not there)."""
    prefix, suffix, right, lexicon = context
    options = [_choices(p) for p in pieces]
    unknown = [i for i, p in enumerate(pieces) if not isinstance(p, str)]
    shortlists: list[list[str]] = []
    for i in unknown:
        if len(options[i]) <= 1:
            shortlists.append(list(options[i]))
            continue
        choices = options[i]
        if getattr(pieces[i], "gap", "") == "after":  # its lead and the trail before made the dropped pair
            private = _private_pairs()
            leads = set().union(*(private.get(option.encode("gb18030")[-1], ()) for option in shortlists[-1]))
            choices = tuple(option for option in choices if option.encode("gb18030")[0] in leads)
        shortlists.append(_scored_alone(pieces, options, unknown, i, choices, context)[:shortlist])
    results: dict[str, float] = {}
    for combo in product(*shortlists):
        chars = list(pieces)
        for i, option in zip(unknown, combo):
            chars[i] = option
        if not _reproduces(pieces, chars, observed, right, variants):
            continue
        results["".join(chars)] = _score(prefix, _scored(pieces, chars), set(unknown), suffix, lexicon)
    return sorted(results.items(), key=lambda kv: (-kv[1], kv[0]))


def _scored_alone(pieces: list, options: list[tuple[str, ...]], unknown: list[int], i: int, choices: tuple[str, ...],
                  context) -> list[str]:
    """``choices`` for the lost character at ``i``, best first, each scored with the other lost
    characters left out, but those a drop's way narrowed to the plain way's readings: their best one is
    there (规模化 needs 模 beside 化)."""
    prefix, suffix, _, lexicon = context
    others = {j: options[j][0] if getattr(pieces[j], "only", ()) and options[j] else "" for j in unknown if j != i}
    scored = []
    for option in choices:
        chars = [others[j] if j in others else (option if j == i else pieces[j]) for j in range(len(pieces))]
        scored.append((_score(prefix, _scored(pieces, chars), {i}, suffix, lexicon), option))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [option for _, option in scored]


def _scored(pieces: list, chars: list[str]) -> list[str]:
    return ["" if char == "(" and isinstance(piece, Swallowed) else char for piece, char in zip(pieces, chars)]


def _only_swallowed_differs(a: str, b: str) -> bool:
    strip = str.maketrans("", "", SWALLOWED.decode())
    return a.translate(strip) == b.translate(strip)


def _score(prefix: str, chars: list[str], restored: set[int], suffix: str, lexicon) -> float:
    text = prefix
    positions = set()
    for i, piece in enumerate(chars):
        if i in restored and piece:
            positions.update(range(len(text), len(text) + len(piece)))
        text += piece
    return lexicon.score(text + suffix, positions)


_MAX_CELL = 24  # a table cell naming a place; longer cells are prose and go to the general repair
_CELL_SPLIT = re.compile(r"(\s*[|\t]\s*)")
_CLEAN_TAIL = re.compile(r"[\x21-\x3e\x40-\x7e]*$")


def _repair_cells(text: str, line: int, evidence: bool) -> tuple[str, list[Repair], bool]:
    """In a table row, a cell that lost several bytes is matched against place names: the one name
    whose simulated damage gives back exactly the cell is the cell's text. A cell whose damaged part
    holds no shifted character (``???/p>``) is read only where the page shows the damage elsewhere."""
    if "|" not in text and "\t" not in text:
        return text, [], False
    parts = _CELL_SPLIT.split(text)
    repairs = []
    shows = False
    column = 1
    for index, cell in enumerate(parts):
        if index % 2 == 0 and len(cell) <= _MAX_CELL and DAMAGE_SITE.search(cell):
            first = cell.index("?")
            prefix = cell[:first]
            tail = _CLEAN_TAIL.search(cell).group(0)
            damaged = cell[first:len(cell) - len(tail)]
            shifted = any(ord(c) >= 0x80 for c in damaged)
            if not (shifted or evidence):
                column += len(cell)
                continue
            # after the name: the '<' the damage swallowed before what is left of a tag, the clean tail, or the
            # tail less its first character when that was the name's last byte (縣 is BF 68: 'h')
            endings = (["<" + tail] if _TAG_REST.match(tail) else []) + [tail, tail[1:]]
            fits = {}
            for name in named_by_damage(damaged, tail):
                ending = next((e for e in endings if simulate(prefix + name + e) == cell), None)
                if ending is not None:
                    fits[name] = ending
            matches = _preferred(list(fits))
            if len(matches) == 1:
                fixed = prefix + matches[0] + fits[matches[0]]
                repairs.append(Repair("gbk_shift", line, column, cell, fixed, 0.99,
                                      "table cell matched to the one place name whose damaged bytes give this cell"))
                parts[index] = fixed
                shows = shows or shifted
            elif matches:
                repairs.append(Repair("gbk_shift", line, column, cell, cell, 0.0,
                                      "flagged, left as is: several place names fit (" + ", ".join(matches[:4]) + ")"))
        column += len(cell)
    return "".join(parts), repairs, shows


def named_by_damage(damaged: str, tail: str = "") -> list[str]:
    """Place names whose bytes fit the damaged text ``damaged`` (a '?' and what follows it): the known
    bytes of its template must be the name's, its lost bytes anything. Looked up in an index of the
    names by their bytes after the first, not by simulating every name."""
    line = damaged + tail
    span = parse_span(line, 0) if DAMAGE_SITE.match(line) else None
    if span is None or span.end < len(damaged):
        return []
    template = [b for b in span.template if not isinstance(b, str)]
    if any(b is None for b in template[1:-1]):
        return []
    known = bytes(template[1:-1] if template[-1] is None else template[1:])
    return list(_names_by_bytes().get((len(template), known), ()))


@lru_cache(maxsize=1)
def _names_by_bytes() -> dict[tuple[int, bytes], tuple[str, ...]]:
    """(length in bytes, the bytes after the first, or after the first and before the last) -> names."""
    from pipeline.normalize.lexicon import place_name_forms

    index: dict[tuple[int, bytes], list[str]] = {}
    for name in place_name_forms():
        try:
            encoded = name.encode("gbk")
        except UnicodeEncodeError:
            continue
        index.setdefault((len(encoded), encoded[1:]), []).append(name)
        index.setdefault((len(encoded), encoded[1:-1]), []).append(name)
    return {key: tuple(names) for key, names in index.items()}


_ITEM_SEPARATORS = "|\t、，,;；"
_TOWN_MARGIN = 2.0  # a town or county whose damaged bytes give exactly the rest: margin of a cell match (0.99)


def _place_headed(span: Span, text: str, left: _Left, lexicon, drops: bool) -> tuple[str, float, str] | None:
    """A span no reading clears that starts with a place name, where places are written (the start of a
    cell or list item, or right after the province or prefecture the place lies in; 海南省??谑惺芥?zhèn)):
    the name read from the gazetteer by the bytes that survive, then the rest of the span as a county
    or town under that place whose damaged bytes give back exactly the rest, or else by the lexicon with
    the name's first character fixed. Only when the names agree on the lost character and one town,
    or one reading, clearly wins."""
    before = _item_before(left)
    names = [name for name in _head_names(span.template) if _where_places_are(before, name)]
    if len({name[0] for name in names}) != 1:
        return None
    observed, right = text[span.start:span.end], text[span.end:span.end + _WINDOW]
    under = _read_as_division_under(names, span, observed, right)
    if len(under) == 1:
        (reading, name, rest), = under.values()
        return reading, _TOWN_MARGIN, (f"{name} read from the gazetteer, then {rest}, a division under it whose "
                                       "damaged bytes give exactly the rest of the span")
    if under:
        return None
    _, chosen, _ = _read_site(span, text, left, lexicon, drops, first=names[0][0])
    if chosen is None:
        return None
    return chosen[0], chosen[1], f"{max(names, key=len)} read from the gazetteer, the rest of the span by the lexicon"


def _item_before(left: _Left) -> str:
    """The text of the cell or list item before the span, spaces aside: after the last separator of
    the window, or from the line's start ('' when the span starts the item)."""
    cut = max(left.tail.rfind(mark) for mark in _ITEM_SEPARATORS)
    if cut < 0 and left.length > len(left.tail):
        return left.tail  # the item began before the window: not at its start
    return left.tail[cut + 1:].strip()


def _where_places_are(before: str, name: str) -> bool:
    """A place name starts its item, or follows the province or prefecture it lies in."""
    from pipeline.normalize.lexicon import place_parents

    written = simplify_chars(before)
    return not written or any(written.endswith(parent) for parent in place_parents().get(simplify_chars(name), ()))


def _head_names(template: list) -> list[str]:
    """Place names whose bytes begin the span's and leave some of it after them: the first byte lost,
    the following ones as read in step."""
    if template[:2] != [None, 0xA3]:
        return []
    index = _names_by_bytes()
    names: list[str] = []
    for length in range(4, len(template), 2):
        head = template[1:length]
        if not all(isinstance(byte, int) for byte in head):
            break
        names += index.get((length, bytes(head)), ())
    return names


def _read_as_division_under(names: list[str], span: Span, observed: str, right: str) -> dict[str, tuple[str, str, str]]:
    """Readings of the span as one of ``names`` followed by a county under that place, a town of such a
    county, or both, that give back exactly the damaged span (a dropped private-use pair included):
    Simplified reading -> (reading, name, what follows it)."""
    from pipeline.normalize.lexicon import written_forms
    from pipeline.normalize.pinyin import _is_pinyin
    from pipeline.normalize.script import to_simplified

    length = sum(1 for byte in span.template if not isinstance(byte, str))  # the bytes, each lost one too
    annotation = _ANNOTATION_AFTER.match(right) if span.lost_tail else None
    found = {}
    for name in names:
        for rest in _divisions_under(to_simplified(name)):
            for form in written_forms(rest):
                restored = name + form
                if len(restored.encode("gb18030")) not in (length, length + 2):  # + 2: a dropped pair
                    continue
                if annotation and not _is_pinyin("(" + annotation.group(0), restored[-1]):
                    continue
                for last in (_swallowed_options(right) if span.lost_tail else ("",)):
                    reading = restored + last
                    if _reproduces(list(reading), list(reading), observed, right, _PLAIN + _DROPPED):
                        found[simplify_chars(reading)] = (reading, name, form)
    return found


@lru_cache(maxsize=256)
def _divisions_under(name: str) -> frozenset[str]:
    """What an address may write after a place: a county under it, a town of such a county, the two
    together (for a county itself: its towns)."""
    from pipeline.reconcile.gazetteer import gazetteer

    gaz = gazetteer()
    places = gaz.cities(name) + gaz.counties(name)
    prefixes = tuple(place.adcode[:2] if place.level == "province" else place.adcode[:4]
                     for place in places if place.level != "county")
    counties = [d for d in gaz.by_code.values() if d.level == "county" and d.adcode.startswith(prefixes)] if prefixes else []
    rests: set[str] = set()
    for county in counties:
        towns = gaz.towns_of(county)
        rests |= towns | {county.name} | {county.name + town for town in towns}
    for county in (place for place in places if place.level == "county"):
        rests |= gaz.towns_of(county)
    return frozenset(rests)


def _preferred(names: list[str]) -> list[str]:
    """City-level names first: a ranking's cell names a city before it names a county."""
    from pipeline.normalize.script import to_simplified
    from pipeline.reconcile.gazetteer import gazetteer

    gaz = gazetteer()
    cities = [n for n in names if gaz.cities(to_simplified(n)) or gaz.province(to_simplified(n))]
    return cities or names
