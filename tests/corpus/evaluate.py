"""The text-repair corpus: generate the synthetic cases, and measure repair rate and false positives.

    python tests/corpus/evaluate.py              # repair rate on synthetic.jsonl, changes on negative.jsonl,
                                                 # false positives and encodings on ../shared/realworld
    python tests/corpus/evaluate.py --regenerate # rebuild synthetic.jsonl from the white paper's sentences

Synthetic cases come from the damage simulator (pipeline.normalize.gbk_shift.simulate) run over clean
sentences of raw/ccid2020_whitepaper.txt, in Simplified and in Traditional (OpenCC s2t), keeping the
sentences the mechanism actually damages. The repair runs with the dictionary and gazetteer only, no
reference text, so the rate measures the algorithm rather than a lookup of the answer.

Fresh sentences (fresh_sentences.txt) are 99 sentences of news-style prose written apart from raw/,
after the scorer, by a reviewer who set out to find its limits (16 of them built to be hard: 保康 and
海康, 樱花 and 校花, 都市圈 and 都市人); the simulator damages 57 of them. They measure the repair on
prose it was not built on.

The same sentences are measured again as a decoder that drops the private-use pairs a shifted run
produces would show them (the Tahaoo mirror's variant): a dropped pair merges two characters into one,
often a common one. Each line is read as a page whose runs show no private-use character, so every
place of its runs may hide a drop; most of these lines hide several, and are flagged.

Cut runs are a harder set made the same way on the fly: a comma put at every place inside each
sentence's first damaged run, so that the run ends early and its last character loses its second
byte, with only the text before it to tell which it was (the comma often splits a word, which prose
does not, so more of these are flagged than on real pages).

Every case stands for a line of a damaged page and is read as the pipeline reads one: with the
document's evidence that it shows the damage (a span with nothing shifted of its own, ``?!?`` at a
line's end, is read only then). The negatives are read the same way, the harder test.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.normalize.gbk_shift import DAMAGE_SITE, repair, simulate  # noqa: E402
from pipeline.normalize.lexicon import Lexicon  # noqa: E402


def load_all(name: str) -> list[dict]:
    """Every case of a corpus file (README.md beside this file: the schema)."""
    return [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def load(name: str, repair_kind: str = "gbk_shift") -> list[dict]:
    """The cases of a corpus file for one repair."""
    return [case for case in load_all(name) if case.get("repair", "gbk_shift") == repair_kind]


_STRAIGHT_PAIR = re.compile(r'"([^"]*)"')
_FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"})
_HALF_WIDTH = str.maketrans({full: chr(half) for half, full in _FULL_WIDTH.items()})


def clean_sentences() -> list[str]:
    """Pairs of consecutive sentences from the lines of raw/ that carry no damage (no '?', no
    private-use or replacement character), normalised, in Simplified and in Traditional."""
    import opencc

    from pipeline.ingest import read_source
    from pipeline.normalize import normalize_lines

    sentences = set()
    for path in sorted((ROOT / "raw").glob("*.txt")):
        lines, _ = normalize_lines(read_source(path).lines)
        for line in lines:
            if ("\t" in line or "|" in line or "?" in line or re.search("[\ue000-\uf8ff\ufffd]", line)
                    or len(re.findall(r"[\u4e00-\u9fff]", line)) < 12):
                continue
            curly = _STRAIGHT_PAIR.sub(r"“\1”", line).replace('"', "“")  # as the page had them: in pairs
            parts = [p.strip().lstrip("#-▶> ") for p in re.findall(r"[^。；！？]+[。；！？]?", curly)]
            for first, second in zip(parts, parts[1:] + [""]):
                sentence = first + second  # two sentences, so a full stop meets the next sentence
                if 10 <= len(sentence) <= 160 and "\ufffd" not in sentence:
                    sentences.add(sentence)
    traditional = opencc.OpenCC("s2t")
    return sorted(sentences | {traditional.convert(s) for s in sentences})


def regenerate() -> int:
    """The pages had full-width punctuation before the faulty conversion: damage that original, and
    expect what a correct conversion would have given (the clean sentence with ASCII punctuation)."""
    cases = []
    for sentence in clean_sentences():
        damaged = simulate(sentence.translate(_FULL_WIDTH))
        if damaged != sentence:
            cases.append({"damaged": damaged, "expected": sentence})
    others = [case for case in load_all("synthetic.jsonl") if case.get("repair", "gbk_shift") != "gbk_shift"]
    with open(HERE / "synthetic.jsonl", "w", encoding="utf-8") as handle:
        for case in cases + others:  # the other repairs' cases are kept as they are
            handle.write(json.dumps(case, ensure_ascii=False) + "\n")
    return len(cases)


def fresh(drop_private_use: bool = False) -> list[dict]:
    """The fresh sentences the simulator damages, each expected back as a correct conversion gives it.
    With ``drop_private_use`` (the decoder of the Tahaoo mirror): those whose damage the dropped
    private-use pairs make different from the plain mechanism's."""
    cases = []
    for sentence in (HERE / "fresh_sentences.txt").read_text(encoding="utf-8").splitlines():
        damaged, clean = simulate(sentence, drop_private_use=drop_private_use), sentence.translate(_HALF_WIDTH)
        if damaged != clean and not (drop_private_use and damaged == simulate(sentence)):
            cases.append({"damaged": damaged, "clean": clean})
    return cases


