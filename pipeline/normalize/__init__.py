"""Text repairs, one module each, applied in a fixed order; output line N is input line N.

Every stage has one signature (:mod:`pipeline.normalize.stage`): it is given the document's current
lines and returns the new lines and its repairs at their columns, and the loop places every repair in
the line as read, freezes the spans a stage flagged and thaws them at the end. Each stage records
every change, so ``normalize --explain`` and the ``data_quality`` table cost nothing extra, and
applying the ``--explain`` records to the lines as read gives the normalised lines (how they compose:
:mod:`pipeline.normalize.columns`). The stages run the fast way: a line goes through a repair only
when the repair's trigger character is in it, and the script conversion runs over the whole document
in one OpenCC call.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from functools import partial

from pipeline.model import Repair
from pipeline.normalize import (gbk_shift, html_remnants, misread, mojibake_big5, mojibake_cp1252, mojibake_gbk,
                                pinyin, script, wrap_spaces)
from pipeline.normalize.scan import lines_matching
from pipeline.normalize.stage import Done, Given, Stage, run_stages


def _byte_damage(given: Given) -> Done:
    """:mod:`gbk_shift`'s repair as a stage: each line holding a damage site, read with the document
    around it (a span with nothing shifted of its own is read only where the document shows the damage
    elsewhere)."""
    out = given.lines
    repairs: list[Repair] = []
    for index in lines_matching(given.lines, gbk_shift.DAMAGE_SITE, given.text):
        line, found = gbk_shift.repair(out[index], given.first_line + index, document=given.text)
        if line != out[index]:
            if out is given.lines:
                out = list(out)
            out[index] = line
        repairs.extend(found)
    return Done(out, None, repairs)


# Text read with the wrong codec first (the bytes of a run as read, read again: its damage came first,
# and the byte-damage repair then reads its words in the text they came back to). Then byte damage: it
# happened to the page as published, pinyin and markup included. Then markup; then pinyin (found next
# to the character it annotates), spaces inside words (an annotation may sit beside one), and the
# script conversion over the whole text (phrases convert once joined).
MOJIBAKE = (mojibake_gbk.FAMILY, mojibake_big5.FAMILY, mojibake_cp1252.FAMILY)
STAGES = (
    Stage("mojibake", partial(misread.stage, families=MOJIBAKE), freezes=True),
    Stage("gbk_shift", _byte_damage, freezes=True),
    Stage("html_remnants", html_remnants.stage),
    Stage("pinyin", pinyin.stage, removes=pinyin.removes),
    Stage("wrap_spaces", wrap_spaces.stage, removes=wrap_spaces.removes),
    Stage("script", script.stage),
)


def normalize_line(text: str, line: int) -> tuple[str, list[Repair]]:
    lines, repairs = normalize_lines([text], first_line=line, explain=True)
    return lines[0], repairs


def normalize_lines(lines: list[str], first_line: int = 1, explain: bool = False) -> tuple[list[str], list[Repair]]:
    """Normalised Simplified lines and the repairs made, each at its column in the line as read.
    Without ``explain`` the pinyin annotations are summed up in one repair and the script conversion in
    another; with it, one repair per annotation and per changed run of characters."""
    with _collector_paused():
        return run_stages(STAGES, lines, first_line, explain)


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
