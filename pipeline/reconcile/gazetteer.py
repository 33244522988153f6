"""The gazetteer: China's administrative divisions with their codes, from jionlp's location data.

jionlp ships ``dictionary/china_location.zip``: the division tree (provinces, cities, counties, with
6-digit codes and short names such as 广西, 深圳, 巴州/巴音郭楞, then towns and villages), kept up to
date with renamings (宁乡县 became 宁乡市 in 2017). The file is read directly, without importing
jionlp itself, which would load its NLP models for nothing.

Names are looked up as written in the sources after normalisation: official names (``深圳市``,
``广西壮族自治区``), short names (``深圳``, ``广西``, ``延边``), with or without a province prefix.
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


class Gazetteer:
    """Lookups over the divisions: provinces, city-level divisions and counties by name or code."""

    def __init__(self, entries: list[tuple[int, str, str, list[str]]]):
        """``entries``: (depth, name, 6-digit code, short names) for provinces (0), cities (1), counties (2)."""
        self.by_code: dict[str, Division] = {}
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

    def city_divisions(self) -> list[Division]:
        return sorted({d for group in self._cities.values() for d in group}, key=lambda d: d.adcode)

    def province_of(self, division: Division) -> Division:
        return self.by_code[division.province_adcode]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    from pipeline.package_data import package_file, zipped_text

    text = zipped_text(package_file("jionlp", "dictionary", "china_location.zip"))
    entries = []
    for line in io.StringIO(text):
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 2:
            continue
        parts = line.strip().split("\t")
        if len(parts) >= 2 and parts[1].isdigit():
            shorts = [s for s in (parts[2].split("/") if len(parts) > 2 else []) if len(s) >= 2]
            entries.append((depth, parts[0], parts[1], shorts))
    return Gazetteer(entries)
