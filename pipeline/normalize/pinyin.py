"""Pinyin annotations glued to characters by a repost site: ``發(fā)展`` -> ``發展``.

Only a parenthesised run of lowercase pinyin carrying at least one tone mark, right after a CJK
character, is an annotation, and every syllable in it must be one of Mandarin's (the inventory is read
from jionlp's character dictionary). Real parentheses (``(60-70分,62個)``, ``(SMILE)``, ``(北京)``,
``(e)``, ``咖啡館(café)``) never match because they hold digits, capitals, CJK, no tone mark, or
letters that no run of syllables spells. Syllables may be written apart (``shù jù``) or together
(``běijīng``), and a tone mark may be one precomposed letter or a letter and a combining mark.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.model import Repair
from pipeline.normalize.scan import changed_lines, convert_whole

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜǹńňḿ"
_COMBINING_TONES = "\u0300\u0301\u0304\u030c"  # grave, acute, macron, caron written after the letter
_LETTER = rf"[a-zü{_TONED}{_COMBINING_TONES}\u0308]"
_WORDS = rf"{_LETTER}{{1,40}}(?:[ ·'’]{_LETTER}{{1,40}})*"
_OPENINGS = "(（"
# Every block of Han characters, compatibility ones (\uf902) and the supplementary planes (𠀀) too:
# t2s turns those into main-block characters, and an annotation after one must go in the first pass.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_MAX_SYLLABLE = 6  # zhuang, shuang


def _annotation(opening: str) -> str:
    """Starts with the bracket so the engine can skip ahead to one; the lookbehind then asks for a CJK
    character before it, and the lookahead for a tone mark inside: the whole test runs in the engine.
    Annotations one after another (``數據(shù jù)（shù jù）``) are one match, so one pass removes them all."""
    inside = rf"(?=[^)）]{{0,256}}[{_TONED}{_COMBINING_TONES}]){_WORDS}[)）]"
    return rf"{re.escape(opening)}(?<=[{_HAN}].){inside}(?:[(（]{inside})*"


# One group around the whole: splitting on it gives the text between annotations and the annotations
# in one scan.
_ANNOTATION = re.compile("(" + "|".join(_annotation(opening) for opening in _OPENINGS) + ")")
# A text with no full-width bracket needs only this one: a literal first character lets the engine
# search for it at C speed, about twice as fast as a character class over a long text.
_HALF_WIDTH_ANNOTATION = re.compile("(" + _annotation("(") + ")")
_ONE_ANNOTATION = re.compile(r"[(（][^)）]*[)）]")  # one of the annotations a match may chain
_SEPARATOR = re.compile("[ ·'’]")
_TONE_MARKS = re.compile("[\u0300-\u036f]")
_TONE = re.compile(f"[{_COMBINING_TONES}]")  # a tone mark, once a toned letter is decomposed


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Mandarin's syllables without tone marks (``zhuang``, ``lü``, ``ng``), from the readings jionlp's
    character dictionary gives each character (``[wàn]``); only readings with a tone mark count, so
    the English words its definitions also bracket are left out."""
    from pipeline.package_data import package_file, zipped_text

    text = zipped_text(package_file("jionlp", "dictionary", "chinese_char_dictionary.zip"))
    readings = set(re.findall(rf"\[({_LETTER}+)\]", text))
    return frozenset(_bare(reading) for reading in readings if _TONE.search(unicodedata.normalize("NFD", reading)))


def _bare(word: str) -> str:
    """The letters without tone marks, ü kept."""
    return _TONE_MARKS.sub("", unicodedata.normalize("NFD", word).replace("u\u0308", "ü"))


def _spells_syllables(word: str) -> bool:
    """Whether ``word`` splits into Mandarin syllables (``beijing`` = bei + jing; ``cafe`` does not)."""
    known = syllables()
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        reachable[end] = any(reachable[start] and word[start:end] in known
                             for start in range(max(0, end - _MAX_SYLLABLE), end))
    return reachable[-1]


@lru_cache(maxsize=4096)
def _is_pinyin(annotation: str) -> bool:
    return all(_spells_syllables(_bare(word)) for word in _SEPARATOR.split(annotation[1:-1]))


def _kept(found: str) -> str:
    """What stays of a match: the bracketed runs that are not pinyin."""
    return "".join(one for one in _ONE_ANNOTATION.findall(found) if not _is_pinyin(one))


def _strip(pattern: re.Pattern, chunk: str) -> str:
    """``chunk`` without its annotations, from one split: the text between them, and them. A repost
    repeats a few hundred distinct annotations thousands of times; each distinct one is checked once."""
    parts = pattern.split(chunk)
    found = parts[1::2]
    kept = {annotation: _kept(annotation) for annotation in set(found)}
    if any(kept.values()):
        parts[1::2] = [kept[annotation] for annotation in found]
        return "".join(parts)
    return "".join(parts[0::2])


def _removed(line: str):
    """(column, annotation, the character annotated) for each annotation removed from ``line``."""
    for match in _ANNOTATION.finditer(line):
        for one in _ONE_ANNOTATION.finditer(match.group(0)):
            if _is_pinyin(one.group(0)):
                yield match.start() + one.start() + 1, one.group(0), line[match.start() - 1]


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    fixed, _, found = remove_annotations([text], text, line)
    return fixed[0], found


def remove_annotations(lines: list[str], text: str, first_line: int = 1,
                       explain: bool = True) -> tuple[list[str], str, list[Repair]]:
    """Every annotation of every line, removed in one pass over ``text`` ("\\n".join(lines)): the lines,
    their joined text and the repairs. With ``explain`` each annotation is a repair; without, one
    repair sums them up (how many, on which lines, the first of them), which is what the data_quality
    table keeps: a Traditional repost carries an annotation every few characters, all removed the same
    way, and `normalize --explain` lists each."""
    if "(" not in text and "（" not in text:
        return list(lines), text, []
    pattern = _ANNOTATION if "（" in text else _HALF_WIDTH_ANNOTATION
    out, out_text = convert_whole(lines, text, lambda chunk: _strip(pattern, chunk))
    changed = changed_lines(lines, out)
    if not changed:
        return out, out_text, []
    if explain:
        return out, out_text, [Repair("pinyin", first_line + index, column, annotation, "", 1.0,
                                      f"pinyin annotation of '{char}' removed")
                               for index in changed for column, annotation, char in _removed(lines[index])]
    column, annotation, _ = next(_removed(lines[changed[0]]))
    count = _closing_marks(text) - _closing_marks(out_text)
    return out, out_text, [Repair(
        "pinyin", first_line + changed[0], column, annotation, "", 1.0,
        f"{count} pinyin annotation(s) removed on {len(changed)} lines (lines {first_line + changed[0]} to "
        f"{first_line + changed[-1]}); `normalize --explain` lists each", count)]


def _closing_marks(text: str) -> int:
    return text.count(")") + text.count("）")
