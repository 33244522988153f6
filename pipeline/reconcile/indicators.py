"""The indicator framework as a flat table: merged cells filled, OCR garbage dropped, twins merged.

Structure first: rows come from the numbering; the last level is the rightmost readable cell; a
label in an upper-level column marks a merged block, filled to the rows nearest to it (a merged
cell's text sits near its middle); an outer block is assigned through the label row of the inner
block it contains, so blocks nest. A cell that is not plain CJK text (``粉字文儿//``, ``XX C134/1``)
is OCR garbage: dropped, the merged cell filled from its label. A label with a one-character twin in
a neighbouring row (``数子化教育指数`` next to ``数字化教育指数``) takes the spelling whose character
pairs the table uses more. What structure cannot settle comes from a correction file (data, with
provenance). Every such step is a ``data_quality`` row.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.extract.indicators import IndicatorTable
from pipeline.model import QualityRecord

_FILLER = re.compile(r"[\s\u2014\u2015\u2500\-_]+")
_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")


def readable(cell: str) -> str | None:
    """The cell's text when it is plain CJK (dash runs and spaces removed), else None."""
    text = _FILLER.sub("", cell)
    return text if text and _CJK_ONLY.match(text) else None


def reconcile_indicators(source_id: str, table: IndicatorTable, corrections: list[dict],
                         quality: list[QualityRecord], published: str) -> list[dict]:
    def record(location, issue, raw, resolved, action):
        quality.append(QualityRecord(source_id, location, published, issue, raw, resolved, action))

    levels = table.levels
    rows = table.rows
    labels, leaves, displaced = _read_cells(rows, levels, record)
    usage = Counter()
    for text in [*leaves, *(t for level in labels for t in level.values()), *(t for d in displaced.values() for t in d)]:
        usage.update(text[i:i + 2] for i in range(len(text) - 1))
    for k, level in enumerate(labels):
        _merge_twins(level, displaced, usage, rows, k, record)
    fills = _fill(labels, len(rows))
    out = []
    for i, row in enumerate(rows):
        values = [labels[k].get(fills[k][i], "") if fills[k][i] is not None else "" for k in range(levels - 1)]
        out.append({"no": row.no, "levels": values + [leaves[i]], "location": row.location, "flags": []})
    _apply_corrections(out, corrections, record)
    if any(r["levels"][:-1] != [labels[k].get(i, "") for k in range(levels - 1)] for i, r in enumerate(out)):
        record(table.location, "merged cells", f"{len(rows)} rows", "filled",
               "each row takes the label of its merged block (nearest label; outer blocks through inner labels)")
    return [{"no": r["no"], "level1": r["levels"][0], "level2": r["levels"][1] if levels > 2 else "",
             "level3": r["levels"][-1], "flags": ";".join(sorted(set(r["flags"]))), "source_id": source_id,
             "location": r["location"]} for r in out]


def _read_cells(rows, levels: int, record) -> tuple[list[dict[int, str]], list[str], dict[int, list[str]]]:
    """(labels per upper level: row -> text, the last-level indicator of each row, the readable cells
    beside it that the text layer displaced), every unreadable or extra cell recorded."""
    labels: list[dict[int, str]] = [{} for _ in range(levels - 1)]
    leaves: list[str] = []
    displaced: dict[int, list[str]] = {}
    for i, row in enumerate(rows):
        for k in range(levels - 1):
            cell = row.cells[k]
            text = readable(cell) if cell else None
            if text:
                labels[k][i] = text
            elif cell:
                record(row.location, f"unreadable level-{k + 1} cell (OCR garbage)", cell, "",
                       "dropped; the merged cell is filled from its label")
        leaves.append(_leaf(row, levels, displaced.setdefault(i, []), record))
        if not displaced[i]:
            del displaced[i]
    return labels, leaves, displaced


def _leaf(row, levels: int, displaced: list[str], record) -> str:
    """The row's indicator: the rightmost readable cell from the last level on; readable cells beside
    it go to ``displaced``."""
    tail = row.cells[levels - 1:]
    readable_tail = [(j, readable(c)) for j, c in enumerate(tail) if c and readable(c)]
    leaf = readable_tail[-1][1] if readable_tail else ""
    for j, cell in enumerate(tail):
        if not cell or (readable_tail and j == readable_tail[-1][0]):
            continue
        text = readable(cell)
        if text:
            displaced.append(text)
            record(row.location, "extra cell beside the last-level cell", cell, leaf,
                   "the rightmost readable cell is taken as the indicator; this one is not used")
        else:
            record(row.location, f"unreadable level-{levels} cell (OCR garbage)", cell, leaf,
                   "dropped; the rightmost readable cell is the indicator")
    if not leaf:
        record(row.location, f"no readable level-{levels} cell", row.raw, "", "kept empty, flagged")
    return leaf


def _merge_twins(level: dict[int, str], displaced: dict[int, list[str]], usage: Counter, rows, k, record):
    """A label with a one-character twin in a neighbouring row (another label, or a cell the text layer
    displaced) is one label: both rows anchor it, spelt as the table's character pairs attest best."""
    for i in sorted(level):
        text = level[i]
        for j in (i - 1, i + 1):
            twins = ([level[j]] if j in level else []) + displaced.get(j, [])
            for other in twins:
                if len(other) != len(text) or sum(a != b for a, b in zip(other, text)) > 1:
                    continue
                best = max((text, other), key=lambda t: (sum(usage[t[n:n + 2]] for n in range(len(t) - 1)), t == text))
                if best != text:
                    record(rows[i].location, f"level-{k + 1} label differs by one character from its neighbour",
                           text, best, "the spelling whose character pairs the table uses more is kept")
                level[i] = best
                if j in level and level[j] != other:
                    continue  # the twin is a displaced cell of a row with a label of its own, which stays
                if j in level and level[j] != best:
                    record(rows[j].location, f"level-{k + 1} label differs by one character from its neighbour",
                           level[j], best, "the spelling whose character pairs the table uses more is kept")
                level[j] = best


def _nearest(label_rows: list[int], row: int) -> int | None:
    if not label_rows:
        return None
    return min(label_rows, key=lambda r: (abs(r - row), r))


def _fill(labels: list[dict[int, str]], n: int) -> list[list[int | None]]:
    """For each level and row, the row index of the label whose merged block holds the row."""
    fills: list[list[int | None]] = [[None] * n for _ in labels]
    inner = len(labels) - 1
    rows_inner = sorted(labels[inner])
    for i in range(n):
        fills[inner][i] = _nearest(rows_inner, i)
    for k in range(inner - 1, -1, -1):
        rows_k = sorted(labels[k])
        for i in range(n):
            anchor = fills[k + 1][i]
            fills[k][i] = _nearest(rows_k, anchor if anchor is not None else i)
    return fills


def _apply_corrections(out: list[dict], corrections: list[dict], record) -> None:
    by_no = {r["no"]: r for r in out}
    for entry in corrections:
        row = by_no.get(entry["no"])
        if row is None:
            record(entry["file"], "correction for an indicator number the table does not have", str(entry["no"]),
                   "", "ignored")
            continue
        for k in range(len(row["levels"])):
            key = f"level{k + 1}"
            if key in entry and entry[key] != row["levels"][k]:
                record(row["location"], f"{key} corrected from a correction file", row["levels"][k] or "(empty)",
                       entry[key], f"{entry['file']}: {entry['provenance']}")
                row["levels"][k] = entry[key]
                row["flags"].append("corrected")
