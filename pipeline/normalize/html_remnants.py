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
from pipeline.normalize.columns import LineMap, as_read

_TAGS = r"(?:p|br|div|span|strong|b|i|em|font|a|li|ul|ol|td|tr|th|table|tbody|h[1-6]|img|section|article)"
# Attributes as HTML writes them (name, name=value, name="value"): ``a<b 且 c>d`` is prose, not a tag.
_ATTRIBUTES = r"""(?:\s+[A-Za-z][\w:-]*(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>]+))?)*\s*/?"""
# A whole tag, or a remnant that lost its '<': '/p>' (after a non-letter, so 'a/b>' is left alone).
_TAG = re.compile(rf"</?{_TAGS}\b{_ATTRIBUTES}>|(?:(?<=[^A-Za-z])|^)/{_TAGS}>", re.IGNORECASE)
# A remnant such as 'br style="…"/>': tried only on lines with an attribute, since a pattern that may
# start at any letter is slow on long lines.
_BARE_TAG = re.compile(rf"(?:(?<=[^A-Za-z])|^)(?:{_TAGS})\s+[a-z-]+=\"[^\"<>]*\"\s*/?>", re.IGNORECASE)
TRIGGERS = ">&"  # every tag ends in '>' and every entity starts with '&': a line without either is left alone
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
# What an entity may spell that becomes a space: the no-break space, and line breaks (one output line
# per input line).
_AS_SPACE = {"\xa0", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}
_MAX_ROUNDS = 8  # &amp;amp;nbsp; is a page escaped twice; <b<br>r> a tag inside a tag; a pass that finds
# nothing ends the loop, so the bound only stops text built to be unescaped forever


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    """Entities first, as often as the page was escaped (``&amp;nbsp;`` is ``&nbsp;`` is a space),
    then tags, so a tag an entity spelt (``&lt;br&gt;``) goes too and a second pass changes nothing.
    Each pass records columns in the text it was given; they are moved to the line as read."""
    if not any(char in text for char in TRIGGERS):
        return text, []
    passes: list[list[Repair]] = []

    def entity(match: re.Match) -> str:
        value = html.unescape(match.group(0))
        if value == match.group(0):
            return value
        value = " " if value in _AS_SPACE else value
        passes[-1].append(Repair("html_entity", line, match.start() + 1, match.group(0), value, 1.0,
                              "HTML character entity"))
        return value

    def tag(match: re.Match) -> str:
        after = text[match.end():match.end() + 1]
        before = text[match.start() - 1:match.start()] if match.start() else ""
        spaced = not after.strip() or not before.strip()
        replacement = "" if spaced or not text[match.end():].strip() else " "
        passes[-1].append(Repair("html_remnant", line, match.start() + 1, match.group(0), replacement, 1.0,
                              "HTML tag or tag remnant left by a mirror"))
        return replacement

    for pattern, needed in ((_ENTITY, "&"), (_TAG, ">"), (_BARE_TAG, '="')):
        for _ in range(_MAX_ROUNDS):
            if needed not in text:
                break
            passes.append([])
            replaced = pattern.sub(entity if pattern is _ENTITY else tag, text)
            if replaced == text:
                break
            text = replaced
    maps = [LineMap(found) for found in passes]
    return text, [moved for n, found in enumerate(passes) for repair in found for moved in as_read(repair, maps[:n])]
