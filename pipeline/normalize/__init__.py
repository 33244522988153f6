"""Text repairs, one module each, applied line by line in a fixed order.

Each repair is ``repair(text, line) -> (text, [Repair])``: it returns the new text and a record of
every change, so ``normalize --explain`` and the ``data_quality`` table cost nothing extra. Line
count never changes: output line N is input line N.
"""

from __future__ import annotations

import re

from pipeline.model import Repair
from pipeline.normalize import pinyin, script

# Pinyin first: the annotation is found next to the character it annotates, before conversion.
REPAIRS = [pinyin.repair, script.repair]


def normalize_line(text: str, line: int) -> tuple[str, list[Repair]]:
    repairs: list[Repair] = []
    for repair in REPAIRS:
        text, found = repair(text, line)
        repairs.extend(found)
    return text, repairs


def normalize_lines(lines: list[str]) -> tuple[list[str], list[Repair]]:
    out: list[str] = []
    repairs: list[Repair] = []
    for number, line in enumerate(lines, start=1):
        text, found = normalize_line(line, number)
        out.append(text)
        repairs.extend(found)
    return out, repairs


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
