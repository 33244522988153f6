"""Text repairs, one module each, applied in a fixed order; output line N is input line N.

Each repair module has ``repair(text, line) -> (text, [Repair])`` and records every change, so
``normalize --explain`` and the ``data_quality`` table cost nothing extra. ``normalize_lines`` runs
them over a document the fast way: a line goes through a repair only when the repair's trigger
character is in it, and the script conversion runs over the whole document in one OpenCC call.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache

from pipeline.model import Repair
from pipeline.normalize import (gbk_shift, html_remnants, mojibake_big5, mojibake_cp1252, mojibake_gbk, pinyin, script,
                                wrap_spaces)
from pipeline.normalize.columns import LineMap, StageMaps, placed
from pipeline.normalize.frozen import Freezer, flagged_spans
from pipeline.normalize.misread import repair_document as misread_text
from pipeline.normalize.scan import lines_containing, lines_matching

# Text read with the wrong codec first (the bytes of a run as read, read again: its damage came first,
# and the byte-damage repair then reads its words in the text they came back to). Then byte damage: it
# happened to the page as published, pinyin and markup included. Then markup; then pinyin (found next
# to the character it annotates), spaces inside words (an annotation may sit beside one), and the
# script conversion over the whole text (phrases convert once joined).
MOJIBAKE = (mojibake_gbk.FAMILY, mojibake_big5.FAMILY, mojibake_cp1252.FAMILY)


def normalize_line(text: str, line: int) -> tuple[str, list[Repair]]:
    lines, repairs = normalize_lines([text], first_line=line, explain=True)
    return lines[0], repairs


def normalize_lines(lines: list[str], first_line: int = 1, explain: bool = False) -> tuple[list[str], list[Repair]]:
    with _collector_paused():
        return _normalize_lines(lines, first_line, explain)


@contextmanager
def _collector_paused():
    """The stages build lists as long as the document (its lines, an annotation split of its text),
    and none of them can form a reference cycle; the cyclic collector would walk every one of them
    at each collection it runs meanwhile, about 8% of the time on 20 MB. Paused, then restored."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _normalize_lines(lines: list[str], first_line: int, explain: bool) -> tuple[list[str], list[Repair]]:
    """Normalised Simplified lines and the repairs made, each at its column in the line as read.
    Without ``explain`` the pinyin annotations are summed up in one repair and the script conversion in
    another; with it, one repair per annotation and per changed run of characters. The decisions on
    what the document shows come first; then byte damage, markup and annotations and spaces inside
    words, in line and column order; then the script runs and the variants.

    Spans the mojibake and byte-damage repairs flagged are frozen (:mod:`frozen`) from then on: every
    later stage sees placeholders there, and the span comes out as read."""
    out = list(lines)
    text = "\n".join(out)
    markup = set(lines_containing(out, html_remnants.TRIGGERS, text))
    freezer = Freezer()
    out, text, misread, misread_evidence = misread_text(out, text, first_line, MOJIBAKE)
    unmisread = list(out)
    if _freeze(freezer, out, misread, first_line, markup):
        text = "\n".join(out)
    given_to_byte_damage = list(out)
    byte_damage: list[Repair] = []
    for index in lines_matching(out, gbk_shift.DAMAGE_SITE, text):
        out[index], found = gbk_shift.repair(out[index], first_line + index)
        byte_damage.extend(found)
    undamaged = list(out)
    stale = _freeze(freezer, out, byte_damage, first_line, markup)  # a repair may restore a swallowed '<'
    given_to_markup = list(out)
    # the markup stage reads the text only for code fences, which neither repair makes or moves
    out, html, html_evidence = html_remnants.repair_document(out, sorted(markup), text, first_line)
    if html or stale:
        text = "\n".join(out)
    unmarked = list(out)

    def text_of(version: list[str]):
        return lambda line: version[line - first_line]

    earlier = [StageMaps(misread, text_of(lines), text_of(unmisread)),
               StageMaps(byte_damage, text_of(given_to_byte_damage), text_of(undamaged)),
               StageMaps(html, text_of(given_to_markup), text_of(unmarked))]
    out, text, annotations, pinyin_evidence = pinyin.repair_document(out, text, first_line, explain)
    unannotated = list(out)

    @lru_cache(maxsize=None)
    def annotations_of(line: int) -> list[Repair]:
        """A line's annotations one by one, found again for the few lines a join needs them on (without
        ``explain`` the pinyin stage sums them up); none where the stage did not run."""
        if not annotations:
            return []
        return pinyin.repair(unmarked[line - first_line], line)[1]

    made = _made_by(earlier, annotations_of, first_line)
    gaps_at = lines_matching(out, wrap_spaces.GAP, text)
    wrap_evidence = wrap_spaces.evidence(out, text, made, gaps_at)
    joins: list[Repair] = []
    if wrap_evidence is not None and wrap_evidence.shows:
        out, text, joins = wrap_spaces.join_lines(out, text, first_line, made, gaps_at)
    converted, found = script.convert_lines(out, text, first_line, explain)
    conversions = [r for r in found if r.kind != "variant"]
    variants = [r for r in found if r.kind == "variant"]
    # A join is placed through its line's annotations one by one.
    one_by_one = annotations if explain else [a for line in sorted({j.line for j in joins}) for a in annotations_of(line)]
    pinyin_maps = StageMaps(one_by_one, text_of(unmarked), text_of(unannotated))
    repairs = (misread + placed(byte_damage, earlier[:1]) + placed(html, earlier[:2])
               + placed(annotations, earlier) + placed(joins, earlier + [pinyin_maps]))
    repairs.sort(key=lambda r: (r.line, r.column))
    if explain:
        repairs += placed(conversions, earlier + [pinyin_maps, StageMaps(joins, text_of(unannotated), text_of(out))])
    else:
        repairs += conversions
    repairs += placed(_before_annotations_removed(variants, unmarked, first_line), earlier)
    decisions = [found.record(first_line) for found in misread_evidence] + [
        placed([found.record(first_line)], maps)[0] for found, maps in
        ((html_evidence, earlier[:2]), (pinyin_evidence, earlier), (wrap_evidence, earlier + [pinyin_maps])) if found]
    if freezer:
        for index in freezer.lines:
            converted[index] = freezer.thaw(index, converted[index])
        frozen_lines = {first_line + index for index in freezer.lines}
        repairs = [freezer.thaw_repair(repair, repair.line - first_line) if repair.line in frozen_lines else repair
                   for repair in repairs]
    return converted, decisions + repairs


