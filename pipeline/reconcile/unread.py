"""Values a repair could not read, flagged in their own rows.

Where the byte-damage repair cannot decide what a span said, it leaves the span exactly as read and
says so in ``data_quality``. A table value holding such text is uncertain, and a user of that table
must see it in the row itself: every table with a ``flags`` column gets ``unreadable_text`` on the
rows whose values hold it, with one ``data_quality`` row per value. Two kinds of evidence, either is
enough: a span normalize left unread on the value's own source line (a repair record whose text stayed
as read, at confidence 0), and the marks such damage leaves in any text (U+FFFD, private-use
characters, a ``?`` beside Chinese characters), which validation checks again on the published tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.model import QualityRecord, Repair

FLAG = "unreadable_text"
DAMAGE_MARKS = re.compile(r"[\ufffd\ue000-\uf8ff]|\?(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])\?")
NOT_VALUES = {"flags", "source_id", "source_ids", "location"}
_WINDOW = 3  # a value sharing this many consecutive characters with an unread span holds part of it


def unread_spans(repairs: Iterable[Repair], locations: list[str]) -> dict[str, list[str]]:
    """Location of a line -> the spans normalize left unread on it."""
    spans: dict[str, list[str]] = {}
    for repair in repairs:
        if repair.confidence == 0.0 and repair.before == repair.after and repair.before.strip():
            spans.setdefault(locations[repair.line - 1], []).append(repair.before)
    return spans


def holds_unread(value: str, spans: list[str]) -> bool:
    if DAMAGE_MARKS.search(value):
        return True
    for span in spans:
        width = min(_WINDOW, len(span))
        if any(span[i:i + width] in value for i in range(len(span) - width + 1)):
            return True
    return False


def flag_unread(tables: dict[str, list[dict]], spans: dict[str, dict[str, list[str]]],
                quality: list[QualityRecord]) -> None:
    """Add ``unreadable_text`` to the flags of every row whose text values hold unread text, in place;
    ``spans``: source id -> location -> unread spans (see unread_spans)."""
    for name, rows in tables.items():
        for row in rows:
            if "flags" not in row:
                continue
            on_line = _spans_at(spans.get(row.get("source_id", ""), {}), str(row.get("location", "")))
            unread = [(column, value) for column, value in row.items()
                      if column not in NOT_VALUES and isinstance(value, str) and value and holds_unread(value, on_line)]
            if not unread:
                continue
            flags = set(filter(None, row["flags"].split(";")))
            row["flags"] = ";".join(sorted(flags | {FLAG}))
            for column, value in unread:
                quality.append(QualityRecord(row.get("source_id", ""), str(row.get("location", "")), name,
                                             "value holds text a repair could not read", value, "",
                                             f"kept as read in {column}, flagged {FLAG}"))


def _spans_at(by_location: dict[str, list[str]], location: str) -> list[str]:
    """The unread spans of the line a row comes from: its location is that line's, or starts with it
    (``line 95 item 81``, ``line 12 ff.``)."""
    found = []
    for line, spans in by_location.items():
        if location == line or location.startswith(line + " "):
            found.extend(spans)
    return found
