"""Claims the documents make about the ranking, found by pattern and checked against the tables.

Patterns, not sentences: a share claim is a list of provinces followed by a share (``江苏、广东、
山东三省百强市占比为36%``), however the sentence around it is worded. Each claim is scoped to the
edition it speaks of (a year named in its sentence, else the source's edition): a claim about
another edition is ``out_of_scope``, with what the 2020 table would give recorded but not judged.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.reconcile.gazetteer import Gazetteer

EDITION = 2020
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
_YEAR = re.compile(r"(20\d\d)\s*(?:年|中国|数字|\d|$)")
_TITLE_YEAR = re.compile(r"《[^》]*?(20\d\d)[^》]*》")
_PROVINCE_SHARE = re.compile(
    r"(?P<names>[\u4e00-\u9fff]{2,8}(?:[、和及与][\u4e00-\u9fff]{2,8})+?)"
    r"(?:[一二三四五六七八九十两\d]+)?(?:个)?省(?:份)?[^。；;%]{0,20}?占比(?:为|达|达到|约为|约)?\s*"
    r"(?P<value>\d+(?:\.\d+)?)\s*%"
)


@dataclass
class Claim:
    source_id: str
    location: str
    text: str
    kind: str
    key: str
    expected: float
    stated: str
    edition: int | None
    subjects: list[str]


def extract_claims(source_id: str, lines: list[str], locations: list[str], source_edition: int | None,
                   gaz: Gazetteer) -> list[Claim]:
    claims: list[Claim] = []
    for line, location in zip(lines, locations):
        for sentence in _SENTENCE.findall(line):
            for match in _PROVINCE_SHARE.finditer(sentence):
                provinces = _provinces(match.group("names"), gaz)
                if len(provinces) < 2:
                    continue
                claims.append(Claim(
                    source_id, location, sentence.strip(), "province_share",
                    "province_share:" + "+".join(sorted(provinces)), float(match.group("value")),
                    match.group("value") + "%",
                    _edition(sentence, source_edition), provinces))
    return claims


def _provinces(names: str, gaz: Gazetteer) -> list[str]:
    """Province names in a list like ``江苏、广东、山东三``; each piece may carry words around the name."""
    found = []
    for piece in re.split(r"[、和及与]", names):
        province = _longest_province(piece, gaz)
        if province and province.name not in found:
            found.append(province.name)
    return found


def _longest_province(piece: str, gaz: Gazetteer):
    for length in range(len(piece), 1, -1):
        for start in range(len(piece) - length + 1):
            province = gaz.province(piece[start:start + length])
            if province:
                return province
    return None


def _edition(sentence: str, source_edition: int | None) -> int | None:
    titled = _TITLE_YEAR.findall(sentence)
    if titled:
        return int(titled[-1])
    years = [int(y) for y in _YEAR.findall(sentence)]
    return max(years) if years else source_edition


def check_claims(claims: list[Claim], top100: list[dict]) -> list[dict]:
    """One claims-table row per claim, with the value recomputed from the top-100 and its evidence."""
    rows = []
    per_source = Counter()
    for claim in claims:
        per_source[claim.source_id] += 1
        members = [r for r in top100 if r["province"] in claim.subjects]
        counts = Counter(r["province"] for r in members)
        total = len(top100)
        value = round(100 * len(members) / total, 1) if total else None
        computed = (f"{value:g}% ({len(members)} of {total}: "
                    + ", ".join(f"{p} {counts[p]}" for p in claim.subjects) + ")") if total else ""
        evidence = ("ccid2020_top100 ranks " + ", ".join(str(r["rank"]) for r in sorted(members, key=lambda r: r["rank"]))
                    if members else "ccid2020_top100: no rows")
        if not total:
            status = "unverifiable"
        elif claim.edition is not None and claim.edition != EDITION:
            status = "out_of_scope"
        else:
            status = "verified" if abs(value - claim.expected) < 0.5 else "contradicted"
        rows.append({
            "claim_id": f"{claim.source_id}#{per_source[claim.source_id]}",
            "source_id": claim.source_id, "edition": claim.edition, "text": claim.text, "status": status,
            "expected": claim.stated, "computed": computed, "evidence": evidence,
            "claim_key": claim.key, "location": claim.location,
        })
    return rows
