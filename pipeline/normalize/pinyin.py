"""Pinyin annotations glued to characters by a repost site: ``發(fā)展`` -> ``發展``.

Only a parenthesised run of lowercase pinyin carrying at least one tone mark, right after a CJK
character, is an annotation; every syllable in it must be one of Mandarin's, and its last syllable
must be a reading of the character before the bracket (both read from jionlp's character dictionary).
Real parentheses (``(60-70分,62個)``, ``(SMILE)``, ``(北京)``, ``(e)``, ``咖啡館(café)``,
``简历(résumé)``) never match because they hold digits, capitals, CJK, no tone mark, letters that no
run of syllables spells, or syllables that are no reading of the character they follow (历 is lì, not
me). Syllables may be written apart (``shù jù``) or together (``běijīng``), and a tone mark may be one
precomposed letter or a letter and a combining mark.

Authors write pinyin on purpose too (``户冢（zhǒng）``, a textbook's ``好奇（qí）``, ``[汉字(hàn zì)]``). The
reposts' damage looks different as a whole: a converter from Simplified to Traditional annotated the
characters it changed (發(fā), 數(shù), 區(qū)), one syllable each, glued in half-width brackets. So the stage
removes annotations only from a document that shows that (:func:`evidence`): nearly all of its annotations
sit on characters the Traditional-to-Simplified conversion changes, nearly all are in half-width brackets,
nearly all are one syllable (a glossary's ``電腦(diànnǎo)`` reads a word, as a person writes it), and
nearly every character annotated is given one reading (a lesson gives 還 hái and huán).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from operator import itemgetter

from pipeline.model import Repair
from pipeline.normalize.evidence import Evidence
from pipeline.normalize.scan import changed_lines, convert_whole, lines_matching
from pipeline.normalize.script import to_simplified
from pipeline.normalize.stage import Done, Given

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜǹńňḿ"
_COMBINING_TONES = "\u0300\u0301\u0304\u030c"  # grave, acute, macron, caron written after the letter
_LETTER = rf"[a-zü{_TONED}{_COMBINING_TONES}\u0308]"
_WORDS = rf"{_LETTER}{{1,40}}(?:[ ·'’]{_LETTER}{{1,40}})*"
_OPENINGS = "(（"
# Every block of Han characters, compatibility ones (\uf902) and the supplementary planes (𠀀) too:
# t2s turns those into main-block characters, and an annotation after one must go in the first pass.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHAR = re.compile(f"[{_HAN}]")
_MAX_SYLLABLE = 6  # zhuang, shuang
_CONVERTER_SHARE = 0.9  # of a document's annotations: on characters t2s changes, half-width, one syllable
# An annotation cut off at a line's end (``園區(q`` where an excerpt stops): the bracket first, so the
# engine looks for it at C speed.
_CUT_OFF = {opening: re.compile(rf"{re.escape(opening)}(?={_LETTER}{{1,{_MAX_SYLLABLE}}}$)", re.MULTILINE)
            for opening in _OPENINGS}


def _annotation(opening: str) -> str:
    """Starts with the bracket so the engine can skip ahead to one; the lookbehind then asks for a CJK
    character before it, and the lookahead for a tone mark inside: the whole test runs in the engine.
    Annotations one after another (``數據(shù jù)（shù jù）``) are one match, so one pass removes them all."""
    inside = rf"(?=[^)）]{{0,256}}[{_TONED}{_COMBINING_TONES}]){_WORDS}[)）]"
    return rf"({opening}(?<=[{_HAN}].){inside}(?:[(（]{inside})*)"


# Splitting on it gives, in one scan, the text between annotations and each annotation: [text,
# annotation, text, ...]. The character annotated ends the text before: a match starts only after a
# Han character and ends in a bracket, so no two touch (a third piece per match for the character
# made the split a fifth slower).
_ANNOTATION = re.compile(_annotation("[(（]"))
# A text with no full-width bracket needs only this one: a literal first character lets the engine
# search for it at C speed, about twice as fast as a character class over a long text.
_HALF_WIDTH_ANNOTATION = re.compile(_annotation(re.escape("(")))
_ONE_ANNOTATION = re.compile(r"[(（][^)）]*[)）]")  # one of the annotations a match may chain
_SEPARATOR = re.compile("[ ·'’]")
_TONE_MARKS = re.compile("[\u0300-\u036f]")
_TONE = re.compile(f"[{_COMBINING_TONES}]")  # a tone mark, once a toned letter is decomposed


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Mandarin's syllables without tone marks (``zhuang``, ``lü``, ``ng``), from the readings jionlp's
    character dictionary gives each character (``[wàn]``); only readings with a tone mark count, so
    the English words its definitions also bracket are left out."""
    readings = set(re.findall(rf"\[({_LETTER}+)\]", _dictionary_text()))
    return frozenset(_bare(reading) for reading in readings if _TONE.search(unicodedata.normalize("NFD", reading)))


