"""How plausible a restored character is in its context: the scorer the byte-damage repair consults.

Evidence, each from a maintained source or from the documents themselves:
- words with corpus frequencies: jieba's dictionary (349k words) and jionlp's word distribution (197k
  words, 67k of them not in jieba: 看海, 张网, 专病), its counts put on jieba's scale; looked up in
  Simplified form (wordfreq's Chinese list was measured beside them and not kept: it moved no repair
  and its tokenizer's fragments, 客行, made one wrong, 一个剑客 read as 一个。客);
- how common each character is (jionlp's character distribution), to order candidates nothing else
  separates;
- the gazetteer's names (provinces, cities, counties, official and short), more so right after the
  province or prefecture they lie in (湖北保康县);
- reference text: n-grams of clean text (other sources in the run, clean lines of the same
  document), so the same sentence in a cleaner copy outweighs everything else;
- sentence punctuation: a full stop between two runs of text, the one restored character a
  dictionary cannot score;
- quotation marks: a closing mark where a quotation is open, and a short quoted term that is a word
  (“看海”), since prose quotes terms far more often than fragments.

``score`` weighs the evidence for the restored characters of readings of the same length.
``likelihood`` compares readings of different lengths (a private-use pair the decoder dropped hid two
characters): the likeliest split into words by the same frequencies, marks counted as often as they
occur, a line's end where prose lines end, and reference n-grams.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from functools import lru_cache

from pipeline.normalize.script import to_simplified
from pipeline.package_data import jionlp_distribution, package_file

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_PLACE_WEIGHT = 3.5  # a gazetteer name counts like a dictionary word of frequency ~3000
_PARENT_WEIGHT = 2.0  # and more right after the province or prefecture it lies in (湖北保康县)
_REFERENCE_WEIGHT = 6.0  # an n-gram seen in clean reference text outweighs any dictionary evidence
_STOP_WEIGHT = 3.5
_QUOTE_WEIGHT = 2.0  # a closing mark that closes the open quotation
_TERM_WEIGHT = 2.0  # a quoted term of two to six characters that is a dictionary word or place name
QUOTE_PAIRS = {"”": "“", "’": "‘", "」": "「", "』": "『", "》": "《", "）": "（", "】": "【"}
_QUOTED_TERM = re.compile(r"“([\u3400-\u4dbf\u4e00-\u9fff]{2,6})”")
_RARE_SINGLE = math.log10(2000)  # a lone character rarer than this is suspect (杆 1441, 孟 884, 嗽 271)
_ALONE = math.log10(30000)  # written alone as often as 们 (41700) or 及 (50100): 克 and 错 (6300) are not
_USED_WORD = 2.0  # a word of frequency 100 or more (位错 19, 成性 7 are not)
_CHAR_WEIGHT = 0.1  # common characters: enough to order candidates, never enough to decide alone
_OPENERS = "“‘「『《（(【"
_CLOSERS = "”’」』》）)】"
_SENTENCE_END = "。！？"
_MIN_CLAUSE = 3  # CJK characters between an opening quote and a sentence end
# Lines of prose of ten Han characters or more that end with a mark against those that end with a Han
# character: 7793 and 862 in real prose measured (../shared/realworld/prose, raw/)
_LINE_ENDS_MARKED = math.log10(7793 / 862)
REFERENCE_N = 4


@lru_cache(maxsize=1)
def _jieba_entries() -> tuple[dict[str, float], dict[str, float]]:
    """jieba's dictionary as (words of two characters or more, single characters), each entry mapped
    to log10(frequency + 1); read from the package's data file without importing jieba."""
    words: dict[str, float] = {}
    singles: dict[str, float] = {}
    with open(package_file("jieba", "dict.txt"), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split(" ")
            if len(parts) >= 2:
                (singles if len(parts[0]) == 1 else words)[parts[0]] = math.log10(int(parts[1]) + 1)
    return words, singles


@lru_cache(maxsize=1)
def _jionlp_shift() -> float:
    """log10 of how much larger jionlp's corpus counts are than jieba's, over the words both have."""
    jieba_words = _jieba_entries()[0]
    theirs = ours = 0.0
    for word, count in _jionlp_words().items():
        if word in jieba_words:
            theirs += count
            ours += 10 ** jieba_words[word] - 1
    return math.log10(theirs / ours) if ours and theirs else 0.0


@lru_cache(maxsize=1)
def _jionlp_words() -> dict[str, int]:
    return {w: n for w, n in jionlp_distribution("word_distribution").items() if len(w) >= 2 and CJK.match(w)}


@lru_cache(maxsize=1)
def dictionary() -> dict[str, float]:
    """Words of two characters or more to log10(frequency + 1) on jieba's scale: the larger of
    jieba's figure and jionlp's (scaled)."""
    words = dict(_jieba_entries()[0])
    shift = _jionlp_shift()
    for word, count in _jionlp_words().items():
        scaled = max(math.log10(count + 1) - shift, 0.0)
        if scaled > words.get(word, 0.0):
            words[word] = scaled
    return words


def single_characters() -> dict[str, float]:
    return _jieba_entries()[1]


@lru_cache(maxsize=1)
def _singles_and_marks() -> dict[str, float]:
    """jieba's single characters, and jionlp's frequencies for those it lacks (marks among them)."""
    return {**character_weights(), **single_characters()}


@lru_cache(maxsize=1)
def _word_endings() -> dict[str, str]:
    """The first one or two characters of each dictionary word of two or three that prose uses -> the
    characters that end such a word (built on first use, about 10 MB)."""
    endings: dict[str, set[str]] = {}
    for word, weight in dictionary().items():
        if len(word) <= 3 and weight >= _USED_WORD:
            endings.setdefault(word[:-1], set()).add(word[-1])
    return {start: "".join(sorted(chars)) for start, chars in endings.items()}


@lru_cache(maxsize=1)
def _log_total() -> float:
    """log10 of the corpus size behind the frequencies: the sum over every entry."""
    return math.log10(sum(10 ** v for v in single_characters().values()) + sum(10 ** v for v in dictionary().values()))


@lru_cache(maxsize=1)
def character_weights() -> dict[str, float]:
    """log10 of each character's corpus frequency (jionlp's character distribution) on jieba's
    scale: the "common characters" evidence, used to order candidates nothing else separates."""
    shift = _jionlp_shift()
    return {char: max(math.log10(count + 1) - shift, 0.0)
            for char, count in jionlp_distribution("char_distribution").items() if len(char) == 1}


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Official names, and the short forms prose uses: provinces (广西), prefectures and cities
    without their suffix (深圳, 昆山). A county or district is written with its suffix (张湾区), so
    its bare stem is no evidence: 一张湾 is not a place."""
    return frozenset(_places())


@lru_cache(maxsize=1)
def place_parents() -> dict[str, frozenset[str]]:
    """Each place name to the names of the province and prefecture it lies in (保康县: 湖北省, 湖北,
    襄阳市, 襄阳); prose often writes a place right after them (湖北保康县)."""
    return {name: frozenset(parents) for name, parents in _places().items() if parents}


@lru_cache(maxsize=1)
def _places() -> dict[str, set[str]]:
    from pipeline.reconcile.gazetteer import gazetteer

    gaz = gazetteer()
    forms: dict[str, set[str]] = {}
    for division in gaz.by_code.values():
        parents = set()
        if division.level != "province":
            parents |= _forms(gaz, gaz.province_of(division))
            if division.prefecture and division.prefecture != division.name:
                parents |= {division.prefecture, *_short_forms(division.prefecture, "prefecture")}
        for name in _forms(gaz, division):
            forms.setdefault(name, set()).update(parents)
    return forms


def _forms(gaz, division) -> set[str]:
    """A division's name and the short forms prose uses for it, two characters or more."""
    names = {division.name}
    if division.level == "province":
        names.add(gaz.short_province(division.name))
    else:
        names.update(_short_forms(division.name, division.level))
    return {name for name in names if len(name) >= 2}


def _short_forms(name: str, level: str) -> set[str]:
    if len(name) > 2 and (name.endswith("市") or (level == "prefecture" and name.endswith(("县", "区")))):
        return {name[:-1]}
    return set()


@lru_cache(maxsize=1)
def place_name_forms() -> tuple[str, ...]:
    """Place names as a Simplified or a Traditional page may write them (the mirrors' text was
    Traditional when its bytes were damaged)."""
    return tuple(sorted({form for name in place_names() for form in written_forms(name)}))


def written_forms(name: str) -> set[str]:
    """A Simplified name and its Traditional form."""
    return {name, _to_traditional().convert(name)}


@lru_cache(maxsize=1)
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2t")


@lru_cache(maxsize=65536)
def _simple_char(char: str) -> str:
    converted = to_simplified(char)
    return converted if len(converted) == 1 else char


_SIMPLE: dict[str, str] = {}  # each character met, to its Simplified form: simplify_chars runs on every candidate


def simplify_chars(text: str) -> str:
    """Character-by-character Simplified form (same length as the input): cheap enough to run on
    every candidate, and exact enough for looking words up."""
    simple = _SIMPLE
    return "".join([simple[c] if c in simple else simple.setdefault(c, _simple_char(c)) for c in text])


def _misplaced_stop(text: str, p: int) -> bool:
    """Whether a sentence end at text[p] has no clause before it: at a line's start, after something
    that is neither a Han character nor a closing mark, or after an opening quote and fewer than three
    Han characters (``“看。”``)."""
    if p == 0:
        return True
    before = text[p - 1]
    if not (CJK.match(before) or before in _CLOSERS):
        return True
    clause = re.split(f"[\n{_OPENERS}{_SENTENCE_END}]", text[:p])[-1]  # '\n': where the line starts
    return len(clause) < len(text[:p]) and len(CJK.findall(clause)) < _MIN_CLAUSE


def _closes_quotation(text: str, p: int) -> float:
    """A closing mark earns its weight when the text before it holds an opening mark of its pair
    that nothing has closed yet; any other restored mark earns nothing here."""
    opener = QUOTE_PAIRS.get(text[p])
    if opener is None:
        return 0.0
    before = text[:p]
    return _QUOTE_WEIGHT if before.rfind(opener) > before.rfind(text[p]) else 0.0


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
        ordered = sorted(positions)
        words, places, size = self.words, self.places, len(simple)
        for start in starts:
            covered_from = ordered[bisect_left(ordered, start)] + 1  # the shortest gram from start covering one
            for length in (2, 3, 4, 5):
                end = start + length
                if end > size or end < covered_from:
                    continue
                gram = simple[start:end]
                total += words.get(gram, 0.0)
                if gram in places:
                    total += _PLACE_WEIGHT
                    if any(simple.endswith(parent, 0, start) for parent in place_parents().get(gram, ())):
                        total += _PARENT_WEIGHT
                if length == REFERENCE_N and gram in self.reference_grams:
                    total += _REFERENCE_WEIGHT
        weights = character_weights()
        for p in positions:
            total += (self._punctuation(simple, p) + _closes_quotation(simple, p)
                      + _CHAR_WEIGHT * weights.get(simple[p], 0.0))
        for term in _QUOTED_TERM.finditer(simple):
            if any(term.start(1) <= p < term.end(1) for p in positions) and (
                    term.group(1) in self.words or term.group(1) in self.places):
                total += _TERM_WEIGHT
        return total

    def likeliest_split(self, text: str, with_places: bool = False, marks: bool = False) -> tuple[float, list[int]]:
        """The likeliest split of ``text`` into dictionary words and single characters (a unigram
        model over jieba's and jionlp's frequencies): its log10 probability and where its words end.
        A character no entry knows counts as rarer than any that does. ``with_places`` counts a place
        name as a word of frequency ~3000; frequencies alone are the byte-damage repair's second
        opinion, where a place name would speak for any reading that happens to spell one (海口).
        ``marks``: a character jieba does not list (punctuation, 。 and “ among them) counts as often
        as jionlp's character distribution has it, for comparing texts that differ by a mark."""
        places = self.places if with_places else frozenset()
        simple = simplify_chars(text)
        total = _log_total()
        singles = _singles_and_marks() if marks else single_characters()
        unknown = -total - 1.0
        best = [0.0] + [-math.inf] * len(simple)
        start_of = [0] * (len(simple) + 1)  # where the last word of the best split up to each end begins
        for end in range(1, len(simple) + 1):
            char = simple[end - 1]
            best[end] = best[end - 1] + (singles[char] - total if char in singles else unknown)
            start_of[end] = end - 1
            for length in (2, 3, 4, 5):
                if end - length < 0:
                    break
                word = simple[end - length:end]
                weight = max(self.words.get(word, 0.0), _PLACE_WEIGHT if word in places else 0.0)
                if weight and best[end - length] + weight - total > best[end]:
                    best[end] = best[end - length] + weight - total
                    start_of[end] = end - length
        ends = []
        end = len(simple)
        while end > 0:
            ends.append(end)
            end = start_of[end]
        return best[-1], ends[::-1]

    def following(self, text: str) -> str:
        """The characters that end a word prose uses (a dictionary word of two or three characters, of
        frequency 100 or more) after the last one or two characters of ``text``."""
        simple = simplify_chars(text)
        endings = _word_endings()
        return endings.get(simple[-1:], "") + (endings.get(simple[-2:], "") if len(simple) >= 2 else "")

    def likelihood(self, text: str) -> float:
        """How likely ``text`` is as prose, for comparing readings of different lengths: the likeliest
        split's log10 probability, place names counting as words and marks as often as they occur,
        except a sentence end with no clause before it (at a line's start, right after an opening
        quote), which counts as a character no entry knows. A text ending in "\n" ends its line, where
        prose has a mark: a mark there costs nothing, a Han character the odds against it. Each n-gram
        of reference text it holds weighs as it does in ``score``: a clean copy outweighs the rest."""
        ends_line = text.endswith("\n")
        text = text.removesuffix("\n")
        likely, _ = self.likeliest_split(text, with_places=True, marks=True)
        simple = simplify_chars(text)
        if self.reference_grams:
            likely += _REFERENCE_WEIGHT * sum(simple[i:i + REFERENCE_N] in self.reference_grams
                                              for i in range(len(simple) - REFERENCE_N + 1))
        weights = character_weights()
        for p, char in enumerate(simple):
            if char in _SENTENCE_END and _misplaced_stop(simple, p):
                likely -= weights.get(char, 0.0) + 1.0
        if ends_line and simple:
            if simple[-1] in _SENTENCE_END + _CLOSERS and simple[-1] in weights:
                likely += _log_total() - weights[simple[-1]]
            elif CJK.match(simple[-1]):
                likely -= _LINE_ENDS_MARKED
        return likely

    def covered(self, text: str, floor: float = 0.0) -> set[int]:
        """Positions of ``text`` that some dictionary word or place name (two characters or more) covers;
        ``floor``: only words of at least that log10 frequency count."""
        simple = simplify_chars(text)
        positions: set[int] = set()
        for i in range(len(simple)):
            for length in (2, 3, 4, 5):
                gram = simple[i:i + length]
                if len(gram) == length and (self.words.get(gram, -1.0) >= floor or gram in self.places):
                    positions.update(range(i, i + length))
        return positions

    def stray_characters(self, text: str, start: int, end: int) -> list[str]:
        """Characters of text[start:end] that read as noise: a full-width letter or digit or a
        private-use character (a sign the run held more damage than one lost byte), or a rare character
        that no word around it explains (a sign a byte went missing and merged two characters into one)."""
        covered = self.covered(text)
        singles = single_characters()
        stray = []
        for i in range(start, end):
            char = text[i]
            if "\uff01" <= char <= "\uff5e" or "\ue000" <= char <= "\uf8ff":
                stray.append(char)
            elif CJK.match(char) and i not in covered and singles.get(_simple_char(char), 0.0) < _RARE_SINGLE:
                stray.append(char)
        return stray

    def unexplained(self, text: str, positions: list[int]) -> list[int]:
        """Those of ``positions`` of ``text`` whose Han character nothing explains, where each may be two
        merged into one by a private-use pair the decoder dropped, common or not: a character is
        explained by a word prose uses around it (位错, a term of physics, does not explain 多位错), by
        quotation marks around it alone (“乡”), or if prose writes it alone as often as 们."""
        covered = self.covered(text, _USED_WORD)
        singles = single_characters()
        return [i for i in positions if CJK.match(text[i]) and i not in covered
                and singles.get(_simple_char(text[i]), 0.0) < _ALONE
                and not (0 < i < len(text) - 1 and text[i - 1] in _OPENERS and text[i + 1] in _CLOSERS)]

    def _word_at(self, text: str, start: int) -> bool:
        return any(text[start:start + n] in self.words for n in (2, 3, 4) if start + n <= len(text))

    def _punctuation(self, text: str, p: int) -> float:
        """A sentence end after a clause and before a quote mark or a word is ordinary prose; right
        after an opening quote (``“看。”``), at a line's start (``学。可以``) or before a broken word
        (``。块建设``) it is not."""
        if text[p] not in _SENTENCE_END or _misplaced_stop(text, p):
            return 0.0
        after = text[p + 1] if p + 1 < len(text) else ""
        if after and after not in _OPENERS + _CLOSERS and not self._word_at(text, p + 1):
            return 0.0
        return _STOP_WEIGHT


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon without reference text, built once per process (about 1.5 s: the dictionaries)."""
    return Lexicon()
