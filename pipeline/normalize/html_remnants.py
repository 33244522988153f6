"""HTML left in text that came through a mirror: tags and tag remnants whose ``<`` was lost
(``/p>``, ``br style="…"/>``), and character entities (``&nbsp;``, ``&amp;``).

A tag becomes a space when it separated text (``<br>``) and nothing at a line's end; an entity
becomes its character. Only tag names of HTML's text-level and block elements are touched, so
prose such as ``a/b>c`` or ``x < y`` stays as it is.
"""

from __future__ import annotations

import html
import re

from pipeline.model import Repair

_TAGS = r"(?:p|br|div|span|strong|b|i|em|font|a|li|ul|ol|td|tr|th|table|tbody|h[1-6]|img|section|article)"
# A whole tag, or a remnant that lost its '<': '/p>', 'br style="…"/>' (the name must then follow
# a non-letter so that words ending in 'br' are left alone).
_TAG = re.compile(
    rf"</?{_TAGS}\b[^<>]*>|(?:(?<=[^A-Za-z])|^)/{_TAGS}>|(?:(?<=[^A-Za-z])|^)(?:{_TAGS})\s+[a-z-]+=\"[^\"<>]*\"\s*/?>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    if "<" not in text and ">" not in text and "&" not in text:
        return text, []
    repairs: list[Repair] = []

    def tag(match: re.Match) -> str:
        after = text[match.end():match.end() + 1]
        before = text[match.start() - 1:match.start()] if match.start() else ""
        spaced = not after.strip() or not before.strip()
        replacement = "" if spaced or not text[match.end():].strip() else " "
        repairs.append(Repair("html_remnant", line, match.start() + 1, match.group(0), replacement, 1.0,
                              "HTML tag or tag remnant left by a mirror"))
        return replacement

    def entity(match: re.Match) -> str:
        value = html.unescape(match.group(0))
        if value == match.group(0):
            return value
        value = " " if value == "\xa0" else value
        repairs.append(Repair("html_entity", line, match.start() + 1, match.group(0), value, 1.0,
                              "HTML character entity"))
        return value

    text = _TAG.sub(tag, text)
    text = _ENTITY.sub(entity, text)
    return text, repairs
