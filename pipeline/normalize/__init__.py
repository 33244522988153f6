"""Text repairs, one module each, applied in a fixed order; output line N is input line N.

Each repair module has ``repair(text, line) -> (text, [Repair])`` and records every change, so
``normalize --explain`` and the ``data_quality`` table cost nothing extra. ``normalize_lines`` runs
them over a document the fast way: a line goes through a repair only when the repair's trigger
character is in it, and the script conversion runs over the whole document in one OpenCC call.
"""

from __future__ import annotations

import re

from pipeline.model import Repair
from pipeline.normalize import gbk_shift, html_remnants, pinyin, script
from pipeline.normalize.scan import lines_containing, lines_matching

# Byte damage first: it happened to the page as published, pinyin and markup included. Then markup;
# then pinyin (found next to the character it annotates) and the script conversion, over the whole text.


def normalize_line(text: str, line: int) -> tuple[str, list[Repair]]:
    lines, repairs = normalize_lines([text], first_line=line, explain=True)
    return lines[0], repairs


def normalize_lines(lines: list[str], first_line: int = 1, explain: bool = False) -> tuple[list[str], list[Repair]]:
    """Normalised Simplified lines and the repairs made. Without ``explain`` the script conversion is
    recorded as one repair per changed line; with it, one per changed run of characters."""
    out = list(lines)
    repairs: list[Repair] = []
    text = "\n".join(out)
    markup = set(lines_containing(out, html_remnants.TRIGGERS, text))
    for index in lines_matching(out, gbk_shift.DAMAGE_SITE, text):
        out[index], found = gbk_shift.repair(out[index], first_line + index)
        repairs.extend(found)
        markup.add(index)  # a repair may restore a swallowed '<'
    for index in sorted(markup):
        out[index], found = html_remnants.repair(out[index], first_line + index)
        repairs.extend(found)
    if markup:
        text = "\n".join(out)
    out, text, found = pinyin.remove_annotations(out, text, first_line, explain)
    repairs.extend(found)
    repairs.sort(key=lambda r: (r.line, r.column))
    converted, found = script.convert_lines(out, text, first_line, explain)
    repairs.extend(found)
    return converted, repairs


def detect_script(lines: list[str]) -> str:
    """'traditional', 'simplified', 'mixed' or 'none', from the share of characters t2s changes."""
    chars = "".join(re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff]", "".join(lines)))
    if not chars:
        return "none"
    changed = sum(a != b for a, b in zip(chars, script.to_simplified(chars)))
    share = changed / len(chars)
    if share >= 0.08:
        return "traditional"
    if share <= 0.01:
        return "simplified"
    return "mixed"
