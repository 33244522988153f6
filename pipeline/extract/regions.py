"""Region legends: ``华东: 上海, 江苏, 浙江`` — a short region name, a colon, a list of provinces.

Several legends may share a line (the white paper's figure legend runs them together). A legend
counts only when its members are provinces, which ``is_province`` decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LEGEND = re.compile(
    r"(?P<region>[\u4e00-\u9fff]{2,4}?)(?:地区)?\s*[:：]\s*"
    r"(?P<members>[\u4e00-\u9fff]{2,3}(?:\s*[,，、]\s*[\u4e00-\u9fff]{2,3})+)"
)


@dataclass
class Region:
    name: str
    members: list[str]
    location: str
    raw: str


def find_regions(lines: list[str], locations: list[str], is_province) -> list[Region]:
    regions = []
    for line, location in zip(lines, locations):
        for match in _LEGEND.finditer(line):
            members = [m.strip() for m in re.split(r"[,，、]", match.group("members"))]
            if sum(bool(is_province(m)) for m in members) >= max(2, 0.8 * len(members)):
                regions.append(Region(match.group("region"), members, location, match.group(0)))
    return regions
