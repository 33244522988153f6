"""Traditional to Simplified: OpenCC's t2s, then the variant characters OpenCC leaves alone.

The variant table is data (``pipeline/data/variants.tsv``) so a new variant found in a repost is
one line there, not a code change.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.model import Repair
from pipeline.normalize.scan import changed_lines, convert_whole, lines_containing


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
    return _standard_forms(_t2s(text))


def _t2s(text: str) -> str:
    """OpenCC's t2s, finished: a few characters it maps to one it would change again (薴 → 苧 → 苎) go
    straight to the last, so converting converted text changes nothing."""
    return _replace_chars(_converter().convert(text), _second_conversions())


@lru_cache(maxsize=1)
def _second_conversions() -> dict[str, str]:
    """Every CJK character's t2s result that t2s changes again, with where it ends up (found by
    asking OpenCC, so a new dictionary version is followed)."""
    chars = [chr(code) for code in range(0x3400, 0xA000)]
    once = _converter().convert("\n".join(chars)).split("\n")
    twice = _converter().convert("\n".join(once)).split("\n")
    return {a: b for a, b in zip(once, twice) if a != b and len(a) == 1} if len(once) == len(twice) else {}


def _standard_forms(text: str) -> str:
    return _replace_chars(text, _standard_of())


@lru_cache(maxsize=1)
def _standard_of() -> dict[str, str]:
    return {variant: standard for variant, (standard, _) in variant_table().items()}


def _replace_chars(text: str, replacements: dict[str, str]) -> str:
    """Each of a few characters replaced where it occurs, in C (a translate table would look up
    every character of a long text)."""
    for char, replacement in replacements.items():
        if char in text:
            text = text.replace(char, replacement)
    return text


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    """Convert one line; one Repair per changed run of characters (variants get their own reason)."""
    converted, repairs = convert_lines([text], text, line, explain=True)
    return converted[0], repairs


def convert_lines(lines: list[str], text: str, first_line: int, explain: bool) -> tuple[list[str], list[Repair]]:
    """All lines in one OpenCC call over ``text`` ("\\n".join(lines)); then the variant table where a
    variant occurs. With ``explain`` each changed run of characters is a repair; without, one repair
    sums up the conversion (changed lines and characters), which is what the data_quality table keeps."""
    converted, converted_text = convert_whole(lines, text, _t2s)
    changed = changed_lines(lines, converted)
    repairs: list[Repair] = []
    if explain:
        for i in changed:
            repairs.extend(_runs(lines[i], converted[i], first_line + i))
    elif changed:
        repairs.append(Repair("script", first_line + changed[0], 1, f"Traditional text on {len(changed)} lines "
                              f"(lines {first_line + changed[0]} to {first_line + changed[-1]})", "Simplified", 1.0,
                              "Traditional to Simplified (OpenCC t2s); `normalize --explain` lists each change",
                              len(changed)))
    variants = variant_table()
    pattern = _variant_pattern()
    for index in lines_containing(converted, variants, converted_text):
        after = converted[index]
        for match in pattern.finditer(after):
            standard, why = variants[match.group(0)]
            repairs.append(Repair("variant", first_line + index, match.start() + 1, match.group(0), standard, 1.0, why))
        converted[index] = _standard_forms(after)
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
