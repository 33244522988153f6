"""The gazetteer: China's administrative divisions with their codes, from the cpca package's data.

cpca ships ``adcodes.csv`` (12-digit division codes with official names, provinces to counties) and
the list of ethnic groups used in autonomous-prefecture names. Its files are read directly, without
importing cpca itself, which would load its address matcher for nothing.

Names are looked up as written in the sources after normalisation: official names (``深圳市``,
``广西壮族自治区``), short names (``深圳``, ``广西``, ``延边``), with or without a province prefix.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Second-level rows in adcodes.csv that group counties rather than name a city.
_GROUPING_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
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


def _resource_dir() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca package is not installed; run `make setup`")
    return Path(list(spec.submodule_search_locations)[0]) / "resources"


class Gazetteer:
    """Lookups over the divisions: provinces, city-level divisions and counties by name or code."""

    def __init__(self, rows: list[tuple[str, str]], ethnic_groups: list[str]):
        self.by_code: dict[str, Division] = {}
        provinces = {code[:2]: name for code, name in rows if code[2:] == "0000"}
        prefectures = {code[:4]: name for code, name in rows
                       if code[2:] != "0000" and code[4:] == "00" and name not in _GROUPING_NAMES}
        for code, name in sorted(rows):
            if name in _GROUPING_NAMES or code[:2] not in provinces:
                continue
            province = provinces[code[:2]]
            if code[2:] == "0000":
                level, prefecture = "province", ""
            elif code[4:] == "00":
                level, prefecture = "prefecture", name
            else:
                level, prefecture = "county", prefectures.get(code[:4], "")
            self.by_code[code] = Division(code, name, level, province, code[:2] + "0000", prefecture)
        self._ethnic = sorted(ethnic_groups, key=len, reverse=True)
        self._provinces: dict[str, Division] = {}
        self._cities: dict[str, list[Division]] = {}
        self._counties: dict[str, list[Division]] = {}
        for division in self.by_code.values():
            if division.level == "province":
                for key in {division.name, self.short_province(division.name)}:
                    self._provinces[key] = division
            if self._is_city_level(division):
                for key in self._city_keys(division.name):
                    self._cities.setdefault(key, []).append(division)
            if division.level == "county":
                self._counties.setdefault(division.name, []).append(division)

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

    def _city_keys(self, name: str) -> set[str]:
        keys = {name}
        for suffix in ("市", "地区", "盟"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                keys.add(name[: -len(suffix)])
        if name.endswith("自治州"):
            stem = name[: -len("自治州")]
            while True:
                for group in self._ethnic:
                    if stem.endswith(group) and len(stem) > len(group):
                        stem = stem[: -len(group)]
                        break
                else:
                    break
            keys.add(stem)
        return keys

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

    def city_names(self) -> list[str]:
        """Official names of every city-level division."""
        return sorted({d.name for group in self._cities.values() for d in group})

    def city_divisions(self) -> list[Division]:
        return sorted({d for group in self._cities.values() for d in group}, key=lambda d: d.adcode)

    def province_of(self, division: Division) -> Division:
        return self.by_code[division.province_adcode]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    folder = _resource_dir()
    with open(folder / "adcodes.csv", encoding="utf-8", newline="") as handle:
        rows = [(row["adcode"][:6], row["name"]) for row in csv.DictReader(handle) if row["adcode"][6:] == "000000"]
    ethnic = [line.strip() for line in (folder / "56_nations.csv").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    return Gazetteer(rows, ethnic)
