"""The Tahaoo 2019-2020 series as tables, each recognised by its content, not by where it sits.

- index series: two columns, a place and an index between 0 and 1 (the header names the series);
- score tables: rank, place, a score above 1 (the caption names the tier);
- province grades: rank, province, a letter grade (AAAAA+ … AA);
- apps: rank, a list of apps, the company;
- smart towns: one line of at least 50 ``、``-separated addresses ending in a town.
Every name is resolved level by level against the gazetteer; what does not resolve, or contradicts
the gazetteer, keeps its source text with a flag, and every source row lands in a table or in
``data_quality``.
"""

from __future__ import annotations

import re

from pipeline.extract.tables import Table
from pipeline.model import QualityRecord
from pipeline.reconcile.gazetteer import Gazetteer
from pipeline.reconcile.places import ISSUES, resolve_place

_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_RANK = re.compile(r"^\d{1,3}$")
_GRADE = re.compile(r"^A{1,5}[+-]?$")
_SERIES = re.compile(r"(?:Tahaoo\s*SMILE)?\s*(?:最具)?(?P<name>.+?)(?:智慧城市)?指数.*$")
_DAMAGE = re.compile(r"[?\ufffd\ue000-\uf8ff]")
_TIER = re.compile(r"^\s*\d+\s*[、.]\s*(?P<name>.+?)(?:指数)?得分排名.*$")
_TOWN_END = re.compile(r"(?:镇|乡|街道|小镇|村)\s*$")


def _value(cell: str) -> float | None:
    return float(cell) if _NUMBER.match(cell.strip()) else None


def classify(table: Table) -> str:
    """index | scores | grades | apps | other, from the shape of the rows."""
    rows = table.rows
    width = len(table.header)
    if width == 2 and all(_value(r.cells[1]) is not None and _value(r.cells[1]) <= 1 for r in rows):
        return "index"
    if width == 3 and all(_RANK.match(r.cells[0]) for r in rows):
        values = [_value(r.cells[2]) for r in rows]
        if all(v is not None and v > 1 for v in values):
            return "scores"
        if all(_GRADE.match(r.cells[2]) for r in rows):
            return "grades"
        if sum("公司" in r.cells[2] or "研究" in r.cells[2] or "中心" in r.cells[2] for r in rows) >= 0.8 * len(rows):
            return "apps"
    return "other"


def _record(quality, source_id, location, table, issue, raw, resolved, action):
    quality.append(QualityRecord(source_id, location, table, issue, raw, resolved, action))


def _place_columns(place) -> dict:
    return {
        "province": place.province.name if place.province else "",
        "city": place.city.name if place.city else "",
        "district": place.county.name if place.county else "",
        "adcode": place.adcode,
    }


def _place_flags(place, source_id, location, table, quality, remainder_is_town: bool = False) -> list[str]:
    """The place's flags, each with its data_quality row. What is left after the divisions is a town
    in the smart-town list, and elsewhere a part of the name that is not an administrative division."""
    flags = list(place.flags)
    if place.remainder and not remainder_is_town and "not_an_administrative_division" not in flags:
        flags.append("not_an_administrative_division")
        _record(quality, source_id, location, table, ISSUES["not_an_administrative_division"],
                place.raw, place.remainder, "kept in the name, flagged; the finest division found is kept")
    for flag, note in place.notes:
        _record(quality, source_id, location, table, ISSUES[flag], place.raw, note, _ACTIONS.get(flag, "kept, flagged"))
    if "unresolved" in flags:
        _record(quality, source_id, location, table, "name not in the gazetteer", place.raw, "", "kept, flagged")
    return sorted(set(flags))


_ACTIONS = {"renamed": "resolved to the division as named today, flagged",
            "misspelt_city": "city taken from the gazetteer, flagged; the name as written is in raw",
            "province_mismatch": "the province the city lies in is used, flagged; the province as filed is in raw"}


