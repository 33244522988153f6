"""Resolve a city name as a source wrote it (with or without its province) to a gazetteer division.

Each rule that changes what the source said returns a note (issue, raw, resolved, action) so the
caller can write it to ``data_quality`` with its location; a name no rule can resolve comes back
unresolved and is kept, flagged, by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.issues import Issue
from pipeline.reconcile.gazetteer import Division, Gazetteer

_INNER_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = "、,，;；。.·:：!！?？\"'“”‘’()（）[]【】 \u3000"


@dataclass
class Note:
    issue: str
    raw: str
    resolved: str
    action: str


@dataclass
class Resolution:
    raw: str
    city: Division | None = None
    province: Division | None = None
    province_inferred: bool = False
    notes: list[Note] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.city.name if self.city else self.raw

    @property
    def province_name(self) -> str:
        return self.province.name if self.province else ""

    @property
    def adcode(self) -> str:
        return self.city.adcode if self.city else ""

    @property
    def key(self) -> str:
        """What identifies the city when comparing copies: its adcode, or the name as written."""
        return self.adcode or f"?{self.raw}"


_PARENTHESISED = re.compile(r"^(?P<name>[^（()）]+?)\s*[（(](?P<note>[^（()）]+)[）)]$")


def name_and_note(value: str) -> tuple[str, str]:
    """``深圳市（广东省）`` -> (深圳市, 广东省): a name with a parenthesised note after it (a
    province, 并列); the note is '' when there is none. ``深圳市 广东省`` and ``深圳市/广东省`` (a cell
    holding both, as a page with ``<br>`` in its cells shows them) split the same way."""
    match = _PARENTHESISED.match(value.strip()) or _TWO_NAMES.match(value.strip())
    return (match["name"].strip(), match["note"].strip()) if match else (value, "")


# two names of three characters or more (a city, then its province), so that 深 圳市, a name a line
# break spaced, stays one name
_TWO_NAMES = re.compile(r"^(?P<name>[\u4e00-\u9fff]{3,})\s*[\s/／]\s*(?P<note>[\u4e00-\u9fff]{3,})$")


def clean_name(raw: str) -> tuple[str, list[Note]]:
    """Strip separators left at the edges and spaces a line wrap put inside a name."""
    notes: list[Note] = []
    name = raw.strip()
    stripped = name.strip(_EDGE_PUNCT)
    if stripped != name:
        notes.append(Note("stray separator around name", raw, stripped, "stripped"))
        name = stripped
    joined = _INNER_SPACE.sub("", name)
    if joined != name:
        notes.append(Note("name broken by whitespace (line wrap)", raw, joined, "joined"))
        name = joined
    return name, notes


def resolve_province(raw: str, gaz: Gazetteer) -> Division | None:
    name, _ = clean_name(raw)
    return gaz.province(name) if name else None


def resolve_city(raw: str, province_raw: str | None, gaz: Gazetteer) -> Resolution:
    """Resolve one (city, province) pair; the province may be absent (None) or empty."""
    result = Resolution(raw)
    name, result.notes = clean_name(raw)
    listed = None
    if province_raw is not None and province_raw.strip():
        listed = resolve_province(province_raw, gaz)
        if listed is None:
            result.flags.append("unknown_province")
            result.notes.append(Note("province name not in the gazetteer", province_raw, "",
                                     "ignored; province taken from the city"))
    candidates = gaz.cities(name) if name else []
    if listed and len(candidates) > 1:
        inside = [c for c in candidates if c.province_adcode == listed.adcode]
        candidates = inside or candidates
    if len(candidates) > 1:
        candidates = [c for c in candidates if c.level != "county"] or candidates
    if not candidates:
        result.flags.append("unresolved")
        result.province = listed
        result.notes.append(Note(Issue.CITY_NOT_IN_GAZETTEER, raw, "",
                                 "kept as written, flagged; no adcode"))
        return result
    if len(candidates) > 1:
        result.flags.append("ambiguous")
        result.notes.append(Note("city name matches several divisions", raw,
                                 "; ".join(f"{c.name} ({c.province}, {c.adcode})" for c in candidates),
                                 "first by code taken, flagged"))
    city = candidates[0]
    result.city = city
    actual = gaz.province_of(city)
    if listed is None:
        result.province = actual
        result.province_inferred = True
    elif listed.adcode != actual.adcode:
        result.province = actual
        result.flags.append("province_mismatch")
        result.notes.append(Note("city listed under a province that does not contain it",
                                 f"{raw} under {province_raw}", f"{city.name} in {actual.name}",
                                 "province corrected from the gazetteer"))
    else:
        result.province = listed
    return result
