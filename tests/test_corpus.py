"""The text-repair corpus (tests/corpus/*.jsonl, schema in tests/corpus/README.md), every repair but the
byte damage's, which tests/test_gbk_shift.py runs through that repair alone: each case through
normalize, as a document of its lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.normalize import normalize_lines

CORPUS = Path(__file__).resolve().parent / "corpus"
FILES = ("in_the_wild", "synthetic", "negative", "known_failures")


def cases():
    for name in FILES:
        for number, line in enumerate((CORPUS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines(), 1):
            case = json.loads(line)
            if case.get("repair", "gbk_shift") != "gbk_shift":
                yield pytest.param(name, case, id=f"{name}:{number}:{case['repair']}")


def as_lines(value) -> list[str]:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("name, case", list(cases()))
def test_corpus_case(name, case):
    """In the wild and synthetic: repaired as expected; negative: nothing but the script conversion
    (the expected text); known failures: never changed wrongly (each line as expected, or exactly as read)."""
    damaged = as_lines(case["damaged"])
    fixed, _ = normalize_lines(damaged)
    expected = damaged if case["expected"] is None else as_lines(case["expected"])
    if name != "known_failures":
        assert fixed == expected, case["note"]
        return
    assert all(line in (right, read) for line, right, read in zip(fixed, expected, damaged))
    if fixed != expected:
        pytest.xfail(case["note"])


def test_every_case_follows_the_schema():
    allowed = {"repair", "source", "line", "damaged", "expected", "note"}
    for name in FILES:
        for line in (CORPUS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            assert {"damaged", "expected"} <= set(case) <= allowed, (name, case)
            assert name != "negative" or case.get("repair", "gbk_shift") != "gbk_shift" or case["expected"] == case["damaged"]
