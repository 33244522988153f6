"""Undo the mirror pages' punctuation-shift damage by inverting the mechanism, not its symptoms.

The mechanism: a full-width -> half-width punctuation conversion ran over GBK bytes without respecting
character boundaries. Wherever byte 0xA3 (the trail byte of 海, of 。, …) was followed by 0xA1, 0xA8,
0xA9, 0xAC, 0xBA, 0xBB or 0xBF, the pair became one ASCII byte (! ( ) , : ; ?). Decoding then lost
the orphaned lead byte (shown as ``?``) and read the rest one byte off until an ASCII byte put it back
in step; an invalid pair ending in a digit or ``<`` lost that byte too. ``simulate`` reproduces this.

The inverse: from ``?`` + one of those ASCII marks, re-encode the shifted run, restore the 0xA3 pair,
and decode in step again. What is lost is one byte at the start (the lead byte of the character before
the mark) and, when the run ends in ``?``, the last character's trail byte. Every candidate for the
lost bytes is decoded, checked by simulating the damage again (it must give back exactly what was
observed), and scored by the lexicon; a span is repaired only when one candidate clearly wins, and
otherwise kept and flagged.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from pipeline.model import Repair
from pipeline.normalize.columns import StageMaps, placed
from pipeline.normalize.lexicon import CJK, default_lexicon, open_quotations

PUNCT_BYTE = {"!": 0xA1, "(": 0xA8, ")": 0xA9, ",": 0xAC, ":": 0xBA, ";": 0xBB, "?": 0xBF}
_BYTE_PUNCT = {byte: mark.encode() for mark, byte in PUNCT_BYTE.items()}
# Bytes an invalid pair swallowed on the mirrors (a GB18030 decoder reads 0x30-0x39 as the second byte
# of a four-byte sequence; '<' vanished the same way in every '</p>' and '<br').
SWALLOWED = bytes(range(0x30, 0x3A)) + b"<"
_WRAP_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])|^ (?=[\u4e00-\u9fff])")
DAMAGE_SITE = re.compile(r"\?[!(),:;?]")
MIN_SCORE = 2.5  # the winner must be at least a word of frequency ~300, a place name or a sentence end
MARGIN = 1.0  # and ten times better (in log10 terms) than the runner-up
_SHORTLIST = 12
_INNER_MARKS = 2  # shifted pairs inside one run tried, when the run read up to its first mark has no reading
_CONTEXT = 4


def shift_bytes(data: bytes) -> bytes:
    """The faulty conversion: 0xA3 followed by a full-width punctuation trail byte becomes ASCII."""
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == 0xA3 and i + 1 < len(data) and data[i + 1] in _BYTE_PUNCT:
            out += _BYTE_PUNCT[data[i + 1]]
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def mirror_decode(data: bytes) -> str:
    """GBK/GB18030 decoding as the mirrors did it: ``?`` for what does not decode."""
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
                out.append(_decode_or_mark(data[i:i + 2]))
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


def simulate(text: str) -> str:
    """What a mirror page makes of ``text``."""
    return mirror_decode(shift_bytes(text.encode("gb18030")))


@dataclass
class Span:
    """A damaged span line[start:end] and the bytes it came from: ``template`` holds the known bytes
    and None for each lost one; ``run`` is where the re-encoded shifted run sits in it."""

    start: int
    end: int
    template: list
    lost_tail: bool


def parse_span(line: str, start: int, inner_marks: int = 0) -> Span | None:
    """The byte template of the damage starting at line[start] ('?' + a shifted mark). With
    ``inner_marks``, that many marks inside the run that are followed by more of it are read as shifted
    pairs too: a second 0xA3 trail whose lead the out-of-step reading had put into the character before
    (保护 is B1A3 BBA4: 'A3 BB' became ';' and B1 ended a pair, so no '?' shows)."""
    template: list[int | None] = [None, 0xA3, PUNCT_BYTE[line[start + 1]]]
    j = start + 2
    lost_tail = False
    while True:
        if j >= len(line):
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
        j += 1
        if encoded[1] < 0x80:
            break
    return Span(start, j, template, lost_tail)


def segment(template: list, lost_tail: bool) -> list | None:
    """Read the template in step again: a list of pieces, each a known character, ("lead", trail) or
    ("trail", lead) for a character with a lost byte, or ("swallowed",) after a lost tail."""
    pieces: list = []
    k = 0
    while k < len(template):
        byte = template[k]
        if byte is not None and byte < 0x80:
            pieces.append(chr(byte))
            k += 1
            continue
        if k + 1 >= len(template):
            return None
        trail = template[k + 1]
        if byte is None:
            pieces.append(("lead", trail))
        elif trail is None:
            pieces.append(("trail", byte))
        else:
            try:
                pieces.append(bytes([byte, trail]).decode("gb18030"))
            except UnicodeDecodeError:
                return None
        k += 2
    if lost_tail:
        pieces.append(("swallowed",))
    return pieces


@lru_cache(maxsize=None)
def _lead_candidates(trail: int) -> tuple[str, ...]:
    return tuple(c for c in (_char(bytes([x, trail])) for x in range(0x81, 0xFF)) if c)


@lru_cache(maxsize=None)
def _trail_candidates(lead: int) -> tuple[str, ...]:
    return tuple(c for c in (_char(bytes([lead, y])) for y in range(0x81, 0xFF)) if c)


def _char(pair: bytes) -> str:
    try:
        char = pair.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    return "" if "\ue000" <= char <= "\uf8ff" else char


def _options(piece, following: str) -> tuple[str, ...]:
    """What a piece of the template may have been. A swallowed byte must have existed when the
    observed text goes on with a byte the decoder would have swallowed; otherwise it is left out
    (nothing would tell which it was)."""
    if isinstance(piece, str):
        return (piece,)
    kind = piece[0]
    if kind == "lead":
        return _lead_candidates(piece[1])
    if kind == "trail":
        return _trail_candidates(piece[1])
    if following and following.encode("gb18030")[:1] in SWALLOWED:
        return tuple(chr(b) for b in SWALLOWED)
    return ("",)


def repair(text: str, line: int, lexicon=None) -> tuple[str, list[Repair]]:
    if "?" not in text or not DAMAGE_SITE.search(text):
        return text, []
    if lexicon is None:
        # The search is costly and pages repeat their headings: same line, same answer.
        fixed, found = _repair_cached(text)
        # the constructor, not dataclasses.replace: this runs once per damaged line of every document
        return fixed, [Repair(r.kind, line, r.column, r.before, r.after, r.confidence, r.reason, r.count) for r in found]
    return _repair(text, line, lexicon)


@lru_cache(maxsize=4096)
def _repair_cached(text: str) -> tuple[str, tuple[Repair, ...]]:
    fixed, found = _repair(text, 0, default_lexicon())
    return fixed, tuple(found)


def _repair(text: str, line: int, lexicon) -> tuple[str, list[Repair]]:
    """Cells first, then the spans left; the spans' columns are moved to the line as read."""
    given = text
    text, cells = _repair_cells(text, line)
    if not DAMAGE_SITE.search(text):
        return text, cells
    cell_text = text
    text, spans = _repair_spans(text, line, lexicon)
    return text, cells + placed(spans, [StageMaps(cells, lambda _: given, lambda _: cell_text)])


