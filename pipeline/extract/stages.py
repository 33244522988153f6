"""Development stages stated in prose: ``单元数字化(60-70分,62个)``, ``生态创新(85分以上,5个)``.

A stage is a name of CJK characters right before a parenthesis holding a score band (a range, or a
lower bound with 以上) and a count of cities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The name must start after a boundary (line start, punctuation, a dash, a space), so prose before
# it (分为起步探索) is not taken into the name.
_STAGE = re.compile(
    r"(?:^|(?<=[\s—─:：;；,，、。]))(?P<name>[\u4e00-\u9fff]{2,8})\s*[(（]\s*(?P<low>\d+)\s*(?:[-~－–—至到]\s*(?P<high>\d+)\s*分|分以上)"
    r"\s*[,，、;；]\s*(?P<n>\d+)\s*个(?:城市)?\s*[)）]"
)


@dataclass
class Stage:
    name: str
    score_min: int
    score_max: int | None
    n_cities: int
    location: str
    raw: str


def find_stages(lines: list[str], locations: list[str]) -> list[Stage]:
    stages = []
    for line, location in zip(lines, locations):
        for match in _STAGE.finditer(line):
            high = match.group("high")
            stages.append(Stage(match.group("name"), int(match.group("low")), int(high) if high else None,
                                int(match.group("n")), location, match.group(0)))
    return stages
