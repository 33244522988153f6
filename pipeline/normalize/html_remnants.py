"""HTML left in text that came through a mirror: tags and tag remnants whose ``<`` was lost
(``/p>``, ``br style="…"/>``), and character entities (``&nbsp;``, ``&amp;``).

A run of tags becomes a space when it holds a block element's tag that separated text (``<br>``,
``</td><td>``), and nothing when its tags are all text-level ones (``<strong>重点</strong>城市`` is
重点城市), at a line's end, or next to a space; a comment goes; an entity becomes its character, an
invisible one (``&#8203;``, ``&shy;``) nothing. Only tag names of HTML's text-level and block elements
are touched, so prose such as ``a/b>c`` or ``x < y`` stays as it is.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from pipeline.model import Repair
from pipeline.normalize.columns import LineMap

_INLINE = {"span", "strong", "b", "i", "em", "font", "a", "u", "s", "sub", "sup", "small", "big", "mark", "img"}
_BLOCK = r"p|br|div|li|ul|ol|td|tr|th|table|tbody|h[1-6]|section|article"
_TAGS = rf"(?:{_BLOCK}|{'|'.join(sorted(_INLINE, key=len, reverse=True))})"
# Attributes as HTML writes them (name, name=value, name="value"): ``a<b 且 c>d`` is prose, not a tag.
_ATTRIBUTES = r"""(?:\s+[A-Za-z][\w:-]*(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>]+))?)*\s*/?"""
# A run of whole tags, remnants that lost their '<' ('/p>', after a non-letter, so 'a/b>' is left
# alone) and comments.
_TAG = re.compile(rf"(?:</?{_TAGS}\b{_ATTRIBUTES}>|(?:(?<=[^A-Za-z])|^)/{_TAGS}>|<!--.*?-->)+", re.IGNORECASE)
_TAG_NAME = re.compile(rf"(?<![!\w-])/?({_TAGS})\b", re.IGNORECASE)
# A remnant such as 'br style="…"/>': tried only on lines with an attribute, since a pattern that may
# start at any letter is slow on long lines.
_BARE_TAG = re.compile(rf"(?:(?<=[^A-Za-z])|^)(?:{_TAGS})\s+[a-z-]+=\"[^\"<>]*\"\s*/?>", re.IGNORECASE)
TRIGGERS = ">&"  # every tag ends in '>' and every entity starts with '&': a line without either is left alone
# '&nbsp' without its ';' too, as pages often write it (HTML reads it the same).
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});|&nbsp(?![;A-Za-z0-9])")
# What an entity may spell that becomes a space: the no-break space, and line breaks (one output line
# per input line).
_AS_SPACE = {"\xa0", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}
# What becomes nothing: characters that do not show (zero-width space and joiners, word joiner, byte
# order mark, soft hyphen), which would only keep a name from matching.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\xad"}
_MAX_ROUNDS = 8  # &amp;amp;nbsp; is a page escaped twice; <b<br>r> a tag inside a tag; a pass that finds
# nothing ends the loop, so the bound only stops text built to be unescaped forever


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    """Entities first, as often as the page was escaped (``&amp;nbsp;`` is ``&nbsp;`` is a space),
    then tags, so a tag an entity spelt (``&lt;br&gt;``) goes too and a second pass changes nothing.
    Each pass records columns in the text it was given; they are moved to the line as read."""
    if not any(char in text for char in TRIGGERS):
        return text, []
    given = text
    passes: list[list[Repair]] = []

    def entity(match: re.Match) -> str:
        value = html.unescape(match.group(0))
        if value == match.group(0):
            return value
        value = " " if value in _AS_SPACE else "" if value in _INVISIBLE else value
        passes[-1].append(Repair("html_entity", line, match.start() + 1, match.group(0), value, 1.0,
                              "HTML character entity"))
        return value

    def tag(match: re.Match) -> str:
        after = text[match.end():match.end() + 1]
        before = text[match.start() - 1:match.start()] if match.start() else ""
        spaced = not after.strip() or not before.strip()
        text_level = {name.lower() for name in _TAG_NAME.findall(match.group(0))} <= _INLINE
        replacement = "" if spaced or text_level or not text[match.end():].strip() else " "
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
    return text, _chains_as_read(passes, maps, given)


def _chains_as_read(passes: list[list[Repair]], maps: list[LineMap], given: str) -> list[Repair]:
    """Each pass's changes at their columns in the line as read. A change of a later pass whose text an
    earlier pass made (``&nbsp;`` made of ``&amp;nbsp;``, ``<br>`` of ``&lt;br&gt;``) becomes one change
    of the text as read, and the earlier changes inside it go."""
    spans: list[tuple[int, int, Repair]] = []
    for n, found in enumerate(passes):
        for repair in found:
            first, last = repair.column, repair.column + len(repair.before) - 1
            for line_map in reversed(maps[:n]):
                first, last = line_map.input_column(first)[0], line_map.input_last(last)
            spans = [(a, b, r) for a, b, r in spans if not first <= a <= b <= last]
            spans.append((first, last, replace(repair, column=first, before=given[first - 1:last])))
    return sorted((r for _, _, r in spans), key=lambda r: r.column)
