"""Row checks of every table of places, against the gazetteer: what an auditor compares by hand.

Each check looks at one thing and says what is wrong, or nothing: the names are the official names of
divisions of their columns' levels (a county-level city such as 琼海市 is not a ``city``), no town or
county was cut at a division suffix (``县北极镇``: the split took the wrong boundary) unless the
gazetteer knows the name so (市桥街道, 市南区), and the adcode lies in the province and city named.
A row flagged unresolved or not_an_administrative_division is not held to official names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

PLACE_COLUMNS = ("province", "city", "county", "district", "town")
_SUFFIX_START = ("市", "县", "区", "旗")


@dataclass
class PlaceRow:
    values: dict  # column -> text ('' when empty)
    gaz: object

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    @property
    def county(self) -> str:
        return self.get("county") or self.get("district")

    @property
    def unsettled(self) -> bool:
        return bool(set(self.get("flags").split(";")) & {"unresolved", "not_an_administrative_division"})

    @cached_property
    def cities(self) -> list:
        city = self.get("city")
        return [d for d in self.gaz.cities(city) if d.name == city] if city else []

    @cached_property
    def counties(self) -> list:
        return [d for d in self.gaz.counties(self.county) if d.name == self.county] if self.county else []


def _province(row: PlaceRow) -> str | None:
    province = row.get("province")
    found = row.gaz.province(province) if province else None
    if province and (found is None or found.name != province):
        return f"province {province} is not an official province name"
    return None


def _city_level(row: PlaceRow) -> str | None:
    if row.get("city") and not row.unsettled and not any(d.level != "county" for d in row.cities):
        return f"city {row.get('city')} is not a prefecture-level city or municipality"
    return None


def _county_name(row: PlaceRow) -> str | None:
    if row.county and not row.unsettled and not row.counties:
        return f"county {row.county} is not the official name of a county-level division"
    return None


def _cut_at_a_suffix(row: PlaceRow) -> str | None:
    for column in ("county", "district", "town"):
        text = row.get(column)
        if not text.startswith(_SUFFIX_START) or (column != "town" and row.counties):
            continue
        if not any(text.startswith(town) for county in row.counties for town in row.gaz.towns_of(county)):
            return f"{column} {text} starts with a division suffix: the name was cut at the wrong place"
    return None


def _adcode_inside(row: PlaceRow) -> str | None:
    code = row.get("adcode")
    if not code:
        return None
    division = row.gaz.by_code.get(code)
    if division is None:
        return f"adcode {code} is no division of the gazetteer"
    province, city = row.get("province"), row.get("city")
    if province and division.province != province:
        return f"adcode {code} ({division.name}) lies in {division.province}, not {province}"
    prefixes = {d.adcode[:2] if d.level == "province" else d.adcode[:4] for d in row.cities if d.level != "county"}
    if city and prefixes and not any(code.startswith(prefix) for prefix in prefixes):
        return f"adcode {code} ({division.name}) does not lie in {city}"
    if row.counties and code not in {d.adcode for d in row.counties}:
        return f"adcode {code} ({division.name}) is not {row.county}'s"
    return None


CHECKS = (_province, _city_level, _county_name, _cut_at_a_suffix, _adcode_inside)


def place_problem(values: dict, gaz) -> str | None:
    """The first thing wrong with a place row, or None."""
    row = PlaceRow(values, gaz)
    return next((problem for check in CHECKS if (problem := check(row))), None)
