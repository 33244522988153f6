"""Composite place names resolved level by level: ``江苏省苏州市``, ``湖南长沙市``, ``深圳南山区``,
``上海浦东新区``, ``宁夏回族自治区灵武市``, ``山东聊城市莘县``, ``北京市昌平区小汤山镇``.

From the left: a province (official or short name), then a city-level division, then a county-level
division, each looked up inside the one before. What is left over is the remainder (a town, or a
zone such as (国家)高新区 that is not an administrative division). Where the text allows several
splits, the gazetteer decides: a county after a city must lie in it (青岛|市南区, but 佛山市|北滘…,
not 佛山|市北区), and a split whose remainder starts with one of the county's own towns wins
(漠河县|北极镇). A name written as it was before a renaming (漠河县, now 漠河市; 长乐市, now 长乐区)
resolves and is flagged ``renamed``; a misspelt city before a county that has one parent (遂义市仁怀市)
takes that parent, flagged ``misspelt_city``. A city filed under a province that does not contain it
keeps its own province, flagged ``province_mismatch`` (the raw text keeps what was filed). Every such
decision comes back as a note for ``data_quality``.
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
    notes: list[tuple[str, str]] = field(default_factory=list)  # (flag, what the gazetteer says)

    @property
    def adcode(self) -> str:
        finest = self.county or self.city or self.province
        return finest.adcode if finest else ""

    def flag(self, flag: str, note: str = "") -> None:
        self.flags.append(flag)
        if note:
            self.notes.append((flag, note))


# the data_quality issue each flag's note is recorded under
ISSUES = {
    "renamed": "division written with its name before a renaming",
    "misspelt_city": "city name not in the gazetteer",
    "province_mismatch": "filed under a province that does not contain its city",
    "not_an_administrative_division": "name part that is not an administrative division",
}


_SUFFIXES = ("市", "县", "区", "旗")
_LONGEST = 12
# an unknown city written before its county: a few characters ending as a city-level name ends
# a development zone or new area written where a county would stand (苏州市高新区…, 郑州(国家)高新区)
_ZONE_START = re.compile(r"^[(（]?(?:国家)?[)）]?(?:高新技术产业开发区|经济技术开发区|高新区|经开区|开发区|新区)")
_CITY_WORD = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:市|州|盟|地区)")


@dataclass(frozen=True)
class _Reading:
    """One way of reading a county at the start of a text: the division, how many characters it
    takes, and how it was written (official, short, former name, short name plus an older suffix)."""

    division: Division
    length: int
    written: str  # "official" | "short" | "former" | "suffix"
    date: str = ""


def longest_prefix(text: str, lookup, maximum: int = _LONGEST):
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
        text = _take_city(place, text, gaz)
    if place.county is None:
        text = _take_county(place, text, gaz)
    if place.city is None and place.county is None and place.province is not None:
        text = _take_unknown_city(place, text, gaz)
    if place.county is not None and place.county.is_functional_zone:
        place.flag("not_an_administrative_division",
                   f"{place.county.name} is a development zone or new area, not an administrative division")
    zone = _ZONE_START.match(text)
    if zone and "not_an_administrative_division" not in place.flags:
        place.flag("not_an_administrative_division",
                   f"{zone.group(0)} is a development zone or new area, not an administrative division")
    place.remainder = text
    if place.province is None:
        place.flag("unresolved")
    return place


def _take_city(place: Place, text: str, gaz: Gazetteer) -> str:
    """The city at the start of ``text``; of several readings the longest that leaves nothing, or a
    county inside that city, behind (青岛|市南区), else the longest (佛山市|北滘智造小镇)."""
    readings = []
    for length in range(min(len(text), _LONGEST), 1, -1):
        cities = gaz.cities(text[:length])
        if place.province is not None:
            cities = [c for c in cities if c.province_adcode == place.province.adcode] or cities
        if cities:
            readings.append((text[:length], cities))
    if not readings:
        return text
    head, cities = next(((head, cities) for head, cities in readings
                         if _leaves_county_in(text[len(head):], cities, gaz)), readings[0])
    city = cities[0]
    if place.province is not None and city.province_adcode != place.province.adcode:
        place.flag("province_mismatch", f"{head} is in {city.province}, not {place.province.name}")
    place.province = gaz.province_of(city)  # the finer levels agree with each other; a filed province may not
    if city.level == "county":  # a county-level city under its province (琼海市): a county, not a city
        place.county = city
    else:
        place.city = city
    return text[len(head):]


def _leaves_county_in(rest: str, cities: list[Division], gaz: Gazetteer) -> bool:
    if not rest:
        return True
    return any(any(c.adcode.startswith(_prefix(city)) for city in cities)
               for length in range(min(len(rest), _LONGEST), 1, -1) for c in gaz.counties(rest[:length]))


def _take_county(place: Place, text: str, gaz: Gazetteer, scope: Division | None = None) -> str:
    """The county at the start of ``text`` inside the city (or province) found so far."""
    scope = scope or place.city or place.province
    readings = [r for r in _county_readings(text, gaz) if scope is None or r.division.adcode.startswith(_prefix(scope))]
    if not readings:
        return text
    # a reading whose remainder starts with one of that county's own towns is the gazetteer's word
    by_town = [r for r in readings if _starts_with_town(text[r.length:], r.division, gaz)]
    reading = sorted(by_town or readings, key=lambda r: (_PREFERRED.index(r.written), -r.length))[0]
    county = reading.division
    written = text[:reading.length]
    place.county = county
    if place.city is None and county.prefecture:
        place.city = next((d for d in gaz.cities(county.prefecture) if d.province_adcode == county.province_adcode), None)
    place.province = place.province or gaz.province_of(county)
    if reading.written == "former":
        place.flag("renamed", f"{written} is now {county.name} (renamed {reading.date})")
    elif reading.written == "suffix" and not county.name.endswith(written[-1]):
        place.flag("renamed", f"{written} is now {county.name}")
    return text[reading.length:]


_PREFERRED = ["former", "official", "suffix", "short"]  # how a county was written, the likeliest first


def _county_readings(text: str, gaz: Gazetteer) -> list[_Reading]:
    readings = []
    for length in range(min(len(text), _LONGEST), 1, -1):
        name = text[:length]
        for county in gaz.counties(name):
            written = "official" if name == county.name else "short"
            readings.append(_Reading(county, length, written))
            if written == "short" and text[length:length + 1] in _SUFFIXES:
                readings.append(_Reading(county, length + 1, "suffix"))
        readings.extend(_Reading(r.division, length, "former", r.date) for r in gaz.former(name)
                        if r.division.level == "county")
    return readings


def _starts_with_town(rest: str, county: Division, gaz: Gazetteer) -> bool:
    return any(rest.startswith(town) for town in gaz.towns_of(county))


def _take_unknown_city(place: Place, text: str, gaz: Gazetteer) -> str:
    """A city name the gazetteer does not know, before a county it does (遂义市仁怀市茅台镇): the city
    is the county's own parent; before no county, the one city of the province one character away
    (长纱市, 长沙市). Either way flagged ``misspelt_city`` with the name as written."""
    match = _CITY_WORD.match(text)
    if not match:
        return text
    written, rest = match.group(0), text[match.end():]
    after = _take_county(place, rest, gaz, scope=place.province)
    if place.county is not None and place.city is not None:
        place.flag("misspelt_city", f"{written} is not in the gazetteer; {place.county.name} lies in "
                   f"{place.city.name}, which is taken as the city")
        return after
    place.county = None
    close = gaz.close_cities(written, place.province.adcode)
    if len(close) != 1:
        return text
    place.city = close[0]
    place.flag("misspelt_city", f"{written} is not in the gazetteer; {close[0].name}, one character away, is "
               f"the only such city in {place.province.name}")
    return _take_county(place, rest, gaz)


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
