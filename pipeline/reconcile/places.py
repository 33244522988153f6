"""Composite place names resolved level by level: ``江苏省苏州市``, ``湖南长沙市``, ``深圳南山区``,
``上海浦东新区``, ``宁夏回族自治区灵武市``, ``山东聊城市莘县``, ``北京市昌平区小汤山镇``.

From the left: a province (official or short name), then a city-level division (official or short),
then a county-level division, each looked up inside the one before when there is one. What is left
over is returned as the remainder (a town, or a zone such as 天府新区 or (国家)高新区 that is not an
administrative division). Each level that contradicts the one before is reported, not corrected, and a
county written with the suffix it had before a renaming (长乐市, now 长乐区) is resolved and noted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.reconcile.gazetteer import Division, Gazetteer


@dataclass
class Place:
    raw: str
    province: Division | None = None
    city: Division | None = None
    county: Division | None = None
    remainder: str = ""
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def adcode(self) -> str:
        finest = self.county or self.city or self.province
        return finest.adcode if finest else ""


_SUFFIXES = {"市", "县", "区", "旗"}


def longest_prefix(text: str, lookup, maximum: int = 12):
    for length in range(min(len(text), maximum), 1, -1):
        found = lookup(text[:length])
        if found:
            return text[:length], found
    return "", None


def resolve_place(raw: str, gaz: Gazetteer) -> Place:
    place = Place(raw)
    text = "".join(raw.split())
    head, province = longest_prefix(text, gaz.province)
    if province is not None:
        place.province = province
        text = text[len(head):]
        if province.is_municipality:
            place.city = province
    if place.city is None:
        head, cities = _city_prefix(text, gaz)
        if cities:
            inside = [c for c in cities if province is None or c.province_adcode == province.adcode]
            city = (inside or cities)[0]
            if province is not None and not inside:
                place.flags.append("province_mismatch")
                place.notes.append(f"{head} is in {city.province}, not {province.name}")
            place.city = city
            place.province = place.province or gaz.province_of(city)
            text = text[len(head):]
    head, counties = longest_prefix(text, gaz.counties)
    if counties:
        scope = place.city or place.province
        inside = [c for c in counties if scope is None or c.adcode.startswith(_prefix(scope))]
        if inside or scope is None:
            county = (inside or counties)[0]
            place.county = county
            if place.city is None and county.prefecture:
                place.city = next((d for d in gaz.cities(county.prefecture) if d.province_adcode == county.province_adcode), None)
            place.province = place.province or gaz.province_of(county)
            text = text[len(head):]
    if place.county is not None and text in _SUFFIXES and not place.county.name.endswith(text):
        place.flags.append("renamed")
        place.notes.append(f"{head}{text} is now {place.county.name}")
        text = ""
    place.remainder = text
    if place.province is None:
        place.flags.append("unresolved")
    return place


def _city_prefix(text: str, gaz: Gazetteer):
    """The city at the start of ``text``; of several readings (青岛市|南区, 青岛|市南区) the longest
    one that leaves a county name or nothing behind."""
    readings = [(text[:n], gaz.cities(text[:n])) for n in range(min(len(text), 12), 1, -1)]
    readings = [(head, cities) for head, cities in readings if cities]
    for head, cities in readings:
        rest = text[len(head):]
        if not rest or any(gaz.counties(rest[:n]) for n in range(len(rest), 1, -1)):
            return head, cities
    return readings[0] if readings else ("", None)


def _prefix(division: Division) -> str:
    """Code prefix shared by everything inside ``division``."""
    if division.level == "province":
        return division.adcode[:2]
    if division.level == "prefecture":
        return division.adcode[:4]
    return division.adcode


# what may follow a resolved place and leave it a place name: a zone (高新区, 金普新区) or a mark (*, :),
# not a word (杭州银行 is a bank)
_ZONE = re.compile(r"^(?:[\u4e00-\u9fff]{0,3}区)?[^\u4e00-\u9fffA-Za-z0-9]*$")


def abroad(text: str, gaz: Gazetteer) -> str:
    """The country of a city abroad as a ranking writes it (``赫尔辛基(芬兰)``, ``纽约 (美国)``, a city
    or country the world list names: ``新加坡``), or '' for anything else, a Chinese division first."""
    from pipeline.reconcile.names import name_and_note
    from pipeline.reconcile.world import country, country_of

    name, note = name_and_note(text)
    if note and country(note):
        return country(note)
    name = "".join(name.split())
    return "" if _division_level(name, gaz) else country_of(name)


def place_level(text: str, gaz: Gazetteer) -> str:
    """What level of place a cell names: 'city', 'province', 'county', 'foreign' (see ``abroad``), or
    '' when it names no place. A bracketed province is read as the place's own (深圳市（广东省）); a
    composite name counts when its divisions resolve and at most a zone is left over (北京市海淀区,
    西安高新区)."""
    from pipeline.reconcile.names import name_and_note

    if abroad(text, gaz):
        return "foreign"
    name = "".join(name_and_note(text)[0].split())
    level = _division_level(name, gaz)
    if level:
        return level
    place = resolve_place(name, gaz)
    if (place.city or place.county) and _ZONE.match(place.remainder):
        return "county" if place.county else "city"
    return ""


def _division_level(name: str, gaz: Gazetteer) -> str:
    for level, lookup in (("city", gaz.cities), ("province", gaz.province), ("county", gaz.counties)):
        if lookup(name):
            return level
    return ""