def _repair_spans(text: str, line: int, lexicon) -> tuple[str, list[Repair]]:
    repairs: list[Repair] = []
    separators = [i for i, char in enumerate(text) if char in "|\t"]
    out: list[str] = []
    position = 0  # where the text not yet copied to out begins
    examined = 0  # where the last span looked at, repaired or flagged, ends: a site inside it is part of it
    for match in DAMAGE_SITE.finditer(text):
        if match.start() < examined:
            continue
        span = parse_span(text, match.start())
        if span is None:
            repairs.append(Repair("gbk_shift", line, match.start() + 1, match.group(0), match.group(0), 0.0,
                                  "flagged, left as is: looks like punctuation-shift damage but its bytes do not "
                                  "decode in step"))
            examined = match.end()
            continue
        left = "".join(out) + text[position:span.start]
        if any(not span.start <= i < span.end for i in separators):  # a '|' the shift produced is no cell
            examined = span.end
            repairs.append(Repair("gbk_shift", line, span.start + 1, text[span.start:span.end],
                                  text[span.start:span.end], 0.0,
                                  "flagged, left as is: a table cell names something (a company, an app) that "
                                  "dictionary words cannot decide, and no place name fits"))
            continue
        chosen, candidates, margin = _choose(span, text[span.start:span.end], left, text[span.end:], lexicon)
        for inner in range(1, _INNER_MARKS + 1):
            if candidates:
                break
            longer = parse_span(text, match.start(), inner)
            if longer is None or longer.end == span.end:
                break
            span = longer
            chosen, candidates, margin = _choose(span, text[span.start:span.end], left, text[span.end:], lexicon)
        examined = span.end
        before = text[span.start:span.end]
        if not candidates:
            repairs.append(Repair("gbk_shift", line, span.start + 1, before, before, 0.0,
                                  "flagged, left as is: no reading of the lost bytes reproduces the damage"))
            continue
        if chosen is None:
            repairs.append(Repair("gbk_shift", line, span.start + 1, before, before, 0.0,
                                  "flagged, left as is: no candidate clearly wins (" + ", ".join(candidates[:4]) + ")"))
            continue
        out.append(text[position:span.start])
        out.append(chosen)
        position = span.end
        repairs.append(Repair("gbk_shift", line, span.start + 1, before, chosen,
                              round(1 - 1 / (1 + 10 ** margin), 3),
                              "GBK punctuation-shift damage undone; lost byte(s) chosen by the lexicon"))
    out.append(text[position:])
    return "".join(out), repairs


