"""Case studies: a header ``城市——标题`` followed by bullet lines, under a domain heading.

The domain is the last short heading-like line that names one of the known domains (``#### 我国数字
政务百强``, ``表 3 2020数字政务百强城市``, a bare ``数字治理``). A header counts when the text before
``——`` is a city (``is_city``). Bullets are lines opening with a bullet mark (``-``, ``▶``, ``•``, or
the ``?`` a mirror's encoding left); they end at the next non-bullet line. Bullets that follow no
readable header are returned as orphans so the caller can record them, but only in a document that
has case studies (a case header, or a domain heading above the bullet): the bullets of a README or a
poem belong to no case study, and are no loss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^\s*(?:#+\s*)?(?P<city>[\u4e00-\u9fff]{2,8}?)\s*[—─]{1,2}\s*(?P<title>\S.*?)\s*$")
# A "?" counts as a bullet only when spaces follow it: the mark a mirror's encoding damage left.
_BULLET = re.compile(r"^\s*(?:(?:[-*•·●○◆■□▪▶►>]|[?？](?=\s))\s*)+(?=\S)")
_WRAP_SPACE = re.compile(r"(?<=[\u4e00-\u9fff，。、；：“”])[ \u3000]+(?=[\u4e00-\u9fff“”])")
_HEADING_MAX = 40


@dataclass
class Case:
    domain: str
    city: str
    title: str
    location: str
    bullets: list[tuple[str, str]] = field(default_factory=list)  # (text, location)


@dataclass
class CaseScan:
    cases: list[Case] = field(default_factory=list)
    orphans: list[tuple[str, str]] = field(default_factory=list)  # bullets under no readable header
    joined_spaces: list[tuple[str, str, str]] = field(default_factory=list)  # (location, before, after)


def find_cases(lines: list[str], locations: list[str], domains: set[str], is_city) -> CaseScan:
    scan = CaseScan()
    domain = ""
    current: Case | None = None
    stray: set[str] = set()  # locations of orphans under no domain heading
    for line, location in zip(lines, locations):
        if not line.strip():
            continue
        header = _HEADER.match(line)
        if header and is_city(header.group("city")):
            current = Case(domain, header.group("city"), header.group("title"), location)
            scan.cases.append(current)
            continue
        bullet = _BULLET.match(line)
        if bullet:
            text = line[bullet.end():].strip()
            joined = _WRAP_SPACE.sub("", text)
            if joined != text:
                scan.joined_spaces.append((location, text, joined))
            if current is None:
                scan.orphans.append((joined, location))
                if not domain:
                    stray.add(location)
            else:
                current.bullets.append((joined, location))
            continue
        current = None
        named = [d for d in domains if d in line]
        if len(line.strip()) <= _HEADING_MAX and len(named) == 1:
            domain = named[0]
    if not scan.cases:  # no case study here: bullets under no domain heading are just bullets
        scan.orphans = [orphan for orphan in scan.orphans if orphan[1] not in stray]
        scan.joined_spaces = [joined for joined in scan.joined_spaces if joined[0] not in stray]
    return scan
