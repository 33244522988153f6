"""Claims the documents make, found by pattern and checked against the tables.

Patterns, not sentences: a new repost that says the same thing in other words yields the same claim
(same ``claim_key``). Families:
- share: a group (provinces, a region, a statistical division) holds N% of the top 100;
- fraction: a group holds more than half / nearly half / a third of it;
- count: a province has N cities in the top 100;
- top_n: cities listed as the top N (位列…前五名);
- rank_range: the cities at ranks M to N (排名第二至第五位的城市分别是…);
- structure: the framework's counts (6个方面, 14个二级指标, 34个三级指标);
- stage: the cities in a development stage (单元数字化(60-70分,62个)); the stage table is read from
  such sentences, so a claim is verified only by a stage row read elsewhere; checked against the row
  read from its own sentence, it is unverifiable unless the stages fail to add up to the top-100;
- any other percentage: recorded as unverifiable (数字经济占GDP比重36.2%).
Each claim is scoped to the edition of the ranking it speaks of: the year of a ranking or report its
sentence names (《2021中国城市数字化转型白皮书》, 2020年数字城市百强), else the source's edition. Other
years in a sentence (2019年,我国数字经济…, 预计到2030年) are what the claim is about, not an edition.
A claim is checked against the tables of its own edition when raw/ holds that edition's ranking;
about an edition raw/ does not hold, it is out_of_scope, with what the default edition's tables
would give.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pipeline.numerals import as_number
from pipeline.reconcile.gazetteer import Gazetteer

_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
_TITLE_YEAR = re.compile(r"《[^》]*?(20\d\d)[^》]*》")
# a year that names a ranking (2020年数字城市百强, 2021中国城市数字化转型白皮书), not any year in a sentence
# (2019年,我国数字经济…; 预计到2030年…)
_RANKING_YEAR = re.compile(r"(?<![\d-])(20\d\d)(?!\d)\s*年?度?\s*[\u4e00-\u9fff]{0,10}?"
                           r"(?:百强|排名|排行|榜单|白皮书|指数|评估|报告)")
_NUM = r"(?:\d+|[一二两三四五六七八九十]+)"
_GROUP = r"(?P<names>[\u4e00-\u9fff]{2,8}(?:\s*[、和及与]\s*[\u4e00-\u9fff]{2,8})*)"
_SHARE = re.compile(_GROUP + r"(?:" + _NUM + r"个?省(?:份)?|地区)?[^。；;%,，、]{0,20}?占比?(?:为|达|达到|约为|约|超过)?\s*"
                    r"(?P<value>\d+(?:\.\d+)?)\s*%")
_FRACTION = re.compile(_GROUP + r"(?:" + _NUM + r"个?省(?:份)?|地区)?[^。；;,，、]{0,20}?(?P<op>超过|超|逾|近|接近|约|约占|占)"
                       r"(?:了)?(?P<frac>二分之一|三分之一|三分之二|四分之一|一半|半数)")
_COUNT = re.compile(r"(?P<names>[\u4e00-\u9fff]{2,8})(?:共)?有\s*(?P<value>" + _NUM + r")\s*个(?:城市)?(?:入选|进入|上榜)")
_TOP_N = re.compile(r"(?P<names>[\u4e00-\u9fff]{2,6}(?:\s*[、和及与]\s*[\u4e00-\u9fff]{2,6}){1,9})\s*"
                    r"(?:位列|位居|占据|排名|名列)[^。]{0,20}?前(?P<n>" + _NUM + r")(?:名|位|强)")
_RANK_RANGE = re.compile(r"第(?P<a>" + _NUM + r")(?:名|位)?(?:至|到|-|~)第?(?P<b>" + _NUM + r")(?:名|位)[^。:：]{0,12}?"
                         r"(?:分别是|依次是|依次为|分别为|为|是)\s*[:：]?\s*(?P<names>[\u4e00-\u9fff\s]{2,8}"
                         r"(?:\s*[、,，和及与]\s*[\u4e00-\u9fff\s]{2,8})+)")
_STRUCTURE = re.compile(r"(?P<value>" + _NUM + r")\s*个(?P<what>方面|一级指标|二级指标|三级指标)")
_STAGE = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,8})\s*[(（]\s*\d+\s*(?:[-~－–—至到]\s*\d+\s*分|分以上)\s*[,，、]\s*"
                    r"(?P<value>\d+)\s*个\s*[)）]")
_FRACTION_WORDS = re.compile(r"分之|一半|半数")
_PERCENT = re.compile(r"(?P<value>\d+(?:\.\d+)?)\s*%")
_FRACTIONS = {"二分之一": 50.0, "一半": 50.0, "半数": 50.0, "三分之一": 100 / 3, "三分之二": 200 / 3, "四分之一": 25.0}
_STRUCTURE_LEVEL = {"方面": "level1", "一级指标": "level1", "二级指标": "level2", "三级指标": "level3"}


def number(text: str) -> int | None:
    """``12``, ``五`` or ``十二`` as an integer; None for an approximate count (三四, 一两)."""
    if text.isdigit():
        return int(text)
    if re.fullmatch(r"十?[一二两三四五六七八九]?|[一二两三四五六七八九]十[一二三四五六七八九]?", text) is None:
        return None
    return as_number(text)


@dataclass
class Claim:
    source_id: str
    location: str
    text: str
    kind: str
    key: str
    stated: str
    value: float | None
    edition: int | None
    subjects: list[str] = field(default_factory=list)
    detail: dict = field(default_factory=dict)


@dataclass
class Groups:
    """How a name in a claim maps to rows of the top 100: a province, a region, or a division."""

    gaz: Gazetteer
    regions: set[str]
    divisions: set[str]

    def resolve(self, piece: str) -> tuple[str, str] | None:
        """(column of ccid2020_top100, value) for a piece of a name list, or None."""
        piece = re.sub(r"\s+", "", piece)
        for length in range(len(piece), 1, -1):
            for start in range(len(piece) - length + 1):
                part = piece[start:start + length]
                for suffix in ("地区", "部", ""):
                    core = part[: -len(suffix)] if suffix and part.endswith(suffix) else part
                    if core in self.divisions or core + "部" in self.divisions:
                        return "division", core if core in self.divisions else core + "部"
                    if core in self.regions:
                        return "region", core
                province = self.gaz.province(part)
                if province:
                    return "province", province.name
        return None

    def group(self, names: str) -> list[tuple[str, str]]:
        found = []
        for piece in re.split(r"[、和及与]", names):
            resolved = self.resolve(piece)
            if resolved and resolved not in found:
                found.append(resolved)
        return found


def extract_claims(source_id: str, lines: list[str], locations: list[str], source_edition: int | None,
                   gaz: Gazetteer, regions: set[str], divisions: set[str]) -> list[Claim]:
    groups = Groups(gaz, regions, divisions)
    claims: list[Claim] = []
    for line, location in zip(lines, locations):
        for sentence in _SENTENCE.findall(line):
            text = sentence.strip().lstrip("-*•·▶>? \u3000").strip()
            edition = _edition(text, source_edition)
            found = _sentence_claims(text, gaz, groups)
            covered = {c.detail.get("span") for c in found}
            for match in _PERCENT.finditer(text):
                if not any(span and span[0] <= match.start() < span[1] for span in covered):
                    found.append(Claim("", "", text, "unverifiable", f"percent:{match.group('value')}%",
                                       match.group(0), float(match.group("value")), None,
                                       detail={"span": match.span()}))
            for claim in found:
                claim.source_id, claim.location, claim.edition = source_id, location, edition
                claims.append(claim)
    return claims


def _sentence_claims(text: str, gaz: Gazetteer, groups: Groups) -> list[Claim]:
    """Each family's pattern runs only on sentences holding its trigger (the patterns backtrack; most
    sentences hold no claim)."""
    found: list[Claim] = []
    for trigger, pattern, build in _FAMILIES:
        if trigger.search(text):
            found.extend(claim for match in pattern.finditer(text) if (claim := build(match, gaz, groups)))
    return found


def _share(match: re.Match, gaz: Gazetteer, groups: Groups) -> Claim | None:
    subjects = groups.group(match.group("names"))
    return _group_claim("share", match, subjects, float(match.group("value")), match.group("value") + "%") if subjects else None


def _fraction(match: re.Match, gaz: Gazetteer, groups: Groups) -> Claim | None:
    subjects = groups.group(match.group("names"))
    if not subjects:
        return None
    claim = _group_claim("fraction", match, subjects, _FRACTIONS[match.group("frac")], match.group("op") + match.group("frac"))
    claim.detail["op"] = match.group("op")
    return claim


def _count(match: re.Match, gaz: Gazetteer, groups: Groups) -> Claim | None:
    subjects = groups.group(match.group("names"))
    value = number(match.group("value"))
    if len(subjects) == 1 and subjects[0][0] == "province" and value is not None:
        return _group_claim("count", match, subjects, value, match.group("value") + "个")
    return None


def _top_n(match: re.Match, gaz: Gazetteer, groups: Groups) -> Claim | None:
    cities = _cities(match.group("names"), gaz)
    n = number(match.group("n"))
    if n is None or len(cities) != n:
        return None
    return Claim("", "", match.string, "top_n", f"top_n:{n}", f"前{match.group('n')}名: " + "、".join(cities), n, None,
                 cities, {"span": match.span()})


def _rank_range(match: re.Match, gaz: Gazetteer, groups: Groups) -> Claim | None:
    cities = _cities(match.group("names"), gaz)
    a, b = number(match.group("a")), number(match.group("b"))
    if a is None or b is None or len(cities) != b - a + 1:
        return None
    return Claim("", "", match.string, "rank_range", f"ranks:{a}-{b}", "、".join(cities), None, None, cities,
                 {"span": match.span(), "first": a})


def _structure(match: re.Match, gaz: Gazetteer, groups: Groups) -> Claim | None:
    value = number(match.group("value"))
    if value is None:
        return None
    level = _STRUCTURE_LEVEL[match.group("what")]
    return Claim("", "", match.string, "structure", f"structure:{level}", match.group(0), value, None, [level],
                 {"span": match.span()})


def _stage_claim(match: re.Match, gaz: Gazetteer, groups: Groups) -> Claim:
    return Claim("", "", match.string, "stage", f"stage:{match.group('name')}", match.group(0),
                 int(match.group("value")), None, [match.group("name")], {"span": match.span()})


# (trigger a sentence must hold, pattern, claim from a match) per family, in the order claims are listed
_FAMILIES = (
    (re.compile("%"), _SHARE, _share), (_FRACTION_WORDS, _FRACTION, _fraction), (re.compile("个"), _COUNT, _count),
    (re.compile("前"), _TOP_N, _top_n), (re.compile("第"), _RANK_RANGE, _rank_range),
    (re.compile("个"), _STRUCTURE, _structure), (re.compile("分.*个|个.*分"), _STAGE, _stage_claim),
)


def _group_claim(kind: str, match: re.Match, subjects: list[tuple[str, str]], value: float, stated: str) -> Claim:
    key = f"{kind}:" + "+".join(sorted(f"{column}={name}" for column, name in subjects))
    return Claim("", "", match.string, kind, key, stated, value, None, [name for _, name in subjects],
                 {"span": match.span(), "columns": [column for column, _ in subjects]})


def _cities(names: str, gaz: Gazetteer) -> list[str]:
    cities = []
    for piece in re.split(r"[、,，和及与]", names):
        piece = re.sub(r"\s+", "", piece)
        found = gaz.cities(piece)
        if found:
            cities.append(found[0].name)
    return cities


def _edition(sentence: str, source_edition: int | None) -> int | None:
    named = named_edition(sentence)
    return named if named is not None else source_edition


def named_edition(sentence: str) -> int | None:
    """The year of the ranking or report a sentence names, or None when it names none."""
    named = _TITLE_YEAR.findall(sentence) or _RANKING_YEAR.findall(sentence)
    return int(named[-1]) if named else None


@dataclass(frozen=True)
class EditionTables:
    """The tables a claim is checked against: one ranking edition's top list, indicators and stages."""

    id: str
    tables: dict  # kind (top100, indicators, stages) -> rows

    def rows(self, kind: str) -> list[dict]:
        return self.tables.get(kind, [])

    def name(self, kind: str) -> str:
        return f"{self.id}_{kind}"