def _choose(span: Span, observed: str, left: str, right: str, lexicon) -> tuple[str | None, list[str], float]:
    """The restored text when one verified candidate clearly wins, else None with the leading candidates.

    Beyond the mechanism, the Tahaoo mirror also dropped some private-use characters (U+E317, U+E7CB)
    from shifted runs; a drop merges its two neighbours into one stray character that no candidate
    can undo, and such spans are known failures of the corpus."""
    # Context for scoring; spaces a line wrap left between characters would hide the words around.
    before = _WRAP_SPACE.sub("", left)
    prefix = before[-_CONTEXT:] if len(before) > _CONTEXT else "\n" + before  # '\n': the line starts there
    # a quotation opened before the window still open: its mark goes first, so a closing mark scores
    prefix = "".join(mark for mark in open_quotations(left) if mark not in prefix) + prefix
    suffix = _WRAP_SPACE.sub("", right)[:_CONTEXT]
    context = (observed, prefix, suffix, right, lexicon)
    pieces = segment(span.template, span.lost_tail)
    ranked = _rank(pieces, context, _SHORTLIST) if pieces else []
    if not ranked:
        return None, [], 0.0
    best, best_score = ranked[0]
    runner_up = next((s for text, s in ranked[1:] if not _only_swallowed_differs(text, best)), -math.inf)
    margin = best_score - runner_up
    candidates = [text for text, _ in ranked]
    stray = _reads_badly(best, context)
    if stray:
        shown = "".join(f"U+{ord(c):04X}" if "\ue000" <= c <= "\uf8ff" else c for c in stray)
        return None, [best, f"stray {shown}"], 0.0
    if best_score < MIN_SCORE or margin < MARGIN:
        return None, candidates, 0.0
    if span.lost_tail and CJK.match(_restored_tail(best)):
        # The last character lost its second byte and an ASCII mark follows it: only the text before
        # speaks for it, and a word it would form there (去掉) can outscore a character that stands
        # alone (的). The reading the words' frequencies prefer must end the same way. (A restored
        # mark, 。”, is for the sentence and quotation evidence: word frequencies know no punctuation.)
        likeliest = max(candidates[:_SHORTLIST], key=lambda text: lexicon.likeliest_split(prefix + text + suffix)[0])
        if _restored_tail(likeliest) != _restored_tail(best):
            return None, [best, likeliest], 0.0
    return best, candidates, min(margin, 6.0)


