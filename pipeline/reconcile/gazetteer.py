"""The gazetteer: China's administrative divisions with their codes, from jionlp's location data.

jionlp ships ``dictionary/china_location.zip``: the division tree (provinces, cities, counties, with
6-digit codes and short names such as 广西, 深圳, 巴州/巴音郭楞, then towns and villages), kept up to
date with renamings (宁乡县 became 宁乡市 in 2017). The file is read directly, without importing
jionlp itself, which would load its NLP models for nothing.

Names are looked up as written in the sources after normalisation: official names (``深圳市``,
``广西壮族自治区``), short names (``深圳``, ``广西``, ``延边``), with or without a province prefix.
Two more files of the same package are evidence for composite addresses: the towns under each county
(``北极镇`` lies in 漠河市), and ``china_location_change.txt``, the renamings with their dates
(漠河县 became 漠河市 on 2018-02-22), so an address written before a renaming still resolves, noted.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache

# Second-level entries that group counties rather than name a city.
_GROUPING_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政区划"}
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|特别行政区|(?:壮族|回族|维吾尔)?自治区)$")


@dataclass(frozen=True)
class Division:
    """One administrative division; ``adcode`` is the 6-digit code as a string."""

    adcode: str
    name: str
    level: str  # province | prefecture | county
    province: str
    province_adcode: str
    prefecture: str = ""

    @property
    def is_municipality(self) -> bool:
        return self.level == "province" and self.name.endswith("市")

    @property
    def is_functional_zone(self) -> bool:
        """A development zone or new area that the statistical code list carries beside the
        administrative divisions (合肥经济技术开发区 340172, 天府新区): not an administrative division.
        The code says so (county-level codes 71-79 are the statistical zones); so does a zone's name
        (开发区, 高新区, ...) and a 新区 whose code is outside the district range 01-20 (浦东新区 310115
        is a district, 天府新区 510156 is not)."""
        if self.level != "county":
            return False
        serial = self.adcode[4:]
        return (serial.startswith("7") or bool(_ZONE_NAME.search(self.name))
                or (self.name.endswith("新区") and not "01" <= serial <= "20"))


@dataclass(frozen=True)
class Renaming:
    """A division's name before a renaming, from jionlp's record of changes."""

    old_name: str
    division: Division
    date: str


_ZONE_NAME = re.compile(r"(?:开发区|高新区|经开区|产业园|园区|示范区|试验区|实验区|合作区|保税区|管委会|管理区|风景名胜区|新城)$")


class Gazetteer:
    """Lookups over the divisions: provinces, city-level divisions and counties by name or code."""

    def __init__(self, entries: list[tuple[int, str, str, list[str]]],
                 towns: dict[str, frozenset[str]] | None = None,
                 changes: list[tuple[str, list[str], list[str]]] | None = None):
        """``entries``: (depth, name, 6-digit code, short names) for provinces (0), cities (1), counties (2);
        ``towns``: county code -> the names of its towns; ``changes``: (date, old names from province
        down, new names from province down), as jionlp records renamings."""
        self.by_code: dict[str, Division] = {}
        self._towns = towns or {}
        self._short: dict[str, list[str]] = {}
        province = prefecture = None
        for depth, name, code, shorts in entries:
            if depth == 0:
                province = Division(code, name, "province", name, code)
                prefecture = None
                division = province
            elif depth == 1:
                if name in _GROUPING_NAMES or code == province.adcode:
                    prefecture = None
                    continue
                prefecture = Division(code, name, "prefecture", province.name, province.adcode, name)
                division = prefecture
            else:
                parent = prefecture.name if prefecture else (province.name if province.is_municipality else "")
                division = Division(code, name, "county", province.name, province.adcode, parent)
            if code not in self.by_code:
                self.by_code[code] = division
                self._short[code] = shorts
        self._provinces: dict[str, Division] = {}
        self._cities: dict[str, list[Division]] = {}
        self._counties: dict[str, list[Division]] = {}
        for division in self.by_code.values():
            keys = {division.name, *self._short[division.adcode]}
            if division.level == "province":
                for key in keys | {self.short_province(division.name)}:
                    self._provinces[key] = division
            if self._is_city_level(division):
                for key in keys | self._city_keys(division.name) | self._prefecture_aliases(division):
                    self._cities.setdefault(key, []).append(division)
            if division.level == "county":
                for key in keys:
                    self._counties.setdefault(key, []).append(division)
        self._former: dict[str, list[Renaming]] = {}
        for date, old, new in changes or []:
            division = self._at(new)
            if division is not None and old[-1] not in {division.name, *self._short[division.adcode]}:
                self._former.setdefault(old[-1], []).append(Renaming(old[-1], division, date))

    @staticmethod
    def _is_city_level(division: Division) -> bool:
        """Cities that rankings list: prefecture level, the four municipalities, and county-level
        cities that report straight to a province (仙桃市, 济源市)."""
        if division.level == "prefecture" or division.is_municipality:
            return True
        return division.level == "county" and division.adcode[2:4] == "90" and division.name.endswith("市")

    @staticmethod
    def short_province(name: str) -> str:
        return _PROVINCE_SUFFIX.sub("", name) or name

    @staticmethod
    def _city_keys(name: str) -> set[str]:
        keys = {name}
        for suffix in ("市", "地区", "盟"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                keys.add(name[: -len(suffix)])
        return keys

    def _prefecture_aliases(self, division: Division) -> set[str]:
        """``延边州`` for 延边朝鲜族自治州: an autonomous prefecture's short name with 州."""
        if division.name.endswith("自治州"):
            return {short + "州" for short in self._short[division.adcode] if not short.endswith("州")}
        return set()

    def province(self, name: str) -> Division | None:
        """A province-level division by official or short name (``广西`` -> 广西壮族自治区)."""
        return self._provinces.get(name.strip())

    def cities(self, name: str) -> list[Division]:
        """City-level divisions with this official or short name; a leading province name is allowed
        (``江苏省苏州市``, ``湖南长沙市``)."""
        name = name.strip()
        found = self._cities.get(name)
        if found:
            return list(found)
        for length in range(min(len(name) - 2, 8), 1, -1):
            province = self._provinces.get(name[:length])
            if province:
                rest = [d for d in self._cities.get(name[length:], []) if d.province_adcode == province.adcode]
                if rest:
                    return rest
        return []

    def close_cities(self, name: str, province_adcode: str) -> list[Division]:
        """City-level divisions of one province whose official name differs from ``name`` in exactly
        one character at the same position: the shape of an OCR misreading (``养南市`` for 济南市)."""
        found = []
        for division in self.city_divisions():
            if division.province_adcode != province_adcode or len(division.name) != len(name):
                continue
            if sum(a != b for a, b in zip(division.name, name)) == 1:
                found.append(division)
        return found

    def counties(self, name: str) -> list[Division]:
        return list(self._counties.get(name.strip(), []))

    def former(self, name: str) -> list[Renaming]:
        """Divisions that had this official name before a renaming (漠河县 -> 漠河市, 2018-02-22)."""
        return list(self._former.get(name.strip(), []))

    def towns_of(self, county: Division) -> frozenset[str]:
        """The names of the towns, townships and subdistricts of a county-level division."""
        return self._towns.get(county.adcode, frozenset())

    def _at(self, names: list[str]) -> Division | None:
        """The division today named by ``names`` from the province down (湖南省, 永州市, 祁阳市)."""
        province = self._provinces.get(names[0])
        if province is None or len(names) == 1:
            return province
        inside = [d for d in self._cities.get(names[1], []) if d.province_adcode == province.adcode]
        if len(names) == 2:
            return inside[0] if inside else None
        counties = [d for d in self._counties.get(names[2], []) if d.province_adcode == province.adcode]
        in_city = [d for d in counties if inside and d.prefecture == inside[0].name]
        return (in_city or counties or [None])[0]

    def city_divisions(self) -> list[Division]:
        return sorted({d for group in self._cities.values() for d in group}, key=lambda d: d.adcode)

    def province_of(self, division: Division) -> Division:
        return self.by_code[division.province_adcode]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    from pipeline.package_data import package_file, zipped_text

    text = zipped_text(package_file("jionlp", "dictionary", "china_location.zip"))
    entries = []
    towns: dict[str, set[str]] = {}
    county = ""
    for line in io.StringIO(text):
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 3:
            continue
        parts = line.strip().split("\t")
        if depth == 3:
            if county:
                towns.setdefault(county, set()).add(parts[0])
            continue
        if len(parts) >= 2 and parts[1].isdigit():
            shorts = [s for s in (parts[2].split("/") if len(parts) > 2 else []) if len(s) >= 2]
            entries.append((depth, parts[0], parts[1], shorts))
            county = parts[1] if depth == 2 else ""
    changes = package_file("jionlp", "dictionary", "china_location_change.txt").read_text(encoding="utf-8")
    return Gazetteer(entries, {code: frozenset(names) for code, names in towns.items()}, _renamings(changes))


def _renamings(text: str) -> list[tuple[str, list[str], list[str]]]:
    """(date, old official names, new official names) per line of jionlp's change record, whose lines
    read ``date, approval, province, short, [city, short, [county, short]] => province, [city, [county]]``."""
    found = []
    for line in text.splitlines():
        if "=>" not in line:
            continue
        before, after = line.split("=>")
        fields = before.split("\t")
        old = fields[2::2]
        new = after.strip().split("\t")
        if len(old) == len(new) and old != new:
            found.append((fields[0], old, new))
    return found