def check_claims(claims: list[Claim], editions: dict[int, EditionTables], fallback: EditionTables | None,
                 discrepancies: dict[str, str]) -> list[dict]:
    """One claims-table row per claim: the value recomputed from the tables of the claim's edition (by
    year), the status and the evidence. A claim of a year no edition in raw/ covers is out_of_scope,
    with what ``fallback``'s tables would give; a claim of no year is checked against ``fallback``."""
    rows = []
    per_source = Counter()
    for claim in claims:
        per_source[claim.source_id] += 1
        own = editions.get(claim.edition) if claim.edition is not None else fallback
        computed, evidence, holds = _compute(claim, own or fallback or EditionTables("", {}))
        if holds is None:
            status = "unverifiable"
        elif own is None:
            status = "out_of_scope"
        else:
            status = "verified" if holds else "contradicted"
        rows.append({
            "claim_id": f"{claim.source_id}#{per_source[claim.source_id]:03d}", "source_id": claim.source_id,
            "edition": claim.edition, "text": claim.text, "status": status, "expected": claim.stated,
            "computed": computed, "evidence": evidence, "claim_key": claim.key, "location": claim.location,
            "kind": claim.kind, "known_discrepancy": discrepancies.get(claim.key, "") if status == "contradicted" else "",
            "flags": "",
        })
    return rows