@lru_cache(maxsize=1)
def readings() -> dict[str, frozenset[str]]:
    """Each character's readings without tone marks (行: hang, heng, xing), Simplified and Traditional
    forms alike, as jionlp's character dictionary gives them."""
    known = syllables()
    found: dict[str, frozenset[str]] = {}
    for entry in _dictionary_text().splitlines():
        bare = {_bare(reading) for reading in re.findall(rf"\[({_LETTER}+)\]", entry)}
        found[entry.split("\t", 1)[0]] = frozenset(bare & known)
    return found


@lru_cache(maxsize=1)
def _dictionary_text() -> str:
    from pipeline.package_data import package_file, zipped_text

    return zipped_text(package_file("jionlp", "dictionary", "chinese_char_dictionary.zip"))


def _bare(word: str) -> str:
    """The letters without tone marks, ü kept."""
    return _TONE_MARKS.sub("", unicodedata.normalize("NFD", word).replace("u\u0308", "ü"))


def _last_syllables(word: str) -> set[str]:
    """The syllable each way of splitting ``word`` into Mandarin syllables ends with (``beijing``:
    jing); empty when no split exists (``cafe``)."""
    known = syllables()
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        reachable[end] = any(reachable[start] and word[start:end] in known
                             for start in range(max(0, end - _MAX_SYLLABLE), end))
    return {word[start:] for start in range(max(0, len(word) - _MAX_SYLLABLE), len(word))
            if reachable[start] and word[start:] in known}


@lru_cache(maxsize=4096)
def _is_pinyin(annotation: str, annotated: str) -> bool:
    """Whether the bracketed ``annotation`` spells syllables ending in a reading of the character
    before it (a character the dictionary lacks is taken on the syllables alone)."""
    words = [_bare(word) for word in _SEPARATOR.split(annotation[1:-1])]
    if not all(_last_syllables(word) for word in words):
        return False
    known = _readings_of(annotated)
    return not known or bool(_last_syllables(words[-1]) & known)


@lru_cache(maxsize=4096)
def _readings_of(char: str) -> frozenset[str]:
    """The readings of a character and of its Simplified form together (廣 guang; 广 guang, an): the
    same annotation is judged the same before and after the script stage, so a second pass finds
    nothing the first left."""
    return readings().get(char, frozenset()) | readings().get(to_simplified(char), frozenset())


def _kept(found: str, annotated: str) -> str:
    """What stays of a match: the bracketed runs that are not pinyin."""
    return "".join(one for one in _ONE_ANNOTATION.findall(found) if not _is_pinyin(one, annotated))


def _pairs(parts: list[str]) -> Iterator[tuple[str, str]]:
    """Each annotation of a split (see :data:`_ANNOTATION`) with the character it follows."""
    return zip(parts[1::2], map(itemgetter(-1), parts[0:-1:2]))


def _strip(pattern: re.Pattern, chunk: str, counts: list[int], parts: list[str] | None = None,
           pairs: set[tuple[str, str]] | None = None) -> str:
    """``chunk`` without its annotations, from one split (``parts``, when the caller has made it): the
    text between them, and them; how many were removed is added to ``counts``. A repost repeats a few
    hundred distinct annotations thousands of times, after a few thousand distinct characters; each
    distinct pair is checked once."""
    parts = parts if parts is not None else pattern.split(chunk)
    kept = {pair: _kept(*pair) for pair in (pairs if pairs is not None else set(_pairs(parts)))}
    removed = _closing_marks("".join(parts[1::2]))
    if any(kept.values()):
        pieces = list(parts)
        pieces[1::2] = [kept[pair] for pair in _pairs(parts)]
        counts.append(removed - _closing_marks("".join(pieces[1::2])))
        return "".join(pieces)
    counts.append(removed)
    return "".join(parts[0::2])


