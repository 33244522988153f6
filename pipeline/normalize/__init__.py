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
from pipeline.normalize import gbk_shift, html_remnants, pinyin, script, wrap_spaces
from pipeline.normalize.columns import LineMap, StageMaps, placed
from pipeline.normalize.scan import lines_containing, lines_matching

# Byte damage first: it happened to the page as published, pinyin and markup included. Then markup;
# then pinyin (found next to the character it annotates), spaces inside words (an annotation may sit
# beside one), and the script conversion over the whole text (phrases convert once joined).


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
    another; with it, one repair per annotation and per changed run of characters. Byte damage, markup
    and annotations and spaces inside words come first, in line and column order; then the script runs
    and the variants."""
    out = list(lines)
    text = "\n".join(out)
    byte_damage: list[Repair] = []
    markup = set(lines_containing(out, html_remnants.TRIGGERS, text))
    for index in lines_matching(out, gbk_shift.DAMAGE_SITE, text):
        out[index], found = gbk_shift.repair(out[index], first_line + index, document=text)
        byte_damage.extend(found)
        markup.add(index)  # a repair may restore a swallowed '<'
    undamaged = list(out)
    html: list[Repair] = []
    for index in sorted(markup):
        out[index], found = html_remnants.repair(out[index], first_line + index)
        html.extend(found)
    if markup:
        text = "\n".join(out)
    unmarked = list(out)

    def text_of(version: list[str]):
        return lambda line: version[line - first_line]

    earlier = [StageMaps(byte_damage, text_of(lines), text_of(undamaged)),
               StageMaps(html, text_of(undamaged), text_of(unmarked))]
    out, text, annotations = pinyin.remove_annotations(out, text, first_line, explain)
    unannotated = list(out)

    @lru_cache(maxsize=None)
    def annotations_of(line: int) -> list[Repair]:
        """A line's annotations one by one, found again for the few lines a join needs them on (without
        ``explain`` the pinyin stage sums them up)."""
        return pinyin.repair(unmarked[line - first_line], line)[1]

    out, text, joins = wrap_spaces.join_lines(out, text, first_line, _made_by(earlier, annotations_of, first_line))
    converted, found = script.convert_lines(out, text, first_line, explain)
    conversions = [r for r in found if r.kind != "variant"]
    variants = [r for r in found if r.kind == "variant"]
    # A join is placed through its line's annotations one by one.
    one_by_one = annotations if explain else [a for line in sorted({j.line for j in joins}) for a in annotations_of(line)]
    pinyin_maps = StageMaps(one_by_one, text_of(unmarked), text_of(unannotated))
    repairs = (byte_damage + placed(html, earlier[:1]) + placed(annotations, earlier)
               + placed(joins, earlier + [pinyin_maps]))
    repairs.sort(key=lambda r: (r.line, r.column))
    if explain:
        repairs += placed(conversions, earlier + [pinyin_maps, StageMaps(joins, text_of(unannotated), text_of(out))])
    else:
        repairs += conversions
    return converted, repairs + placed(_before_annotations_removed(variants, unmarked, first_line), earlier)


def _made_by(earlier: list[StageMaps], annotations_of: Callable[[int], list[Repair]], first_line: int):
    """Whether the character at a column (0-based) of a line after the pinyin stage was made by a byte
    or markup repair rather than read."""
    def made(index: int, column: int) -> bool:
        line = first_line + index
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
