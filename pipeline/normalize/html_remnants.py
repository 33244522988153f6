"""HTML left in text that came through a mirror: tags and tag remnants whose ``<`` was lost
(``/p>``, ``br style="…"/>``), and character entities (``&nbsp;``, ``&amp;``).

A run of tags becomes a space when it holds a block element's tag that separated text (``<br>``,
``</td><td>``), and nothing when its tags are all text-level ones (``<strong>重点</strong>城市`` is
重点城市), at a line's end, or next to a space; a comment goes; an entity becomes its character, an
invisible one (``&#8203;``, ``&shy;``) nothing. Only tag names of HTML's text-level and block elements
are touched, so prose such as ``a/b>c``, ``1/a>1/b`` or ``x < y`` stays as it is, and so does a type
parameter (``Option<S>``).

A tag inside a markdown code span (```<table>```) or a fenced code block is text someone wrote about
markup, and stays; so does markup a text names (:func:`_standing`): standing as a word between spaces
or marks (``直接写 <p> 不行``, ``要显示 &lt;p&gt; 这几个字``), in quotes (``要用“<br>”``), before a word for
markup (``<br>标签``): a page's markup sits against the text it formats. Every tag and entity
stays in a document that shows no page markup: no remnant, no closing tag against the text it closes,
nothing set between two characters without a space (``在 HTML 中，<p> 标签表示段落，以 </p> 结束`` names
tags), or only markup of the kind a markdown document's author writes (a README's ``<p align="center">``,
a table cell's ``<br>``) in a document with markdown's own syntax (:mod:`pipeline.normalize.markdown`).
A tag that lost its '<' is damage in any document. So does a span the byte-damage repair
flagged (it is frozen), and a tag or entity whose removal would touch a ``?`` and one of the marks of the mirrors' byte damage (``?:/a>?`` would
become ``?:?``): that repair reads only damage the page as read holds, so no later pass finds a new one.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import replace

from pipeline.model import Repair
from pipeline.normalize.columns import LineMap
from pipeline.normalize.evidence import Evidence
from pipeline.normalize.frozen import holds_frozen
from pipeline.normalize.gbk_shift import DAMAGE_SITE
from pipeline.normalize.markdown import CODE_SPAN, code_block_lines, code_spans, is_markdown
from pipeline.normalize.scan import lines_containing
from pipeline.normalize.stage import Done, Given

# Text-level elements whose tags only format. Not <sub> and <sup>: SO<sub>4</sub><sup>2-</sup> without
# them reads SO42-, another formula; they are never touched.
_INLINE = {"span", "strong", "b", "i", "em", "font", "a", "u", "s", "small", "big", "mark", "img"}
_BLOCK = r"p|br|div|li|ul|ol|td|tr|th|table|tbody|h[1-6]|section|article"
_TAGS = rf"(?:{_BLOCK}|{'|'.join(sorted(_INLINE, key=len, reverse=True))})"
# Attributes as HTML writes them (name, name=value, name="value"): ``a<b 且 c>d`` is prose, not a tag.
_ATTRIBUTES = r"""(?:\s+[A-Za-z][\w:-]*(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>]+))?)*\s*/?"""
# A run of whole tags, remnants that lost their '<' ('/p>' at a line's start, after a Chinese character
# or a mark the byte damage leaves, so 'a/b>', '1/a>1/b' and 'dir /b>list' are left alone) and
# comments. The lookahead first lets the engine pass over what cannot start one quickly.
_TAG = re.compile(rf"(?=[</])(?:</?{_TAGS}\b{_ATTRIBUTES}>|(?:(?<=[^\x00-\x7f])|(?<=[!(),:;?])|^)/{_TAGS}>"
                  r"|<!--.*?-->)+", re.IGNORECASE)
# A type parameter (Option<S>, List<A>): one letter in brackets right after a name is no tag.
_TYPE_PARAMETER = re.compile(r"<[A-Za-z]>")
_TAG_NAME = re.compile(rf"(?<![!\w-])/?({_TAGS})\b", re.IGNORECASE)
# A remnant such as 'br style="…"/>': tried only on lines with an attribute, since a pattern that may
# start at any letter is slow on long lines.
_BARE_TAG = re.compile(rf"(?:(?<=[^A-Za-z])|^)(?:{_TAGS})\s+[a-z-]+=\"[^\"<>]*\"\s*/?>", re.IGNORECASE)
TRIGGERS = ">&"  # every tag ends in '>' and every entity starts with '&': a line without either is left alone
# '&nbsp' without its ';' too, as pages often write it (HTML reads it the same).
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});|&nbsp(?![;A-Za-z0-9])")
# Markup a text may name as a word: an element written around nothing or an ellipsis (<p>…</p>), a tag
# an entity spells (&lt;p&gt;), a run of entities, a run of tags.
_NAMED = re.compile(rf"<(?P<element>{_TAGS})\b{_ATTRIBUTES}>[\s.…]*</(?P=element)>|&lt;/?{_TAGS}\b[^<>&\n]*?&gt;"
                    rf"|(?:{_ENTITY.pattern})+|{_TAG.pattern}", re.IGNORECASE)
# Words a text names markup with, right after it (<br>标签, <td>元素), in Simplified and Traditional.
_NAMING_WORDS = ("标签", "標籤", "标记", "標記", "元素", "属性", "屬性")
# One opening tag of a formatting element (not <img>, which stands for itself).
_FORMATTING_TAG = re.compile(rf"<(?:{'|'.join(sorted(_INLINE - {'img'}, key=len, reverse=True))})\b{_ATTRIBUTES}>",
                             re.IGNORECASE)
# What an entity may spell that becomes a space: the no-break space, and line breaks (one output line
# per input line).
_AS_SPACE = {"\xa0", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}
# What becomes nothing: characters that do not show (zero-width space and joiners, word joiner, byte
# order mark, soft hyphen), which would only keep a name from matching.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\xad"}
_MAX_ROUNDS = 8  # &amp;amp;nbsp; is a page escaped twice; <b<br>r> a tag inside a tag; a pass that finds
# nothing ends the loop, so the bound only stops text built to be unescaped forever


def stage(given: Given) -> Done:
    """The stage in the loop (:mod:`pipeline.normalize.stage`): the lines holding a '>' or '&' as read,
    and those an earlier stage recorded something on (a byte repair may restore a swallowed '<');
    fenced code blocks are found in the text as read (no repair makes or moves a fence)."""
    lines = given.lines
    indexes = [index for index in sorted(given.touched.union(lines_containing(given.read, TRIGGERS, given.read_text)))
               if may_hold_markup(lines[index])]
    out, repairs, found = repair_document(lines, indexes, given.read, given.read_text, given.first_line)
    return Done(out, None, repairs, [found] if found else [])


def may_hold_markup(line: str) -> bool:
    """Whether a tag, remnant or entity could be in ``line``: an entity starts with '&', and a tag ends
    in '>' after a '<' or a '/' (a remnant) or an attribute's '="'. A markdown quote (``> 引文``) or an
    arrow (``->``) holds a '>' and nothing else, and is not read further."""
    return "&" in line or (">" in line and ("<" in line or "/" in line or '="' in line))


def repair_document(lines: list[str], indexes: list[int], read: list[str], text: str,
                    first_line: int) -> tuple[list[str], list[Repair], Evidence | None]:
    """The stage over a document's lines at ``indexes`` (those that may hold markup), fenced code
    blocks of the lines as read (``read``, joined in ``text``) left out: the lines (``lines`` itself
    when nothing changed), the repairs, and what the document showed (None when it holds no markup at
    all, in code or out)."""
    out = list(lines)
    in_code = code_block_lines(read, text)
    repairs: list[Repair] = []
    kept = 0
    for index in indexes:
        if index in in_code:
            kept += _markup_count(lines[index])
            continue
        out[index], found = repair(lines[index], first_line + index)
        repairs.extend(found)
        if "`" in lines[index]:
            kept += sum(_markup_count(span.group(0)) for span in CODE_SPAN.finditer(lines[index]))
    changes = [r for r in repairs if r.before != r.after]
    if not changes:
        out = lines
    if not changes and not kept:
        return out, repairs, None
    first = min(changes, key=lambda r: (r.line, r.column)) if changes else None
    summary = (f"{len(changes)} tag(s), tag remnant(s) or entit(y/ies) outside code, on "
               f"{len({r.line for r in changes})} line(s); {kept} inside code spans or blocks, kept as text")
    kept_why = _not_a_page(changes, lines, first_line, read, text) if first is not None else None
    if kept_why:
        return lines, [], Evidence("html_remnant", False, f"{summary}; {kept_why}", first.line - first_line,
                                   first.column - 1, first.before)
    if first is None:
        index = next(i for i in indexes if i in in_code or "`" in lines[i])
        return out, repairs, Evidence("html_remnant", False, summary, index, 0, lines[index][:1])
    return out, repairs, Evidence("html_remnant", True, summary, first.line - first_line, first.column - 1,
                                  first.before)


def _not_a_page(changes: list[Repair], lines: list[str], first_line: int, read: list[str], text: str) -> str | None:
    """Why the document's markup is not a page's, or None when it is. A tag that lost its '<' is damage
    in any document. Markup set against the text shows a page, but in a markdown document raw HTML is
    its author's (``<p align="center">``, a table cell's ``<br>``)."""
    if any(not change.before.startswith(("<", "&")) for change in changes):
        return None
    if not any(_left_by_markup(change, lines[change.line - first_line]) for change in changes):
        return ("none is a tag that lost its '<' or markup set between two characters, as a page's markup is: "
                "tags and entities the text names (<p> 标签表示段落), kept")
    if is_markdown(read, text):
        return "the document is markdown (code, links), whose HTML its author wrote, and no tag lost its '<': kept"
    return None


def _left_by_markup(change: Repair, line: str) -> bool:
    """Whether a change undoes what only a page's markup leaves: a tag that lost its '<' (``/p>``,
    ``br style="…"/>``), a closing tag or comment against the text beside it (``海口</p> |``), or a tag
    or entity set between two characters with no space (``重点<strong>城市``, ``城市&nbsp;数字``; a
    line's start or end counts as a character). Markup with spaces on both sides may be what the text
    names: ``在 HTML 中，<p> 标签表示段落，以 </p> 结束``."""
    markup = change.before
    if not markup.startswith(("<", "&")):
        return True
    start = change.column - 1
    beside = [bool(char.strip()) for char in (line[start - 1:start] if start else "x",
                                              line[start + len(markup):start + len(markup) + 1] or "x")]
    return any(beside) if "</" in markup or "<!--" in markup else all(beside)


def _markup_count(text: str) -> int:
    return sum(len(pattern.findall(text)) for pattern in (_ENTITY, _TAG))


def repair(text: str, line: int) -> tuple[str, list[Repair]]:
    """Entities first, as often as the page was escaped (``&amp;nbsp;`` is ``&nbsp;`` is a space),
    then tags, so a tag an entity spelt (``&lt;br&gt;``) goes too and a second pass changes nothing.
    Each pass records columns in the text it was given; they are moved to the line as read. Code
    spans, frozen spans and removals that would make a byte-damage site are left as they are."""
    if not may_hold_markup(text):
        return text, []
    given = text
    passes: list[list[Repair]] = []
    code: list[tuple[int, int]] = []

    last = [-1, 0, ""]  # the previous change of this pass: its start, end and replacement

    def left_alone(match: re.Match, replacement: str) -> bool:
        """Whether the match stays: inside code, holding or beside a frozen span, or making a damage
        site with what is beside it (a change just before it included)."""
        start, end = match.span()
        if any(a < end and start < b for a, b in code) or holds_frozen(text[max(0, start - 1):end + 1]):
            return True
        before = text[max(0, start - 2):start]
        if last[1] == start:
            before = (text[max(0, last[0] - 2):last[0]] + last[2])[-2:]
        junction = before + replacement + text[end:end + 2]
        joint = (len(before), len(before) + len(replacement))
        if any(site.start() <= joint[1] and site.end() >= joint[0] for site in DAMAGE_SITE.finditer(junction)):
            passes[-1].append(Repair("html_remnant", line, start + 1, match.group(0), match.group(0), 0.0,
                                     "flagged, left as is: removing it would change what follows or makes a "
                                     "'?' and a mark of the byte damage, which the text as read does not hold"))
            return True
        return False

    def entity(match: re.Match) -> str:
        value = html.unescape(match.group(0))
        if value == match.group(0):
            return value
        value = " " if value in _AS_SPACE else "" if value in _INVISIBLE else value
        if left_alone(match, value):
            return match.group(0)
        last[:] = [match.start(), match.end(), value]
        passes[-1].append(Repair("html_entity", line, match.start() + 1, match.group(0), value, 1.0,
                              "HTML character entity"))
        return value

    def tag(match: re.Match) -> str:
        after = text[match.end():match.end() + 1]
        before = text[match.start() - 1:match.start()] if match.start() else ""
        if _TYPE_PARAMETER.fullmatch(match.group(0)) and before.isascii() and before.isalnum():
            return match.group(0)
        spaced = not after.strip() or not before.strip()
        text_level = {name.lower() for name in _TAG_NAME.findall(match.group(0))} <= _INLINE
        replacement = "" if spaced or text_level or not text[match.end():].strip() else " "
        if left_alone(match, replacement):
            return match.group(0)
        last[:] = [match.start(), match.end(), replacement]
        passes[-1].append(Repair("html_remnant", line, match.start() + 1, match.group(0), replacement, 1.0,
                              "HTML tag or tag remnant left by a mirror"))
        return replacement

    for pattern, needed in ((_ENTITY, "&"), (_TAG, ">"), (_BARE_TAG, '="')):
        for _ in range(_MAX_ROUNDS):
            if needed not in text:
                break
            passes.append([])
            last[:] = [-1, 0, ""]
            code = code_spans(text) + _standing(text)
            replaced = pattern.sub(entity if pattern is _ENTITY else tag, text)
            if replaced == text:
                break
            text = replaced
    maps = [LineMap(found) for found in passes]  # a flag changes nothing and maps every column to itself
    return text, _chains_as_read(passes, maps, given)


def _standing(text: str) -> list[tuple[int, int]]:
    """Spans of markup a text names rather than a page's markup, which sits against the text it formats
    or separates: markup standing as a word (a space on one side; a space, a mark or the line's edge on
    the other: ``直接写 <p> 不行``, ``要显示 &lt;p&gt; 这几个字``, ``&nbsp; 是一个实体``), between a pair of
    quotes or brackets (``要用“<br>”``), followed by a word for markup (``用<br>标签换行``), or an opening
    formatting tag that formats nothing (``加粗可以用<b>，``). A tag that lost its '<' is never named."""
    spans = []
    for match in _NAMED.finditer(text):
        if not match.group(0).startswith(("<", "&")):
            continue
        before = text[match.start() - 1:match.start()] if match.start() else ""
        after = text[match.end():match.end() + 1]
        if ((any(side.isspace() for side in (before, after)) and _apart(before) and _apart(after))
                or (_opens(before) and _closes(after)) or text.startswith(_NAMING_WORDS, match.end())
                or (_FORMATTING_TAG.fullmatch(match.group(0)) and (not after or _closes(after)))):
            spans.append(match.span())
    return spans


def _apart(char: str) -> bool:
    """A space, a line's edge ("") or a punctuation mark: nothing markup would format."""
    return not char or char.isspace() or unicodedata.category(char).startswith("P")


def _opens(char: str) -> bool:
    return bool(char) and (char in "\"'" or unicodedata.category(char) in ("Ps", "Pi"))


def _closes(char: str) -> bool:
    """A quote or bracket that closes, or a mark that ends a clause (，。；): nothing follows to format."""
    return bool(char) and (char in "\"'" or (not char.isascii() and unicodedata.category(char) in ("Pe", "Pf", "Po")))


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
