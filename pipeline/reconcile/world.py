"""Countries and their best-known cities, from the world list jionlp ships (``world_location.txt``:
one country a line, its short and full names, its capital and other cities), so that a ranking's
cities abroad (``赫尔辛基(芬兰)``, ``新加坡``, ``纽约``) are told apart from Chinese names the
gazetteer does not know. China's own line is left out: its cities are the gazetteer's."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _world() -> tuple[dict[str, str], dict[str, str]]:
    """(country name -> country, city -> country); a country goes by its short name."""
    from pipeline.package_data import package_file

    countries: dict[str, str] = {}
    cities: dict[str, str] = {}
    text = package_file("jionlp", "dictionary", "world_location.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        parts = line.strip().split("\t")
        if len(parts) < 3 or parts[0] == "中国":  # a continent's heading, or China itself
            continue
        short, full, capital = parts[:3]
        countries.update({short: short, full: short})
        for city in [capital, *(parts[3].split("/") if len(parts) > 3 else [])]:
            cities.setdefault(city, short)
    return countries, cities


def country(name: str) -> str:
    """The country ``name`` is (``芬兰``, ``芬兰共和国`` -> 芬兰), or ''."""
    return _world()[0].get(name.strip(), "")


def country_of(name: str) -> str:
    """The country of a place abroad that the list names (a country itself, its capital or one of
    its cities: ``新加坡``, ``纽约`` -> 美国), or ''."""
    name = name.strip()
    return country(name) or _world()[1].get(name, "")
