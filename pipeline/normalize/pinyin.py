"""Pinyin annotations glued to characters by a repost site: ``發(fā)展`` -> ``發展``.

Only a parenthesised run of lowercase pinyin syllables carrying at least one tone mark, right after
a CJK character, is an annotation. Real parentheses (``(60-70分,62個)``, ``(SMILE)``, ``(北京)``,
``(e)``) never match because they hold digits, capitals, CJK or no tone mark.
"""

from __future__ import annotations

import re

from pipeline.model import Repair

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜǹńňḿ"
_SYLLABLES = rf"[a-zü{_TONED}]{{1,6}}(?:[ ·'][a-zü{_TONED}]{{1,6}})*"
# Starts with the bracket so the engine can skip ahead to one; the lookbehind then asks for a CJK
# character before it, and the lookahead for a tone mark inside: the whole test runs in the engine.
_ANNOTATION = re.compile(
    rf"[(（](?<=[\u3400-\u4dbf\u4e00-\u9fff].)(?=[^)）]{{0,256}}[{_TONED}])({_SYLLABLES})[)）]"
)


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    fixed, found = remove_annotations([text], line)
    return fixed[0], found


def remove_annotations(lines: list[str], first_line: int = 1, explain: bool = True) -> tuple[list[str], list[Repair]]:
    """Every annotation of every line. With ``explain`` each annotation is a repair; without, one
    repair per line lists the line's annotations and their columns, which is what the data_quality
    table keeps (a Traditional repost carries an annotation every few characters)."""
    out = list(lines)
    repairs: list[Repair] = []
    for index, line in enumerate(lines):
        if "(" not in line and "（" not in line:
            continue
        spans = [m.span() for m in _ANNOTATION.finditer(line)]
        if not spans:
            continue
        kept = zip([0, *(end for _, end in spans)], [*(start for start, _ in spans), len(line)])
        out[index] = "".join(line[a:b] for a, b in kept)  # what lies between the annotations found
        number = first_line + index
        if explain:
            repairs.extend(Repair("pinyin", number, start + 1, line[start:end], "", 1.0,
                                  f"pinyin annotation of '{line[start - 1]}' removed") for start, end in spans)
        else:
            columns = ", ".join(str(start + 1) for start, _ in spans)
            repairs.append(Repair("pinyin", number, spans[0][0] + 1, "".join(line[s:e] for s, e in spans), "", 1.0,
                                  f"{len(spans)} pinyin annotation(s) removed at columns {columns}; "
                                  "`normalize --explain` lists each"))
    return out, repairs
