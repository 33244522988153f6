"""How ordinary a text's characters are: the measure the encoding detection scores decodes by, and the
mojibake repairs judge a run by (a right decode reads as everyday characters, a wrong one does not).

Kept in the normalize package beside the script conversion it needs, so that neither ingest nor a repair
imports the other to use it."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

from pipeline.normalize.script import to_simplified


def commonness(text: str, simplified: str | None = None) -> float:
    """Share of the non-ASCII characters that are everyday text: GB2312 level-1 characters once
    simplified, common CJK punctuation, or accented Latin letters inside words (a GB18030 file of
    French text: ``é`` beside ``t``).

    A right decode of Chinese text scores above 0.9; a wrong decoder spreads the bytes over the whole
    code table (rare characters, kana, symbols, private-use) and scores far lower. Text without
    non-ASCII characters scores 1.0. ``simplified`` is the text's Simplified form, when the caller has
    converted many texts in one call.
    """
    chars = _ASCII_OR_SPACE.sub("", text)
    if not chars:
        return 1.0
    everyday = _everyday()
    common = len(_LATIN_IN_WORD.findall(text))
    common += sum(map(everyday.__contains__, to_simplified(chars) if simplified is None else simplified))
    return common / len(chars)


@lru_cache(maxsize=1)
def _everyday() -> frozenset[str]:
    """GB2312's level-1 characters (lead bytes B0 to D7) and the common punctuation: one set lookup per
    character instead of an encoding (the mojibake stage judges every run of a document by it)."""
    found = set(COMMON_PUNCTUATION)
    for lead, trail in product(range(0xB0, 0xD8), range(0xA1, 0xFF)):
        try:
            found.add(bytes((lead, trail)).decode("gb2312"))
        except UnicodeDecodeError:
            continue
    return frozenset(found)


_ASCII_OR_SPACE = re.compile(r"[\x00-\x7f\s]+")  # \s is str.isspace()
COMMON_PUNCTUATION = set("，。、；：？！“”‘’《》（）【】—…·「」『』％～«»")
_ACCENTED = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"  # Latin letters with diacritics (not × ÷)
# inside a word, or a word of its own between two (« à Pékin »)
_LATIN_IN_WORD = re.compile(f"(?<=[A-Za-z{_ACCENTED}])[{_ACCENTED}]|[{_ACCENTED}](?=[A-Za-z])"
                            f"|(?<=[A-Za-z] )[{_ACCENTED}](?= [A-Za-z])|^[{_ACCENTED}](?= [A-Za-z])", re.MULTILINE)