def _removed(line: str):
    """(column, annotation, the character annotated) for each annotation removed from ``line``."""
    for match in _ANNOTATION.finditer(line):
        annotated = line[match.start() - 1]
        for one in _ONE_ANNOTATION.finditer(match.group(0)):
            if _is_pinyin(one.group(0), annotated):
                yield match.start() + one.start() + 1, one.group(0), annotated


def removes(char: str) -> bool:
    """Whether the stage may remove ``char``: anything but a Han character (it removes bracketed runs of
    Latin letters)."""
    return _HAN_CHAR.match(char) is None


def _one_by_one(text: str, line: int) -> list[Repair]:
    """A record for each annotation removed from the line ``text``."""
    return [Repair("pinyin", line, column, annotation, "", 1.0, f"pinyin annotation of '{char}' removed")
            for column, annotation, char in _removed(text)]


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    """The mechanism on one line, whatever the document shows."""
    fixed, _, found = remove_annotations([text], text, line)
    return fixed[0], found


def stage(given: Given) -> Done:
    """The stage in the loop (:mod:`pipeline.normalize.stage`): the document's annotations removed when
    it shows a converter's (see :func:`evidence`), with an annotation an excerpt cut off at a line's end;
    the decision comes back too (none when the document holds no pinyin in brackets at all). Without
    ``--explain`` one record sums the annotations up, and a line's are found again, one by one, for
    the few lines a later repair is placed on."""
    lines, text, first_line = given.lines, given.text, given.first_line
    if "(" not in text and "（" not in text:
        return Done(lines)
    pattern = _pattern_for(text)
    parts = pattern.split(text)
    pairs = set(_pairs(parts))  # each distinct one is judged once
    found = evidence(lines, text, parts, pairs)
    if found is None or not found.shows:
        return Done(lines, evidence=[found] if found else [])
    out, out_text, repairs = remove_annotations(lines, text, first_line, given.explain, parts, pairs)
    cut = _cut_off(lines, out, out_text, first_line)
    if cut:
        out, out_text = _without_cut_off(out, cut, first_line)
    one_by_one = None
    if not given.explain and repairs:
        cut_at = {repair.line: repair for repair in cut}

        def one_by_one(line: int) -> list[Repair]:
            return _one_by_one(lines[line - first_line], line) + ([cut_at[line]] if line in cut_at else [])
    return Done(out, out_text, repairs + cut, [found], changes_of=one_by_one)


def evidence(lines: list[str], text: str, parts: list[str] | None = None,
             pairs: set[tuple[str, str]] | None = None) -> Evidence | None:
    """How the document's annotations look: of its distinct annotations (each with the character it
    follows), how many sit on a character t2s changes and how many are glued as the converter wrote
    them (a half-width bracket right after the character). ``parts`` is the split
    of ``text`` on the annotation pattern and ``pairs`` its distinct annotations and characters, when
    the caller has made them."""
    if parts is None:
        if "(" not in text and "（" not in text:
            return None
        parts = _pattern_for(text).split(text)
    if pairs is None:
        pairs = set(_pairs(parts))
    total = changed = glued = single = 0
    readings_given: dict[str, set[str]] = {}  # character -> the readings its annotations give
    for found, char in pairs:
        for one in _ONE_ANNOTATION.findall(found):
            if _is_pinyin(one, char):
                total += 1
                changed += to_simplified(char) != char
                glued += one[0] == "("
                single += _bare(one[1:-1]) in syllables()
                readings_given.setdefault(char, set()).add(one[1:-1])
    if not total:
        return None
    offset = 0
    for i in range(1, len(parts), 2):  # the first annotation that is pinyin, for where the record sits
        offset += len(parts[i - 1])
        if _kept(parts[i], parts[i - 1][-1]) != parts[i]:
            break
        offset += len(parts[i])
    index = text.count("\n", 0, offset)
    column = offset - text.rfind("\n", 0, offset) - 1
    first = next(one for one in _ONE_ANNOTATION.findall(parts[i]) if _is_pinyin(one, parts[i - 1][-1]))
    column += parts[i].index(first)
    several = sum(len(given) > 1 for given in readings_given.values())
    shows = (min(changed, glued, single) >= _CONVERTER_SHARE * total
             and several <= (1 - _CONVERTER_SHARE) * len(readings_given))
    return Evidence("pinyin", shows, f"{len(parts) // 2} bracketed run(s) after a character; of the {total} "
                    f"distinct pinyin annotations, {changed} sit on characters the Traditional-to-Simplified "
                    f"conversion changes, {glued} are in half-width brackets and {single} are one syllable; "
                    f"{several} of the {len(readings_given)} characters annotated are given more than one reading",
                    index, column, first)


