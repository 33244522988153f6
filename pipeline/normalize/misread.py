"""Mojibake: UTF-8 text that someone's tool decoded with another codec, undone run by run.

``代码大全`` saved as UTF-8 and read as GBK shows ``浠ｇ爜澶у叏``; a later full-width to half-width
conversion made it ``浠g爜澶у叏``, and a decoder that met a byte it could not pair put ``�`` for it.
Left alone, the script stage would then rewrite the garbage into something no tool can reverse. Each
family (:mod:`mojibake_gbk`, :mod:`mojibake_big5`, :mod:`mojibake_cp1252`) says how to undo one run
of non-ASCII text; this module finds the runs, decides per document whether it shows the damage, and
records every change. A garbled run of a document that shows the damage, which comes back only in part
(more bytes lost than a search restores), is flagged and frozen like the byte damage's (:mod:`pipeline.normalize.frozen`): as read, a person or a
better tool can still undo it; converted, no one could.

A run is undone only when the result is fluent and the run is not (for Chinese,
:func:`pipeline.normalize.commonness.commonness`, the measure the encoding detection uses; ftfy's own for Latin
text), and a document shows the damage when at least a third of its runs that read as garbled come
back fluent (or in part: two at least, where none comes back whole). A run whose reading is written on
its own line is an example a text about mojibake gives, and stays; so does one in markdown code (a
tutorial's ``broken = "浣犲ソ涓栫晫"``), unless the document shows the damage outside its code too. Clean text is judged on its first
runs: a document whose first few hundred runs hold no misread one is left alone without reading the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice, product
from os.path import commonprefix

from pipeline.model import Repair
from pipeline.normalize.commonness import commonness
from pipeline.normalize.evidence import Evidence
from pipeline.normalize.frozen import FROZEN
from pipeline.normalize.markdown import code_block_lines, code_spans
from pipeline.normalize.stage import Done, Given

# Non-ASCII text, with single ASCII characters inside it (a full-width letter a conversion made
# half-width: 浠g爜), never a frozen span.
RUN = re.compile(f"[^\\x00-\\x7f{FROZEN}]+(?:[!-~][^\\x00-\\x7f{FROZEN}]+)*")
FLUENT = 0.8  # commonness of a run come back: everyday characters (right decodes of real files: 0.92+)
_GARBLED = 0.5  # and of the run as read: mostly rare characters
_SHARE = 1 / 3  # of the garbled runs that come back, for a document to show the damage
_SAMPLE = 500  # runs read before a document with no misread one is left alone
_MIN_PARTLY = 2  # runs that come back only in part, where none comes back whole: one is an emoticon's chance
_LOST_PER_CHAR = 2  # bytes a decoder dropped from one character that a search may restore
_COMMON_SINGLE = 2.5  # log10 of how often jieba's dictionary has seen a restored character, at least
_MARGIN = 0.5  # a restored character makes the words around it three times likelier than the next reading
_MIN_REPLACED, _REPLACED_SHARE = 2, 4  # U+FFFD in a run that lost most of its bytes: two at least, a quarter
_UTF8_OF_CHINESE = frozenset(range(0x80, 0xC0)) | frozenset(range(0xE0, 0xF0))  # continuations, leads of U+0800-FFFF


@dataclass(frozen=True)
class Family:
    """One kind of misreading: ``kind`` names its repairs, ``shown_as`` the codec the text was shown
    in, ``undo(run)`` gives the run's text back (or None) and how it was found, ``garbled(run)``
    tells a run that reads as this damage does and ``fluent(text)`` a run come back as text."""

    kind: str
    shown_as: str
    undo: Callable[[str], tuple[str, str] | None]
    garbled: Callable[[str, str | None], bool]
    fluent: Callable[[str], bool]
    partly: Callable[[str], bool] = lambda run: False


def rare_characters(run: str, simplified: str | None = None) -> bool:
    """Mostly characters everyday Chinese does not use: how a misread UTF-8 run of Chinese reads."""
    return commonness(run, simplified) < _GARBLED


def everyday_characters(text: str) -> bool:
    return commonness(text) >= FLUENT


def stage(given: Given, families: tuple[Family, ...]) -> Done:
    """The stage in the loop (:mod:`pipeline.normalize.stage`): :func:`repair_document` over the
    document as read."""
    lines, text, repairs, decisions = repair_document(given.lines, given.text, given.first_line, families)
    return Done(lines, text, repairs, decisions)


def repair_document(lines: list[str], text: str, first_line: int,
                    families: tuple[Family, ...]) -> tuple[list[str], str, list[Repair], list[Evidence]]:
    """The families' repairs over a document, as one stage: each run is judged once, by the first
    family that finds it garbled and undoes it; the lines, their text, the repairs (columns in the
    text as read) and one decision per family that found a run it undoes or undoes in part."""
    found: dict[tuple[int, int], tuple[Family, str, str, str]] = {}  # (line, column) -> family, run, text, how
    partly: dict[tuple[int, int], tuple[Family, str]] = {}  # garbled runs only part of which comes back
    garbled = dict.fromkeys(families, 0)  # outside code: what the decision counts
    coded: set[tuple[int, int]] = set()  # places of the garbled runs inside markdown code
    line_of = _LineOf(text)
    in_code = _InCode(lines, text)
    runs = RUN.finditer(text)
    for batch in (list(islice(runs, _SAMPLE)), runs):
        if batch is runs and not found and not partly:
            break
        for match, simplified in _with_simplified(list(batch)):
            run = match.group(0)
            if len(run) < 2:
                continue
            verdicts: dict[Callable, bool] = {}  # families that judge a run alike (GBK, Big5) judge it once
            for family in families:
                if family.garbled not in verdicts:
                    verdicts[family.garbled] = family.garbled(run, simplified)
                if not verdicts[family.garbled]:
                    continue
                undone = family.undo(run)
                place = line_of(match.start())
                if undone is not None and _shown_beside(run, undone[0], lines[place[0]]):
                    break
                if in_code(place, len(run)):
                    coded.add(place)
                else:
                    garbled[family] += 1
                if undone is not None and family.fluent(undone[0]):
                    found[place] = (family, run, *undone)
                    break
                if family.partly(run):
                    partly[place] = (family, run)
                    break
    decisions = []
    shown = set()
    for family in families:
        back = sorted(place for place, (which, *_) in found.items() if which is family and place not in coded)
        part = sorted(place for place, (which, _) in partly.items() if which is family and place not in coded)
        if not back and not part:
            continue
        index, column = min(back + part)
        run = found[(index, column)][1] if (index, column) in found else partly[(index, column)][1]
        shows = len(back) + len(part) >= _SHARE * garbled[family] and (back or len(part) >= _MIN_PARTLY)
        shown.update([family] if shows else [])
        decisions.append(Evidence(family.kind, shows, f"{len(back)} of {garbled[family]} runs of garbled text come "
                                  f"back as fluent text when read as UTF-8 shown as {family.shown_as}, {len(part)} "
                                  "more in part", index, column, run))
    if not shown:
        return lines, text, [], decisions
    out = list(lines)
    repairs = [Repair(family.kind, first_line + index, column + 1, run, run, 0.0,
                      f"flagged, left as is: reads as UTF-8 shown as {family.shown_as}, but more of its bytes were "
                      "lost than a search restores") for (index, column), (family, run) in partly.items()
               if family in shown]
    for (index, column), (family, run, fixed, how) in sorted(found.items(), reverse=True):  # right to left
        if family in shown:
            line = out[index]
            out[index] = line[:column] + fixed + line[column + len(run):]
            repairs.append(Repair(family.kind, first_line + index, column + 1, run, fixed, 1.0,
                                  f"UTF-8 text shown as {family.shown_as} undone ({how})"))
    return out, "\n".join(out), sorted(repairs, key=lambda r: (r.line, r.column)), decisions


def _shown_beside(run: str, fixed: str, line: str) -> bool:
    """Whether what undoing ``run`` changes is written as such on its line: an example a text about
    mojibake gives beside its reading (``浠ｇ爜澶у叏 → 代码大全``, ``“ç®€ä½“ä¸­æ–‡”就是“简体中文”``)."""
    start = len(commonprefix([run, fixed]))
    end = len(commonprefix([run[start:][::-1], fixed[start:][::-1]]))
    reading = fixed[start:len(fixed) - end]
    return bool(reading) and reading in line


def _with_simplified(matches: list[re.Match]):
    """Each run with its Simplified form, all converted in one call (one call per run would cost more
    than the rest of the stage)."""
    from pipeline.normalize.script import to_simplified

    simplified = to_simplified("\n".join(match.group(0) for match in matches)).split("\n") if matches else []
    if len(simplified) != len(matches):
        simplified = [None] * len(matches)
    return zip(matches, simplified)


class _InCode:
    """Whether a run (its line index and column, its length) is inside markdown code: a fenced block's
    line or a code span."""

    def __init__(self, lines: list[str], text: str):
        self._lines = lines
        self._blocks = code_block_lines(lines, text)
        self._spans: dict[int, list[tuple[int, int]]] = {}

    def __call__(self, place: tuple[int, int], length: int) -> bool:
        index, column = place
        if index in self._blocks:
            return True
        if index not in self._spans:
            self._spans[index] = code_spans(self._lines[index])
        return any(start <= column and column + length <= end for start, end in self._spans[index])


class _LineOf:
    """(line index, column) of offsets into a text, asked in increasing order."""

    def __init__(self, text: str):
        self._text = text
        self._index = 0
        self._start = 0  # where line self._index starts

    def __call__(self, offset: int) -> tuple[int, int]:
        newlines = self._text.count("\n", self._start, offset)
        if newlines:
            self._index += newlines
            self._start = self._text.rindex("\n", self._start, offset) + 1
        return self._index, offset - self._start


def utf8_shown_as(codec: str) -> Callable[[str], tuple[str, str] | None]:
    """The inverse of UTF-8 bytes decoded with ``codec``: the run encoded with it again and decoded as
    UTF-8. An ASCII character where the UTF-8 bytes need a continuation was a full-width one made
    half-width (``g`` was ``ｇ``, A3 E7 in GBK); a ``�`` is a byte the decoder dropped, restored when
    one reading of the character it belonged to clearly wins in its words (the lexicon's evidence)."""

    def undo(run: str) -> tuple[str, str] | None:
        data = bytearray()
        lost: list[int] = []  # offsets of dropped bytes in data
        pairs: set[int] = set()  # where two of them were one pair the decoder had no character for
        widened = 0
        expected = 0  # continuation bytes the current UTF-8 character still needs
        for char in run:
            if expected == 2 and not ("\x80" <= char < "\uffff" and char != "\ufffd"
                                      and _first_byte(char, codec) in range(0x80, 0xC0)):
                pairs.add(len(data))  # a character lost both its continuations: a pair dropped there
                lost += [len(data), len(data) + 1]
                data += b"\x80\x80"
                expected = 0
            if char == "\ufffd":
                if not expected:
                    return None
                lost.append(len(data))
                data.append(0x80)
                expected -= 1
                continue
            if char < "\x80" and not expected:
                data.append(ord(char))
                continue
            try:
                encoded = (chr(ord(char) + 0xFEE0) if char < "\x80" else char).encode(codec)
            except UnicodeEncodeError:
                return None
            widened += char < "\x80"
            for byte in encoded:
                if expected:
                    if not 0x80 <= byte <= 0xBF:
                        return None
                    expected -= 1
                else:
                    expected = _continuations(byte)
                    if expected < 0:
                        return None
                data.append(byte)
        if expected:
            return None
        restored = _restore(data, lost, pairs, codec) if lost else bytes(data)
        if restored is None:
            return None
        try:
            text = restored.decode("utf-8")
        except UnicodeDecodeError:
            return None
        how = f"encoded as {codec} again and decoded as UTF-8"
        if widened:
            how += f"; {widened} half-width letter(s) read as the full-width ones a conversion had narrowed"
        if lost:
            how += f"; {len(lost)} byte(s) the decoder had dropped or replaced by U+FFFD chosen by the lexicon"
        return text, how

    return undo


def mostly_utf8_shown_as(codec: str) -> Callable[[str], bool]:
    """Whether a run is UTF-8 shown as ``codec`` that lost bytes: encoded again, the bytes that decode
    as UTF-8 give everyday characters (a clean run's bytes give rare or no characters); or it lost so
    many that nothing reads (Big5 has no character for most UTF-8 byte pairs: ``��啣�����撣�`` is 数字城市),
    and what is left of it is UTF-8's bytes of Chinese, each of its characters in ``codec`` (bytes
    0x80-0xBF and 0xE0-0xEF; the Chinese of a clean text is mostly other bytes)."""

    def partly(run: str) -> bool:
        data = b"".join(_bytes_of(char, codec) for char in run)
        decoded = data.decode("utf-8", errors="replace")
        kept = decoded.replace("\ufffd", "")
        if len(kept) >= 2 and len(kept) >= len(decoded) / 2 and everyday_characters(kept):
            return True
        replaced = run.count("\ufffd")
        rest = b"".join(_bytes_of(char, codec) for char in run if char != "\ufffd" and not char.isascii())
        return (replaced >= _MIN_REPLACED and replaced * _REPLACED_SHARE >= len(run) and bool(rest)
                and all(byte in _UTF8_OF_CHINESE for byte in rest))

    return partly


def _bytes_of(char: str, codec: str) -> bytes:
    """A character's bytes in ``codec``; for U+FFFD the continuation byte GBK and Big5 have no reading
    of at all (0x80), the commonest one a decoder replaces; 0xFF, never in UTF-8, for one it lacks."""
    if char == "\ufffd":
        return b"\x80"
    try:
        return char.encode(codec)
    except UnicodeEncodeError:
        return b"\xff"


def _continuations(lead: int) -> int:
    """Continuation bytes after a UTF-8 lead byte; -1 for a byte no character starts with."""
    if lead < 0x80:
        return 0
    if 0xC2 <= lead <= 0xDF:
        return 1
    if 0xE0 <= lead <= 0xEF:
        return 2
    if 0xF0 <= lead <= 0xF4:
        return 3
    return -1


def _first_byte(char: str, codec: str) -> int:
    try:
        return char.encode(codec)[0]
    except UnicodeEncodeError:
        return -1


@lru_cache(maxsize=4)
def _dropped_pairs(codec: str) -> tuple[tuple[int, int], ...]:
    """Pairs of UTF-8 continuation bytes that ``codec`` has no character for (GBK's user-defined
    areas, read as private-use characters that pages then drop): what a pair lost without a trace was."""
    dropped = []
    for pair in product(range(0x81, 0xC0), range(0x80, 0xC0)):
        try:
            char = bytes(pair).decode(codec)
        except UnicodeDecodeError:
            dropped.append(pair)
            continue
        if "\ue000" <= char <= "\uf8ff":
            dropped.append(pair)
    return tuple(dropped)


def _restore(data: bytearray, lost: list[int], pairs: set[int], codec: str) -> bytes | None:
    """``data`` with its dropped bytes chosen, one character at a time from the left: each reading of
    the character (continuation bytes where they were dropped; a pair the codec has no character for
    where a pair went without a trace) scored by the lexicon in the text around it, the rest still
    unknown; None when a character has no clear reading."""
    from pipeline.normalize.lexicon import default_lexicon, single_characters

    lexicon = default_lexicon()
    singles = single_characters()
    data = bytearray(data)
    characters = list(_characters_with(data, lost))
    if sum(len(positions) for _, _, positions in characters) != len(lost):
        return None  # a character lost more bytes than a search may restore
    for start, end, positions in characters:
        scored = []
        choices = (_dropped_pairs(codec) if positions[0] in pairs and len(positions) == 2
                   else product(range(0x80, 0xC0), repeat=len(positions)))
        for options in choices:
            for position, byte in zip(positions, options):
                data[position] = byte
            try:
                char = bytes(data[start:end]).decode("utf-8")
            except UnicodeDecodeError:
                continue
            if singles.get(char, 0.0) < _COMMON_SINGLE:  # a rare character reads well only for being unknown
                continue
            before = bytes(data[:start]).decode("utf-8", errors="replace")
            after = bytes(data[end:]).decode("utf-8", errors="replace")
            scored.append((lexicon.likeliest_split(before[-4:] + char + after[:4])[0], options))
        scored.sort(reverse=True)
        if not scored or (len(scored) > 1 and scored[0][0] - scored[1][0] < _MARGIN):
            return None
        for position, byte in zip(positions, scored[0][1]):
            data[position] = byte
    return bytes(data)


def _characters_with(data: bytearray, lost: list[int]):
    """(start, end, lost offsets) of each UTF-8 character of ``data`` that holds dropped bytes."""
    start = 0
    lost_set = set(lost)
    while start < len(data):
        length = _continuations(data[start]) + 1
        if length <= 0:
            return
        positions = [p for p in range(start, start + length) if p in lost_set]
        if positions and len(positions) <= _LOST_PER_CHAR:
            yield start, start + length, positions
        start += length