_MAX_CUTS = 40  # places per run at which a comma is put


def cut_runs() -> list[dict]:
    """Damaged sentences whose first shifted run a comma cuts short, at every place in it."""
    cases: dict[str, dict] = {}
    for sentence in clean_sentences():
        original = sentence.translate(_FULL_WIDTH)
        site = DAMAGE_SITE.search(simulate(original))
        if site is None:
            continue
        # the run goes on to the next ASCII character of the original
        end = next((i for i in range(site.start() + 1, len(original)) if ord(original[i]) < 0x80), len(original))
        for cut in range(site.start() + 2, min(end, site.start() + _MAX_CUTS)):
            damaged = simulate(original[:cut] + "," + original[cut:])
            cases.setdefault(damaged, {"damaged": damaged, "clean": sentence[:cut] + "," + sentence[cut:]})
    return list(cases.values())


def repair_rate(cases: list[dict], lexicon: Lexicon) -> tuple[dict[str, int], list[dict]]:
    """How many cases came out exact, flagged and left as is, partly repaired (each change right, the
    rest flagged) and wrong (some change is not the clean text); and the failures."""
    outcomes = dict.fromkeys(("exact", "flagged", "partly repaired", "wrong"), 0)
    failures = []
    for case in cases:
        text, repairs = repair(case["damaged"], 1, lexicon, evidence=True)
        if text == case["clean"]:
            outcome = "exact"
        elif text == case["damaged"]:
            outcome = "flagged"
        elif all(r.after in case["clean"] for r in repairs if r.after != r.before):
            outcome = "partly repaired"
        else:
            outcome = "wrong"
        outcomes[outcome] += 1
        if outcome != "exact":
            failures.append({**case, "got": text, "outcome": outcome})
    return outcomes, failures


def summary(outcomes: dict[str, int]) -> str:
    total = sum(outcomes.values())
    return (f"{outcomes['exact']}/{total} repaired exactly ({100 * outcomes['exact'] / total:.1f}%), "
            f"{outcomes['flagged']} flagged and left as is, {outcomes['partly repaired']} partly repaired "
            f"(the rest flagged), {outcomes['wrong']} changed wrongly")


def false_positives(cases: list[dict], lexicon: Lexicon) -> list[dict]:
    return [case for case in cases if repair(case["damaged"], 1, lexicon, evidence=True)[0] != case["expected"]]


