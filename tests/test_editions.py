"""An edition is data: dropping a 2021 ranking into raw/ gives the ccid2021 tables and checks the
2021 claim against them; declaring a 2022 edition is one file in a folder of edition files."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT, read_table
from pipeline.editions import load_editions
from pipeline.model import PipelineError

FOUR = ("山东省", "江苏省", "广东省", "浙江省")


def invented_list(gaz, from_four: int) -> list[tuple[str, str]]:
    """100 (city, province) pairs, ``from_four`` of them in 山东、江苏、广东、浙江, interleaved."""
    cities = [d for d in gaz.city_divisions() if d.level == "prefecture"]
    four = [(d.name, d.province) for d in cities if d.province in FOUR][:from_four]
    rest = [(d.name, d.province) for d in cities if d.province not in FOUR][:100 - from_four]
    out = []
    while four or rest:
        out.extend([four.pop(0)] if four else [])
        out.extend(rest.pop(0) for _ in range(min(2, len(rest))))
    return out


def pipe_table(title: str, rows: list[tuple[str, str]]) -> str:
    return f"{title}\n排名 | 城市 | 省份\n" + "\n".join(f"{n} | {c} | {p}" for n, (c, p) in enumerate(rows, 1)) + "\n"


@pytest.fixture(scope="module")
def with_new_editions(tmp_path_factory, gaz):
    """raw/ as it is, plus a 2021 repost and a 2022 list; editions/ as it is, plus ccid2022.toml."""
    from pipeline.run import run

    raw = tmp_path_factory.mktemp("raw")
    for path in (ROOT / "raw").glob("*"):
        if path.is_file():
            shutil.copy(path, raw)
    (raw / "repost_2021.txt").write_text(pipe_table("2021年中国城市数字化转型白皮书：数字百强城市", invented_list(gaz, 44)),
                                         encoding="utf-8")
    (raw / "list_2022.txt").write_text(pipe_table("2022年数字城市百强", invented_list(gaz, 40)[::-1]), encoding="utf-8")
    editions = tmp_path_factory.mktemp("editions")
    for path in (ROOT / "editions").glob("*.toml"):
        shutil.copy(path, editions)
    (editions / "ccid2022.toml").write_text((ROOT / "editions" / "ccid2021.toml").read_text(encoding="utf-8")
                                            .replace("2021", "2022"), encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    return run(raw, out, editions_dir=editions), out


def test_a_2021_ranking_gets_its_tables_and_its_claim_checked(with_new_editions, gaz):
    code, out = with_new_editions
    top = read_table(out, "ccid2021_top100").set_index("rank")
    expected = invented_list(gaz, 44)
    assert len(top) == 100 and top.loc[1, "city"] == expected[0][0] and top.loc[100, "city"] == expected[99][0]
    assert set(read_table(out, "ccid2021_top100_by_source")["source_id"]) == {"repost_2021"}
    shares = read_table(out, "ccid2021_top100_by_province").set_index("province")["n_cities"]
    assert sum(shares.get(p, 0) for p in FOUR) == 44
    claims = read_table(out, "claims")
    four, = claims[claims.expected == "44.0%"].itertuples()
    assert (four.edition, four.status) == (2021, "verified")
    assert four.evidence.startswith("ccid2021_top100 ranks ")
    # the 2020 tables are as before: the 2021 list is no copy of them
    assert set(read_table(out, "ccid2020_top100_by_source")["source_id"]) == {"ccid2020_whitepaper",
                                                                             "rfidworld_repost_ccid2020"}
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    for name in ("ccid2021_top100", "ccid2021_top100_by_source", "ccid2021_top100_by_region", "ccid2022_top100"):
        assert report["tables"][name]["success"], name
    assert code == 0


def test_a_declared_edition_is_one_file(with_new_editions):
    _, out = with_new_editions
    top = read_table(out, "ccid2022_top100")
    assert len(top) == 100 and set(read_table(out, "ccid2022_top100_by_source")["source_id"]) == {"list_2022"}
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    titles = {r["name"]: r["title"] for r in package["resources"]}
    assert titles["ccid2022_top100"] == "CCID 2022 China digital-city top 100 (consensus)"


def test_an_edition_not_in_raw_publishes_nothing(seed_run):
    _, out = seed_run
    assert not list(out.glob("ccid2021_*"))
    claims = read_table(out, "claims")
    assert claims[claims.expected == "44.0%"]["status"].tolist() == ["out_of_scope"]


@pytest.mark.parametrize("text, message", [
    ('id = "x2020"\n', "lacks families, publish, publisher, publisher_patterns, year"),
    ('id = "Wrong"\npublisher = "p"\npublisher_patterns = ["p"]\nyear = 2020\nfamilies = []\npublish = "always"\n',
     "must be the file's name"),
    ('id = "bad2020"\npublisher = "p"\npublisher_patterns = ["p"]\nyear = 2020\nfamilies = ["rankingz"]\n'
     'publish = "always"\n', "families rankingz are not table families"),
    ('id = "bad2020"\npublisher = "p"\npublisher_patterns = ["p"]\nyear = 2020\nfamilies = []\npublish = "sometimes"\n',
     "publish = 'sometimes'"),
])
def test_a_malformed_edition_file_is_refused_by_name(tmp_path, text, message):
    (tmp_path / "bad2020.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PipelineError, match=message):
        load_editions(tmp_path)
