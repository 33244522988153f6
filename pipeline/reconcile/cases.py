"""Case studies merged across sources by (domain, city), keeping the most complete text of each part.

Sources are taken in priority order (the white paper first). Two titles or bullets are the same when
they match after spaces and quote styles are set aside, or are at least 60% alike; of two matching
texts the one that contains the other (a truncated copy) gives way to the longer, otherwise the
higher-priority source's text is kept. A bullet only one source has is kept in its place. Every
difference is a ``data_quality`` row.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from pipeline.extract.cases import Case
from pipeline.model import QualityRecord
from pipeline.reconcile.gazetteer import Gazetteer

_SAME = 0.6
_IGNORED = re.compile(r"[\s\"'“”‘’「」『』。;；,，.]")


def _key(text: str) -> str:
    return _IGNORED.sub("", text)


def _closest(text: str, candidates: list[str]) -> int | None:
    """Index of the candidate most like ``text`` (an identical key first: copies mostly agree), or None
    when none is alike enough."""
    key, keys = _key(text), [_key(candidate) for candidate in candidates]
    if key in keys:
        return keys.index(key)
    scores = [SequenceMatcher(None, key, other).ratio() for other in keys]
    best = max(range(len(scores)), key=scores.__getitem__, default=None)
    return best if best is not None and scores[best] >= _SAME else None


def _pick(texts: list[tuple[str, str, str]], what: str, quality: list[QualityRecord], where: str, table: str) -> str:
    """From (text, source_id, location) in priority order, the most complete text; differences recorded."""
    chosen, chosen_source, _ = texts[0]
    for text, source, location in texts[1:]:
        if _key(text) == _key(chosen):
            continue
        if _key(text).startswith(_key(chosen)) and len(_key(text)) > len(_key(chosen)):
            quality.append(QualityRecord(chosen_source, where, table, f"{what} truncated", chosen, text,
                                         f"the complete text from {source} ({location}) is kept"))
            chosen, chosen_source = text, source
        elif _key(chosen).startswith(_key(text)):
            quality.append(QualityRecord(source, location, table, f"{what} truncated", text, chosen,
                                         f"the complete text from {chosen_source} is kept"))
        else:
            quality.append(QualityRecord(source, location, table, f"{what} differs between sources", text, chosen,
                                         f"{chosen_source}'s text is kept (higher priority source)"))
    return chosen


def merge_cases(found: list[tuple[str, Case]], gaz: Gazetteer, quality: list[QualityRecord], table: str) -> list[dict]:
    """``found`` is (source_id, case) in source priority order; returns one row per merged bullet of ``table``."""
    groups: dict[tuple[str, str], list[tuple[str, Case]]] = {}
    for source_id, case in found:
        city = gaz.cities(case.city)[0].name
        groups.setdefault((case.domain, city), []).append((source_id, case))
    rows = []
    for (domain, city), members in groups.items():
        where = f"{domain} / {city}"
        title = _pick([(c.title, s, c.location) for s, c in members], "case title", quality, where, table)
        merged: list[list[tuple[str, str, str]]] = []  # per merged bullet: (text, source, location)
        for source_id, case in members:
            position = 0
            for text, location in case.bullets:
                match = _closest(text, [versions[0][0] for versions in merged])
                if match is not None:
                    merged[match].append((text, source_id, location))
                    position = match + 1
                else:
                    merged.insert(position, [(text, source_id, location)])
                    position += 1
        all_sources = sorted({s for s, _ in members})
        for number, versions in enumerate(merged, start=1):
            sources = sorted({s for _, s, _ in versions})
            if len(all_sources) > 1 and len(sources) < len(all_sources):
                quality.append(QualityRecord(
                    sources[0], versions[0][2], table, "bullet only in some sources", versions[0][0], "",
                    f"kept as bullet {number} of {where}; absent from {', '.join(sorted(set(all_sources) - set(sources)))}"))
            rows.append({
                "domain": domain, "city": city, "title": title, "bullet_no": number,
                "bullet": _pick(versions, "bullet", quality, where, table), "source_ids": ";".join(sources), "flags": "",
            })
    return rows