def shared_realworld() -> Path | None:
    """``../shared/realworld`` beside the project (a work tree one level deeper looks two up), if there."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "realworld").is_dir():
            return base / "shared" / "realworld"
    return None


def prose_checker(realworld: Path):
    """The acceptance's rule for a changed line (shared/tools/prose_check.py): OpenCC's own t2s,
    variant characters and letter-spaced runs closed up aside."""
    sys.path.insert(0, str(realworld.parent / "tools"))
    import prose_check

    return lambda got, line: prose_check.allowed(got, prose_check.CC.convert(line))


def false_positives_on(paths: list[Path], render: bool, allowed) -> tuple[int, int, list[str]]:
    """Lines ``normalize`` changed beyond what ``allowed`` lets pass, of how many, with the first few:
    text files as `normalize FILE` reads them, pages rendered as a run reads them (``render``)."""
    from pipeline.ingest import read_source
    from pipeline.normalize import normalize_lines

    wrong, total, shown = 0, 0, []
    for path in paths:
        lines = read_source(path, blank_ok=True, render=render).lines
        fixed, _ = normalize_lines(lines)
        total += len(lines)
        for number, (line, got) in enumerate(zip(lines, fixed), 1):
            if not allowed(got, line):
                wrong += 1
                shown.append(f"  {path.name}:{number}: {line[:50]!r} -> {got[:50]!r}")
    return wrong, total, shown


# The true encoding (the second field of a file name in realworld/encodings/) as Python decodes it;
# None for one Python has no codec for, which must be refused by its name.
_CODECS = {"gb2312": "gb18030", "gbk": "gbk", "gb18030": "gb18030", "big5": "big5hkscs", "hz-gb-2312": "hz",
           "utf-8": "utf-8", "utf-16": "utf-16", "utf-16le": "utf-16-le", "utf-16be": "utf-16-be", "utf-32": "utf-32",
           "utf-32le": "utf-32-le", "utf-32be": "utf-32-be", "euc-tw": None}


def encoding_results(folder: Path) -> tuple[dict[str, int], list[str]]:
    """Each file decoded right (the text its true encoding gives), refused naming its encoding, or
    wrong (another text, or refused for another reason)."""
    from pipeline.ingest import decode
    from pipeline.model import PipelineError

    outcomes = dict.fromkeys(("decoded right", "refused by name", "wrong"), 0)
    failures = []
    for path in sorted(folder.iterdir()):
        true = path.name.split("__")[1]
        data = path.read_bytes()
        try:
            text, name, _ = decode(data, path)
        except PipelineError as error:
            outcome = "refused by name" if _CODECS.get(true.lower(), "") is None and true in str(error) else "wrong"
        else:
            codec = _CODECS.get(true.lower())
            outcome = "decoded right" if codec and text == data.decode(codec, errors="replace") else "wrong"
        outcomes[outcome] += 1
        if outcome == "wrong":
            failures.append(f"  {path.name}")
    return outcomes, failures


def realworld_measures(show: int) -> None:
    realworld = shared_realworld()
    if realworld is None:
        print("realworld: ../shared/realworld is not here; prose, html and encoding measures skipped")
        return
    allowed = prose_checker(realworld)
    for folder, render in (("prose", False), ("html", True)):
        wrong, total, shown = false_positives_on(sorted((realworld / folder).iterdir()), render, allowed)
        print(f"realworld {folder}: {wrong} of {total} lines changed beyond t2s (false positives)")
        for line in shown[:show]:
            print(line)
    outcomes, failures = encoding_results(realworld / "encodings")
    print("realworld encodings: " + ", ".join(f"{count} {what}" for what, count in outcomes.items())
          + f" of {sum(outcomes.values())} files")
    for line in failures[:show]:
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--show", type=int, default=0, help="print this many failures")
    args = parser.parse_args()
    if args.regenerate:
        print(f"synthetic.jsonl: {regenerate()} damaged sentences")
    lexicon = Lexicon()
    cases = [{"damaged": case["damaged"], "clean": case["expected"]} for case in load("synthetic.jsonl")]
    outcomes, failures = repair_rate(cases, lexicon)
    print(f"synthetic: {summary(outcomes)}")
    written, _ = repair_rate(fresh(), lexicon)
    print(f"fresh sentences: {summary(written)}")
    dropped, _ = repair_rate(fresh(drop_private_use=True), lexicon)
    print(f"fresh sentences, private-use pairs dropped by the decoder: {summary(dropped)}")
    cut, _ = repair_rate(cut_runs(), lexicon)
    print(f"cut runs: {summary(cut)}")
    negatives = load("negative.jsonl")
    changed = false_positives(negatives, lexicon)
    print(f"negative: {len(changed)} of {len(negatives)} changed (false positives)")
    for failure in failures[: args.show]:
        print(json.dumps(failure, ensure_ascii=False))
    realworld_measures(args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