def _compute(claim: Claim, tables: EditionTables) -> tuple[str, str, bool | None]:
    top, top_name = tables.rows("top100"), tables.name("top100")
    if claim.kind in ("share", "fraction", "count"):
        if not top:
            return "", f"{top_name} is empty", None
        return _group_share(claim, top, top_name)
    if claim.kind == "top_n":
        actual = [r["city"] for r in sorted(top, key=lambda r: r["rank"])[: int(claim.value)]]
        return "、".join(actual), f"{top_name} ranks 1-{int(claim.value)}", (set(actual) == set(claim.subjects)) if top else None
    if claim.kind == "rank_range":
        first = claim.detail["first"]
        by_rank = {r["rank"]: r["city"] for r in top}
        actual = [by_rank.get(first + i, "") for i in range(len(claim.subjects))]
        return ("、".join(actual), f"{top_name} ranks {first}-{first + len(actual) - 1}",
                actual == claim.subjects if top else None)
    if claim.kind == "structure":
        indicators = tables.rows("indicators")
        if not indicators:
            return "", f"{tables.name('indicators')} is empty", None
        level = claim.subjects[0]
        count = len({r[level] for r in indicators if r[level]})
        return str(count), f"{tables.name('indicators')}: distinct {level}", count == claim.value
    if claim.kind == "stage":
        return _check_stage(claim, tables)
    return "", "no table holds this figure", None