def index_rows(source_id: str, table: Table, gaz: Gazetteer, quality, published: str) -> list[dict]:
    match = _SERIES.match(table.header[1])
    series = match.group("name").strip() if match else table.header[1]
    if _DAMAGE.search(series) or not match:
        _record(quality, source_id, table.location, published, "series name unreadable in the header",
                table.header[1], series, "kept as written (the header's text is damaged), flagged")
    rows = []
    for rank, row in enumerate(table.rows, start=1):
        place = resolve_place(row.cells[0], gaz)
        flags = _place_flags(place, source_id, row.location, published, quality)
        rows.append({"series": series, "rank": rank, "city": place.city.name if place.city else row.cells[0],
                     "index": float(row.cells[1]), "name": row.cells[0], "adcode": place.adcode,
                     "flags": ";".join(flags), "source_id": source_id, "location": row.location})
    return rows


def score_rows(source_id: str, table: Table, gaz: Gazetteer, quality, published: str) -> list[dict]:
    match = _TIER.match(table.caption)
    tier = match.group("name").strip() if match else table.caption
    rows = []
    for row in table.rows:
        place = resolve_place(row.cells[1], gaz)
        flags = _place_flags(place, source_id, row.location, published, quality)
        rows.append({"tier": tier, "rank": int(row.cells[0]), "name": row.cells[1], **_place_columns(place),
                     "score": float(row.cells[2]), "flags": ";".join(flags), "source_id": source_id,
                     "location": row.location})
    return rows


def grade_rows(source_id: str, table: Table, gaz: Gazetteer, quality, published: str) -> list[dict]:
    rows = []
    for row in table.rows:
        label = row.cells[1]
        parts = [p for p in re.split(r"[+＋]", label) if p]
        provinces = {gaz.province(p) or gaz.province(p[:2]) for p in parts}
        provinces.discard(None)
        flags = []
        if len(parts) > 1:
            flags.append("merged_label")
            _record(quality, source_id, row.location, published, "one grade for a merged label",
                    label, ", ".join(sorted(p.name for p in provinces)), "kept the source label; resolved to the province")
        province = sorted(provinces, key=lambda p: p.adcode)[0] if provinces else None
        if province is None:
            flags.append("unresolved")
            _record(quality, source_id, row.location, published, "province not in the gazetteer",
                    label, "", "kept, flagged")
        rows.append({"rank": int(row.cells[0]), "province": province.name if province else label, "grade": row.cells[2],
                     "label": label, "adcode": province.adcode if province else "", "flags": ";".join(flags),
                     "source_id": source_id, "location": row.location})
    return rows


def app_rows(source_id: str, table: Table, gaz: Gazetteer, quality, published: str) -> list[dict]:
    rows = []
    for row in table.rows:
        apps = [a.strip() for a in re.split(r"[、,，]", row.cells[1]) if a.strip()]
        if not apps:
            _record(quality, source_id, row.location, published, "rank with no app", row.raw, "", "dropped")
        for position, app in enumerate(apps, start=1):
            rows.append({"rank": int(row.cells[0]), "app": app, "company": row.cells[2], "position": position,
                         "flags": "", "source_id": source_id, "location": row.location})
    return rows


def find_town_lines(lines: list[str], locations: list[str]) -> list[tuple[str, list[str]]]:
    """(location, items) for each line that is a long ``、``-separated list of town addresses."""
    found = []
    for line, location in zip(lines, locations):
        items = [i.strip(" |\t") for i in line.split("、")]
        if len(items) >= 50 and sum(bool(_TOWN_END.search(i)) for i in items) >= 0.8 * len(items):
            found.append((location, items))
    return found


def town_rows(source_id: str, location: str, items: list[str], gaz: Gazetteer, quality, published: str) -> list[dict]:
    rows = []
    for position, item in enumerate(items, start=1):
        where = f"{location} item {position}"
        place = resolve_place(item, gaz)
        flags = _place_flags(place, source_id, where, published, quality, remainder_is_town=True)
        rows.append({"position": position, "province": place.province.name if place.province else "",
                     "city": place.city.name if place.city else "", "county": place.county.name if place.county else "",
                     "town": place.remainder, "flags": ";".join(flags), "raw": item,
                     "adcode": place.adcode, "source_id": source_id, "location": where})
    return rows
