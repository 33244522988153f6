"""Chinese numerals up to 999 as numbers, for ranks (第十二名, 一百) and counts (十二个)."""

from __future__ import annotations

NUMERAL_CHARS = "一二三四五六七八九十百零〇两"
_DIGITS = {c: n for n, chars in enumerate(["零〇", "一", "二两", "三", "四", "五", "六", "七", "八", "九"]) for c in chars}


def as_number(text: str) -> int:
    """``12`` or a Chinese numeral (``十二``, ``一百``, ``一百零五``) as a number."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:  # 十 or 百: the digit before it (one when there is none, as in 十二) times ten or a hundred
            total += (digit or 1) * (10 if char == "十" else 100)
            digit = 0
    return total + digit