def _freeze(freezer: Freezer, out: list[str], repairs: list[Repair], first_line: int, markup: set[int]) -> bool:
    """The spans a stage flagged (its records that changed nothing) frozen in ``out``; every line it
    touched goes to the markup stage too. Whether a line changed (the text of the lines is stale)."""
    by_line: dict[int, list[Repair]] = {}
    for repair in repairs:
        by_line.setdefault(repair.line - first_line, []).append(repair)
    markup.update(by_line)
    changed = any(repair.before != repair.after for repair in repairs)
    for index, found in by_line.items():
        spans = flagged_spans(found)
        if spans:
            out[index] = freezer.freeze(index, out[index], spans)
            changed = True
    return changed


def _made_by(earlier: list[StageMaps], annotations_of: Callable[[int], list[Repair]], first_line: int):
    """Whether the character at a column (0-based) of a line after the pinyin stage was made by a byte
    or markup repair rather than read."""
    changed = set().union(*(stage.lines() for stage in earlier))

    def made(index: int, column: int) -> bool:
        line = first_line + index
        if line not in changed:
            return False
        maps = [found for found in (stage.get(line) for stage in earlier) if found is not None]
        if not maps:
            return False
        column, _ = LineMap(annotations_of(line)).input_column(column + 1)
        for line_map in reversed(maps):
            column, kept = line_map.input_column(column)
            if not kept:
                return True
        return False
    return made


def _before_annotations_removed(variants: list[Repair], unmarked: list[str], first_line: int) -> list[Repair]:
    """Variant repairs at their columns in the lines the pinyin stage was given. Every occurrence of a
    variant character is replaced and recorded, in column order, and neither the pinyin stage (it
    removes Latin runs only) nor the script conversion adds or removes one, so the n-th 陜 replaced on
    a line is the n-th 陜 of that line before its annotations went: no map of the annotations is
    needed, which matters in the summed-up mode, where none is kept."""
    found_at: dict[tuple[int, str], int] = {}  # where the last occurrence was found, 0-based
    moved = []
    for repair in variants:
        key = (repair.line, repair.before)
        column = unmarked[repair.line - first_line].find(repair.before, found_at.get(key, -1) + 1)
        if column < 0:  # not there after all: keep the column the variant stage saw
            moved.append(repair)
            continue
        found_at[key] = column
        moved.append(replace(repair, column=column + 1))
    return moved


def detect_script(lines: list[str]) -> str:
    """'traditional', 'simplified', 'mixed' or 'none', from the share of characters t2s changes."""
    chars = "".join(re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff]", "".join(lines)))
    if not chars:
        return "none"
    changed = sum(a != b for a, b in zip(chars, script.to_simplified(chars)))
    share = changed / len(chars)
    if share >= 0.08:
        return "traditional"
    if share <= 0.01:
        return "simplified"
    return "mixed"