def _group_share(claim: Claim, top: list[dict], top_name: str) -> tuple[str, str, bool]:
    """A share, fraction or count of the top list that a group of provinces, a region or a division holds."""
    columns = claim.detail["columns"]
    members = [r for r in top if any(r.get(c) == s for c, s in zip(columns, claim.subjects))]
    share = 100 * len(members) / len(top)
    parts = Counter(r[columns[0]] if len(set(columns)) == 1 else r["province"] for r in members)
    computed = f"{share:g}% ({len(members)} of {len(top)}: " + ", ".join(f"{k} {v}" for k, v in parts.items()) + ")"
    evidence = f"{top_name} ranks " + ", ".join(str(r["rank"]) for r in sorted(members, key=lambda r: r["rank"]))
    if claim.kind == "share":
        return computed, evidence, abs(share - claim.value) < 0.5
    if claim.kind == "count":
        return f"{len(members)}", evidence, len(members) == claim.value
    return computed, evidence, _fraction_holds(claim.detail["op"], share, claim.value)


def _check_stage(claim: Claim, tables: EditionTables) -> tuple[str, str, bool | None]:
    top, stages = tables.rows("top100"), tables.rows("stages")
    total = sum(s["n_cities"] for s in stages)
    row = next((s for s in stages if s["stage"] == claim.subjects[0]), None)
    if row is None or not top:
        return "", "no stage table or top list", None
    computed = f"{row['n_cities']} (stages add up to {total} of {len(top)} cities)"
    stage_table = tables.name("stages")
    if row["n_cities"] != claim.value or total != len(top):
        return computed, f"{stage_table} {claim.subjects[0]}; {tables.name('top100')} rows", False
    if claim.source_id in row.get("source_ids", "").split(";") and row.get("location") == claim.location:
        # the stage table was read from this very sentence: agreeing with it proves nothing
        return computed, (f"{stage_table} {claim.subjects[0]} is read from this same sentence, so it cannot "
                          f"confirm it; independently, only the stages' sum matches the top-100 ({len(top)})"), None
    return computed, f"{stage_table} {claim.subjects[0]} (from {row.get('source_ids')}, {row.get('location')})", True


def _fraction_holds(op: str, share: float, fraction: float) -> bool:
    if op in ("超过", "超", "逾"):
        return share > fraction
    if op in ("近", "接近"):
        return 0.8 * fraction <= share <= fraction
    return abs(share - fraction) <= 5
