"""Traditional to Simplified: OpenCC's t2s, then the variant characters OpenCC leaves alone.

The variant table is data (``pipeline/data/variants.tsv``) so a new variant found in a repost is
one line there, not a code change.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.model import Repair
from pipeline.normalize.scan import lines_matching


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def variant_table() -> dict[str, tuple[str, str]]:
    """variant character -> (standard form, why)."""
    from pipeline.package_data import data_rows

    return {variant: (standard, why) for variant, standard, why in data_rows("variants.tsv")}


@lru_cache(maxsize=1)
def _variant_pattern():
    return re.compile("[" + "".join(variant_table()) + "]")


def to_simplified(text: str) -> str:
    """Simplified text, variants included; the same length as the input for single-character mappings."""
    converted = _converter().convert(text)
    variants = variant_table()
    if any(ch in variants for ch in converted):
        converted = "".join(variants[ch][0] if ch in variants else ch for ch in converted)
    return converted


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    """Convert one line; one Repair per changed run of characters (variants get their own reason)."""
    converted, repairs = convert_lines([text], line, explain=True)
    return converted[0], repairs


def convert_lines(lines: list[str], first_line: int, explain: bool) -> tuple[list[str], list[Repair]]:
    """All lines in one OpenCC call (newlines survive it); then the variant table where a variant
    occurs. With ``explain`` each changed run of characters is a repair; without, one repair sums up
    the conversion (changed lines and characters), which is what the data_quality table keeps."""
    joined = "\n".join(lines)
    converted_text = _converter().convert(joined)
    converted = converted_text.split("\n")
    if len(converted) != len(lines):
        converted = [_converter().convert(line) for line in lines]
        converted_text = "\n".join(converted)
    changed = [i for i, (before, after) in enumerate(zip(lines, converted)) if before != after]
    repairs: list[Repair] = []
    if explain:
        for i in changed:
            repairs.extend(_runs(lines[i], converted[i], first_line + i))
    elif changed:
        repairs.append(Repair("script", first_line + changed[0], 1, f"Traditional text on {len(changed)} lines "
                              f"(lines {first_line + changed[0]} to {first_line + changed[-1]})", "Simplified", 1.0,
                              "Traditional to Simplified (OpenCC t2s); `normalize --explain` lists each change"))
    variants = variant_table()
    pattern = _variant_pattern()
    for index in lines_matching(converted, pattern, converted_text):
        after = converted[index]
        fixed = []
        for column, ch in enumerate(after, start=1):
            if ch in variants:
                standard, why = variants[ch]
                repairs.append(Repair("variant", first_line + index, column, ch, standard, 1.0, why))
                ch = standard
            fixed.append(ch)
        converted[index] = "".join(fixed)
    return converted, repairs


def _runs(before: str, after: str, line: int) -> list[Repair]:
    if len(before) != len(after):
        return [Repair("script", line, 1, before, after, 1.0, "OpenCC t2s (phrase conversion)")]
    repairs = []
    start = None
    for i, (a, b) in enumerate(zip(before + "\0", after + "\0")):
        if a != b and start is None:
            start = i
        elif a == b and start is not None:
            repairs.append(Repair("script", line, start + 1, before[start:i], after[start:i], 1.0,
                                  "Traditional to Simplified (OpenCC t2s)"))
            start = None
    return repairs
