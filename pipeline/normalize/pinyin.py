"""Pinyin annotations glued to characters by a repost site: ``發(fā)展`` -> ``發展``.

Only a parenthesised run of lowercase pinyin syllables carrying at least one tone mark, right after
a CJK character, is an annotation. Real parentheses (``(60-70分,62個)``, ``(SMILE)``, ``(北京)``,
``(e)``) never match because they hold digits, capitals, CJK or no tone mark.
"""

from __future__ import annotations

import re

from pipeline.model import Repair
from pipeline.normalize.scan import changed_lines, convert_whole

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜǹńňḿ"
_SYLLABLES = rf"[a-zü{_TONED}]{{1,6}}(?:[ ·'][a-zü{_TONED}]{{1,6}})*"
_OPENINGS = "(（"


def _annotation(opening: str) -> str:
    """Starts with the bracket so the engine can skip ahead to one; the lookbehind then asks for a CJK
    character before it, and the lookahead for a tone mark inside: the whole test runs in the engine.
    Annotations one after another (``數據(shù jù)（shù jù）``) are one match, so one pass removes them all."""
    inside = rf"(?=[^)）]{{0,256}}[{_TONED}]){_SYLLABLES}[)）]"
    return rf"{re.escape(opening)}(?<=[\u3400-\u4dbf\u4e00-\u9fff].){inside}(?:[(（]{inside})*"


_ANNOTATION = re.compile("|".join(_annotation(opening) for opening in _OPENINGS))
# A text with no full-width bracket needs only this one: a literal first character lets the engine
# search for it at C speed, about twice as fast as a character class over a long text.
_HALF_WIDTH_ANNOTATION = re.compile(_annotation("("))
_ONE_ANNOTATION = re.compile(r"[(（][^)）]*[)）]")  # one of the annotations a match may chain


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
    out, out_text = convert_whole(lines, text, lambda chunk: pattern.sub("", chunk))
    changed = changed_lines(lines, out)
    if not changed:
        return out, out_text, []
    if explain:
        return out, out_text, [Repair("pinyin", first_line + index, m.start() + one.start() + 1, one.group(0), "", 1.0,
                                      f"pinyin annotation of '{lines[index][m.start() - 1]}' removed")
                               for index in changed for m in _ANNOTATION.finditer(lines[index])
                               for one in _ONE_ANNOTATION.finditer(m.group(0))]
    first = _ANNOTATION.search(lines[changed[0]])
    count = _closing_marks(text) - _closing_marks(out_text)
    return out, out_text, [Repair(
        "pinyin", first_line + changed[0], first.start() + 1, first.group(0), "", 1.0,
        f"{count} pinyin annotation(s) removed on {len(changed)} lines (lines {first_line + changed[0]} to "
        f"{first_line + changed[-1]}); `normalize --explain` lists each", count)]


def _closing_marks(text: str) -> int:
    return text.count(")") + text.count("）")
