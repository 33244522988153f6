"""Pinyin annotations glued to characters by a repost site: ``發(fā)展`` -> ``發展``.

Only a parenthesised run of lowercase pinyin syllables carrying at least one tone mark, right after
a CJK character, is an annotation. Real parentheses (``(60-70分,62個)``, ``(SMILE)``, ``(北京)``,
``(e)``) never match because they hold digits, capitals, CJK or no tone mark.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from pipeline.model import Repair

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜǹńňḿ"
_ANNOTATION = re.compile(
    rf"(?<=[\u3400-\u4dbf\u4e00-\u9fff])[(（]([a-zü{_TONED}]{{1,6}}(?:[ ·'][a-zü{_TONED}]{{1,6}})*)[)）]"
)
_HAS_TONE = re.compile(f"[{_TONED}]")


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    fixed, found = remove_annotations([text], line)
    return fixed[0], found


def remove_annotations(lines: list[str], first_line: int = 1) -> tuple[list[str], list[Repair]]:
    """Every annotation of every line, found in one pass over the whole text."""
    text = "\n".join(lines)
    if not _ANNOTATION.search(text):
        return lines, []
    starts = [0, *accumulate(len(line) + 1 for line in lines[:-1])]
    repairs: list[Repair] = []

    def drop(match: re.Match) -> str:
        if not _HAS_TONE.search(match.group(1)):
            return match.group(0)
        index = bisect_right(starts, match.start()) - 1
        repairs.append(Repair("pinyin", first_line + index, match.start() - starts[index] + 1, match.group(0), "",
                              1.0, f"pinyin annotation of {text[match.start() - 1]!r} removed"))
        return ""

    fixed = _ANNOTATION.sub(drop, text).split("\n")
    return fixed, repairs
