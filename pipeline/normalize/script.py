"""Traditional to Simplified: OpenCC's t2s, then the variant characters OpenCC leaves alone.

The variant table is data (``pipeline/data/variants.tsv``) so a new variant found in a repost is
one line there, not a code change.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from pipeline.model import Repair


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def variant_table() -> dict[str, tuple[str, str]]:
    """variant character -> (standard form, why)."""
    table = {}
    text = resources.files("pipeline").joinpath("data/variants.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        variant, standard, why = line.split("\t")
        table[variant] = (standard, why)
    return table


def to_simplified(text: str) -> str:
    """Simplified text, variants included; the same length as the input for single-character mappings."""
    converted = _converter().convert(text)
    variants = variant_table()
    if any(ch in variants for ch in converted):
        converted = "".join(variants[ch][0] if ch in variants else ch for ch in converted)
    return converted


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    """Convert one line; one Repair per changed run of characters (variants get their own reason)."""
    converted = _converter().convert(text)
    variants = variant_table()
    repairs: list[Repair] = []
    if len(converted) != len(text):
        if converted != text:
            repairs.append(Repair("script", line, 1, text, converted, 1.0, "OpenCC t2s (phrase conversion)"))
        text = converted
    else:
        start = None
        for i, (a, b) in enumerate(zip(text + "\0", converted + "\0")):
            if a != b and start is None:
                start = i
            elif a == b and start is not None:
                repairs.append(Repair("script", line, start + 1, text[start:i], converted[start:i], 1.0,
                                      "Traditional to Simplified (OpenCC t2s)"))
                start = None
        text = converted
    out = []
    for i, ch in enumerate(text):
        if ch in variants:
            standard, why = variants[ch]
            repairs.append(Repair("variant", line, i + 1, ch, standard, 1.0, why))
            out.append(standard)
        else:
            out.append(ch)
    return "".join(out), repairs
