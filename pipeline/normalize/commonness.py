"""How ordinary a text's characters are: the measure the encoding detection scores decodes by, and the
mojibake repairs judge a run by (a right decode reads as everyday characters, a wrong one does not).

Kept in the normalize package beside the script conversion it needs, so that neither ingest nor a repair
imports the other to use it."""

from __future__ import annotations

import re

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
    chars = [c for c in text if ord(c) > 0x7F and not c.isspace()]
    if not chars:
        return 1.0
    common = len(_LATIN_IN_WORD.findall(text))
    for ch in to_simplified("".join(chars)) if simplified is None else simplified:
        if ch < "\x80" or ch.isspace():
            continue
        if ch in _COMMON_PUNCTUATION:
            common += 1
            continue
        try:
            encoded = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if 0xB0 <= encoded[0] <= 0xD7:
            common += 1
    return common / len(chars)


_COMMON_PUNCTUATION = set("，。、；：？！“”‘’《》（）【】—…·「」『』％～«»")
_ACCENTED = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"  # Latin letters with diacritics (not × ÷)
# inside a word, or a word of its own between two (« à Pékin »)
_LATIN_IN_WORD = re.compile(f"(?<=[A-Za-z{_ACCENTED}])[{_ACCENTED}]|[{_ACCENTED}](?=[A-Za-z])"
                            f"|(?<=[A-Za-z] )[{_ACCENTED}](?= [A-Za-z])|^[{_ACCENTED}](?= [A-Za-z])", re.MULTILINE)
