"""The byte-damage repair's cost grows with the damage, not faster: long lines of '?' and private-use
characters, Chinese text full of damage sites, and many damaged table cells, each at two sizes. Run with
`make bench`; the per-unit times are printed, and should stay about the same from one size to the next."""

from __future__ import annotations

import random
import time

import pytest

pytestmark = pytest.mark.benchmark


def junk(size: int) -> list[str]:
    """One line of '?', marks and private-use characters (no Chinese text around: none is read)."""
    chooser = random.Random(size)
    return ["".join(chooser.choice("??!:\ue000\ue1ee\ue5be") for _ in range(size))]


def damaged_prose(size: int) -> list[str]:
    """One long line of damaged Chinese sentences, each different (so no line or span is served twice)."""
    from pipeline.normalize.gbk_shift import simulate

    words = "城市 数据 治理 平台 服务 建设 智慧 交通 医疗 政务 创新 发展".split()
    chooser = random.Random(size)
    sentences = []
    while sum(map(len, sentences)) < size:
        sentences.append(simulate("".join(chooser.choice(words) for _ in range(4)) + "。可以"))
    return ["".join(sentences)]


def damaged_cells(count: int) -> list[str]:
    from pipeline.normalize.gbk_shift import simulate

    names = ["海口市", "海南海口", "上海市", "海淀区", "海东市", "海门区"]
    return [f"{n} | " + simulate(names[n % len(names)] + "</p>") + f" | 0.{n:03d} |" for n in range(count)]


@pytest.mark.parametrize("make, sizes, unit", [
    (junk, (20_000, 80_000), "character"),
    (damaged_prose, (2_000, 8_000), "character"),
    (damaged_cells, (200, 800), "cell"),
])
def test_cost_per_unit_stays_flat(benchmark, make, sizes, unit, capsys):
    from pipeline.normalize import normalize_lines

    normalize_lines(damaged_cells(2))  # dictionaries and the place-name index, loaded once
    times = []
    for size in sizes:
        lines = make(size)
        start = time.perf_counter()
        normalize_lines(lines)
        times.append((time.perf_counter() - start) / size)
    benchmark.pedantic(normalize_lines, args=(make(sizes[0]),), rounds=1, iterations=1)
    with capsys.disabled():
        print(f"\n{make.__name__}: " + ", ".join(f"{size}: {t * 1e6:.1f} µs per {unit}" for size, t in zip(sizes, times)))