def _pattern_for(text: str) -> re.Pattern:
    return _ANNOTATION if "（" in text else _HALF_WIDTH_ANNOTATION


def _cut_off(lines: list[str], out: list[str], text: str, first_line: int) -> list[Repair]:
    """Annotations cut off at a line's end (``園區(q``): the bracket and the letters after a character
    they begin a reading of, found in ``out`` (the lines without their whole annotations, ``text``
    joined: they hold few brackets to look at) and placed at their columns in ``lines``."""
    repairs = []
    for opening, pattern in _CUT_OFF.items():
        if opening in text:
            for index in lines_matching(out, pattern, text):
                line = out[index]
                start = line.rindex(opening)
                head, char = _bare(line[start + 1:]), line[start - 1:start]
                if char and any(reading.startswith(head) for reading in _readings_of(char)):
                    column = len(lines[index]) - (len(line) - start) + 1
                    repairs.append(Repair("pinyin", first_line + index, column, line[start:], "", 1.0,
                                          f"pinyin annotation of '{char}' cut off at the line's end removed"))
    return repairs


def _without_cut_off(lines: list[str], cut: list[Repair], first_line: int) -> tuple[list[str], str]:
    """The lines with each cut-off annotation taken from their ends (removing the whole annotations
    left them there)."""
    out = list(lines)
    for repair in cut:
        out[repair.line - first_line] = out[repair.line - first_line][:-len(repair.before)]
    return out, "\n".join(out)


def remove_annotations(lines: list[str], text: str, first_line: int = 1, explain: bool = True,
                       parts: list[str] | None = None,
                       pairs: set[tuple[str, str]] | None = None) -> tuple[list[str], str, list[Repair]]:
    """Every annotation of every line, removed in one pass over ``text`` ("\\n".join(lines)): the lines,
    their joined text and the repairs. With ``explain`` each annotation is a repair; without, one
    repair sums them up (how many, on which lines, the first of them), which is what the data_quality
    table keeps: a Traditional repost carries an annotation every few characters, all removed the same
    way, and `normalize --explain` lists each."""
    if "(" not in text and "（" not in text:
        return list(lines), text, []
    pattern = _pattern_for(text)
    counts: list[int] = []
    whole = (parts, pairs) if parts is not None else (None, None)  # the split of the whole text, if made
    out, out_text = convert_whole(lines, text, lambda chunk: _strip(pattern, chunk, counts,
                                                                     *(whole if chunk is text else (None, None))))
    changed = changed_lines(lines, out)
    if not changed:
        return out, out_text, []
    if explain:
        return out, out_text, [repair for index in changed for repair in _one_by_one(lines[index], first_line + index)]
    column, annotation, _ = next(_removed(lines[changed[0]]))
    count = counts[-1] if len(counts) == 1 else sum(counts[1:])  # the whole text, or line by line after it
    return out, out_text, [Repair(
        "pinyin", first_line + changed[0], column, annotation, "", 1.0,
        f"{count} pinyin annotation(s) removed on {len(changed)} lines (lines {first_line + changed[0]} to "
        f"{first_line + changed[-1]}); `normalize --explain` lists each", count)]


def _closing_marks(text: str) -> int:
    return text.count(")") + text.count("）")
