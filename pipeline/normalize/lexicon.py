"""How plausible a restored character is in its context: the scorer the byte-damage repair consults.

Evidence, each from a maintained source or from the documents themselves:
- words of jieba's dictionary (349k words with corpus frequencies), looked up in Simplified form;
- the gazetteer's names (provinces, cities, counties, official and short);
- reference text: n-grams of clean text (other sources in the run, clean lines of the same
  document), so the same sentence in a cleaner copy outweighs everything else;
- sentence punctuation: a full stop between two runs of text, the one restored character a
  dictionary cannot score.
"""

from __future__ import annotations

import importlib.util
import math
import re
from functools import lru_cache
from pathlib import Path

from pipeline.normalize.script import to_simplified

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_PLACE_WEIGHT = 3.5  # a gazetteer name counts like a dictionary word of frequency ~3000
_REFERENCE_WEIGHT = 6.0  # an n-gram seen in clean reference text outweighs any dictionary evidence
_STOP_WEIGHT = 3.5
_RARE_SINGLE = math.log10(2000)  # a lone character rarer than this is suspect (杆 1441, 孟 884, 嗽 271)
_CHAR_WEIGHT = 0.1  # common characters: enough to order candidates, never enough to decide alone
_OPENERS = "“‘「『《（(【"
_CLOSERS = "”’」』》）)】"
_SENTENCE_END = "。！？"
_MIN_CLAUSE = 3  # CJK characters between an opening quote and a sentence end
REFERENCE_N = 4


@lru_cache(maxsize=1)
def _jieba_entries() -> tuple[dict[str, float], dict[str, float]]:
    """jieba's dictionary as (words of two characters or more, single characters), each entry mapped
    to log10(frequency + 1); read from the package's data file without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the jieba package is not installed; run `make setup`")
    path = Path(list(spec.submodule_search_locations)[0]) / "dict.txt"
    words: dict[str, float] = {}
    singles: dict[str, float] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split(" ")
            if len(parts) >= 2:
                (singles if len(parts[0]) == 1 else words)[parts[0]] = math.log10(int(parts[1]) + 1)
    return words, singles


def dictionary() -> dict[str, float]:
    return _jieba_entries()[0]


def single_characters() -> dict[str, float]:
    return _jieba_entries()[1]


@lru_cache(maxsize=1)
def character_weights() -> dict[str, float]:
    """log10 of how often each character occurs in the dictionary's words, weighted by frequency:
    the "common characters" evidence, used to order candidates nothing else separates."""
    totals: dict[str, float] = {}
    for word, weight in dictionary().items():
        for char in set(word):
            totals[char] = totals.get(char, 0.0) + 10 ** weight
    return {char: math.log10(total + 1) for char, total in totals.items()}


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    from pipeline.reconcile.gazetteer import gazetteer

    gaz = gazetteer()
    names = set()
    for division in gaz.by_code.values():
        names.add(division.name)
        if division.level == "province":
            names.add(gaz.short_province(division.name))
        elif division.name.endswith(("市", "县", "区")) and len(division.name) > 2:
            names.add(division.name[:-1])
    return frozenset(n for n in names if len(n) >= 2)


@lru_cache(maxsize=1)
def place_name_forms() -> tuple[str, ...]:
    """Place names as a Simplified or a Traditional page may write them (the mirrors' text was
    Traditional when its bytes were damaged)."""
    import opencc

    to_traditional = opencc.OpenCC("s2t")
    forms = set(place_names())
    forms.update(to_traditional.convert(name) for name in place_names())
    return tuple(sorted(forms))


@lru_cache(maxsize=65536)
def _simple_char(char: str) -> str:
    converted = to_simplified(char)
    return converted if len(converted) == 1 else char


def simplify_chars(text: str) -> str:
    """Character-by-character Simplified form (same length as the input): cheap enough to run on
    every candidate, and exact enough for looking words up."""
    return "".join(_simple_char(c) for c in text)


class Lexicon:
    """Scores windows of text; ``references`` are clean texts whose n-grams count as strong evidence."""

    def __init__(self, references: list[str] | None = None):
        self.words = dictionary()
        self.places = place_names()
        self.reference_grams: set[str] = set()
        for text in references or []:
            self.add_reference(text)

    def add_reference(self, text: str) -> None:
        simple = to_simplified(text)
        self.reference_grams.update(simple[i:i + REFERENCE_N] for i in range(len(simple) - REFERENCE_N + 1))

    def score(self, text: str, positions: set[int]) -> float:
        """Evidence for the characters at ``positions`` of ``text``: every dictionary word, place name
        and reference n-gram that covers one of them, plus sentence punctuation in a plausible place."""
        simple = simplify_chars(text)
        total = 0.0
        starts = {s for p in positions for s in range(max(0, p - 4), p + 1)}
        for start in starts:
            for length in (2, 3, 4, 5):
                end = start + length
                if end > len(simple) or not any(start <= p < end for p in positions):
                    continue
                gram = simple[start:end]
                total += self.words.get(gram, 0.0)
                if gram in self.places:
                    total += _PLACE_WEIGHT
                if length == REFERENCE_N and gram in self.reference_grams:
                    total += _REFERENCE_WEIGHT
        weights = character_weights()
        for p in positions:
            total += self._punctuation(simple, p) + _CHAR_WEIGHT * weights.get(simple[p], 0.0)
        return total

    def covered(self, text: str) -> set[int]:
        """Positions of ``text`` that some dictionary word or place name (two characters or more) covers."""
        simple = simplify_chars(text)
        positions: set[int] = set()
        for i in range(len(simple)):
            for length in (2, 3, 4, 5):
                gram = simple[i:i + length]
                if len(gram) == length and (gram in self.words or gram in self.places):
                    positions.update(range(i, i + length))
        return positions

    def stray_characters(self, text: str, start: int, end: int) -> list[str]:
        """Characters of text[start:end] that read as noise: a full-width letter or digit (a sign the
        run held more damage), or a rare character that no word around it explains (a sign a byte went
        missing and merged two characters into one)."""
        covered = self.covered(text)
        singles = single_characters()
        stray = []
        for i in range(start, end):
            char = text[i]
            if "\uff01" <= char <= "\uff5e":
                stray.append(char)
            elif _CJK.match(char) and i not in covered and singles.get(_simple_char(char), 0.0) < _RARE_SINGLE:
                stray.append(char)
        return stray

    def _word_at(self, text: str, start: int) -> bool:
        return any(text[start:start + n] in self.words for n in (2, 3, 4) if start + n <= len(text))

    def _punctuation(self, text: str, p: int) -> float:
        """A sentence end after a clause and before a quote mark or a word is ordinary prose; right
        after an opening quote (``“看。”``) or before a broken word (``。块建设``) it is not."""
        if text[p] not in _SENTENCE_END or p == 0:
            return 0.0
        before, after = text[p - 1], text[p + 1] if p + 1 < len(text) else ""
        if not (_CJK.match(before) or before in _CLOSERS):
            return 0.0
        if after and after not in _OPENERS + _CLOSERS and not self._word_at(text, p + 1):
            return 0.0
        clause = re.split(f"[{_OPENERS}{_SENTENCE_END}]", text[:p])[-1]
        if len(clause) < len(text[:p]) and len(_CJK.findall(clause)) < _MIN_CLAUSE:
            return 0.0
        return _STOP_WEIGHT
