"""Pinyin annotations glued to characters by a repost site: ``發(fā)展`` -> ``發展``.

Only a parenthesised run of lowercase pinyin syllables carrying at least one tone mark, right after
a CJK character, is an annotation. Real parentheses (``(60-70分,62個)``, ``(SMILE)``, ``(北京)``,
``(e)``) never match because they hold digits, capitals, CJK or no tone mark.
"""

from __future__ import annotations

import re

from pipeline.model import Repair

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜǹńňḿ"
_ANNOTATION = re.compile(
    rf"(?<=[\u3400-\u4dbf\u4e00-\u9fff])[(（]([a-zü{_TONED}]{{1,6}}(?:[ ·'][a-zü{_TONED}]{{1,6}})*)[)）]"
)
_HAS_TONE = re.compile(f"[{_TONED}]")


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    repairs: list[Repair] = []
    pieces: list[str] = []
    last = 0
    for match in _ANNOTATION.finditer(text):
        if not _HAS_TONE.search(match.group(1)):
            continue
        pieces.append(text[last:match.start()])
        repairs.append(Repair("pinyin", line, match.start() + 1, match.group(0), "", 1.0,
                              f"pinyin annotation of {text[match.start() - 1]!r} removed"))
        last = match.end()
    if not repairs:
        return text, []
    pieces.append(text[last:])
    return "".join(pieces), repairs
