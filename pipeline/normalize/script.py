"""Traditional to Simplified: OpenCC's t2s, then the variant characters OpenCC leaves alone.

The variant table is data (``pipeline/data/variants.tsv``) so a new variant found in a repost is
one line there, not a code change.
"""

from __future__ import annotations

import re
from functools import lru_cache
from os.path import commonprefix

from pipeline.model import Repair
from pipeline.normalize.scan import changed_lines, convert_whole, lines_containing
from pipeline.normalize.stage import Done, Given


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
    return _replace_chars(_converted(text), _second_conversions())


_PIECE = 1 << 20  # characters: OpenCC converts 20 MB about a tenth faster in pieces of this size


def _converted(text: str) -> str:
    """OpenCC's t2s of ``text``, a long text in pieces that end at a line break (no phrase spans one,
    so the result is the same; the working memory of a piece stays small)."""
    convert = _converter().convert
    pieces = []
    start = 0
    while start < len(text):
        end = text.find("\n", start + _PIECE)
        end = len(text) if end < 0 else end + 1
        pieces.append(convert(text[start:end]))
        start = end
    return "".join(pieces)


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
    converted, repairs, _ = convert_lines([text], text, line, explain=True)
    return converted[0], repairs


def stage(given: Given) -> Done:
    """The stage in the loop (:mod:`pipeline.normalize.stage`)."""
    converted, repairs, summary = convert_lines(given.lines, given.text, given.first_line, given.explain)
    return Done(converted, None, repairs, summaries=summary)


def convert_lines(lines: list[str], text: str, first_line: int,
                  explain: bool) -> tuple[list[str], list[Repair], list[Repair]]:
    """All lines in one OpenCC call over ``text`` ("\\n".join(lines)); then the variant table where a
    variant occurs. The converted lines, the records at columns of ``lines`` (with ``explain`` each
    changed run of characters; always each variant), and without ``explain`` one record that sums up
    the conversion (changed lines and characters), which is what the data_quality table keeps."""
    converted, converted_text = convert_whole(lines, text, _t2s)
    changed = changed_lines(lines, converted)
    with_variants = lines_containing(converted, variant_table(), converted_text)
    summary = []
    if not explain and changed:
        summary.append(Repair("script", first_line + changed[0], 1, f"Traditional text on {len(changed)} lines "
                              f"(lines {first_line + changed[0]} to {first_line + changed[-1]})", "Simplified", 1.0,
                              "Traditional to Simplified (OpenCC t2s); `normalize --explain` lists each change",
                              len(changed)))
    runs = set(changed) if explain else set()
    repairs: list[Repair] = []
    for i in sorted(runs.union(with_variants)):
        converted[i], found = _line_records(lines[i], converted[i], first_line + i, i in runs)
        repairs += found
    return converted, repairs, summary


def _line_records(before: str, after: str, line: int, runs: bool) -> tuple[str, list[Repair]]:
    """The line's t2s output with its variants replaced, and the records at columns of ``before``,
    in column order: each changed run (when ``runs``) and each variant. t2s neither makes nor changes a
    variant character, so a variant is never inside a run; where a phrase conversion changed the
    line's length, the run is from its first to its last changed character, and a variant inside it
    is part of it."""
    final = _standard_forms(after)
    variants = [(match.start(), match.group(0)) for match in _variant_pattern().finditer(after)]
    found = []
    if len(before) == len(after):
        found = _runs(before, after, line) if runs else []
    else:
        start = len(commonprefix([before, final]))
        end = min(len(commonprefix([before[::-1], final[::-1]])), len(before) - start, len(final) - start)
        if runs:
            found = [Repair("script", line, start + 1, before[start:len(before) - end], final[start:len(final) - end],
                            1.0, "OpenCC t2s (phrase conversion)")]
        shift = len(before) - len(after)
        variants = [(column if column < start else column + shift, char) for column, char in variants
                    if column < start or column >= len(final) - end]
    table = variant_table()
    found += [Repair("variant", line, column + 1, char, table[char][0], 1.0, table[char][1])
              for column, char in variants]
    return final, sorted(found, key=lambda r: r.column)


def _runs(before: str, after: str, line: int) -> list[Repair]:
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