def _restored_tail(reading: str) -> str:
    """The character restored from a lost second byte: the last one, a swallowed byte after it aside."""
    return reading.rstrip(SWALLOWED.decode())[-1:]


def _reads_badly(reading: str, context) -> list[str]:
    _, prefix, suffix, _, lexicon = context
    return lexicon.stray_characters(prefix + reading + suffix, len(prefix), len(prefix) + len(reading))


def _rank(pieces: list, context, shortlist: int) -> list[tuple[str, float]]:
    """Verified readings of the pieces, best first, scored on the restored characters."""
    observed, prefix, suffix, right, lexicon = context
    options = [_options(p, right[:1]) for p in pieces]
    unknown = [i for i, p in enumerate(pieces) if not isinstance(p, str)]
    shortlists = []
    for i in unknown:
        scored = []
        for option in options[i]:
            chars = ["" if (j in unknown and j != i) else (option if j == i else pieces[j])
                     for j in range(len(pieces))]
            scored.append((_score(prefix, chars, {i}, suffix, lexicon), option))
        scored.sort(key=lambda item: (-item[0], item[1]))
        shortlists.append([option for _, option in scored[:shortlist]])
    results: dict[str, float] = {}
    for combo in product(*shortlists):
        chars = list(pieces)
        for i, option in zip(unknown, combo):
            chars[i] = option
        restored = "".join(chars)
        if simulate(restored + right[:2]) != observed + right[:2]:
            continue
        results[restored] = _score(prefix, chars, set(unknown), suffix, lexicon)
    return sorted(results.items(), key=lambda kv: (-kv[1], kv[0]))


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


def _repair_cells(text: str, line: int) -> tuple[str, list[Repair]]:
    """In a table row, a cell that lost several bytes is matched against place names: the one name
    whose simulated damage gives back exactly the cell is the cell's text."""
    if "|" not in text and "\t" not in text:
        return text, []
    from pipeline.normalize.lexicon import place_name_forms

    parts = _CELL_SPLIT.split(text)
    repairs = []
    column = 1
    for index, cell in enumerate(parts):
        if index % 2 == 0 and len(cell) <= _MAX_CELL and DAMAGE_SITE.search(cell):
            first = cell.index("?")
            prefix = cell[:first]
            tail = _CLEAN_TAIL.search(cell).group(0)
            matches = _preferred([name for name in place_name_forms()
                                  if simulate(prefix + name + tail) == cell or simulate(prefix + name + "<" + tail) == cell])
            if len(matches) == 1:
                fixed = prefix + matches[0] + tail
                repairs.append(Repair("gbk_shift", line, column, cell, fixed, 0.99,
                                      "table cell matched to the one place name whose damaged bytes give this cell"))
                parts[index] = fixed
            elif matches:
                repairs.append(Repair("gbk_shift", line, column, cell, cell, 0.0,
                                      "flagged, left as is: several place names fit (" + ", ".join(matches[:4]) + ")"))
        column += len(cell)
    return "".join(parts), repairs


def _preferred(names: list[str]) -> list[str]:
    """City-level names first: a ranking's cell names a city before it names a county."""
    from pipeline.normalize.script import to_simplified
    from pipeline.reconcile.gazetteer import gazetteer

    gaz = gazetteer()
    cities = [n for n in names if gaz.cities(to_simplified(n)) or gaz.province(to_simplified(n))]
    return cities or names
