"""Curated inputs: correction files in raw/corrections/ and the known-gaps file, read from a tmp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.curated import Corrections, KnownGap, load_corrections, load_known_gaps
from pipeline.model import PipelineError

DOMAIN_ENTRY = """
[[domain_cities]]
edition = "ccid2020"
domain = "数字经济"
province = "湖北省"
cities = ["武汉市", "宜昌市"]
provenance = "typed from the printed paper"
"""
INDICATOR_ENTRY = """
[[indicator]]
edition = "ccid2020"
no = 2
level2 = "信息网络"
provenance = "the printed table reads 信息网络"
"""
GAP = """
[[gap]]
table = "ccid2020_domain_top100"
domain = "数字经济"
province = "湖北省"
missing = 3
source = "test_paper.txt"
location = "表 9, row 湖北省"
reason = "printed with an empty city cell"
"""


def write_corrections(raw_dir: Path, **files: str) -> Path:
    """raw_dir/corrections/<name>.toml for each keyword; returns raw_dir."""
    folder = raw_dir / "corrections"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return raw_dir


def write_gaps(folder: Path, text: str) -> Path:
    path = folder / "known_gaps.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(raw_dir: Path) -> str:
    with pytest.raises(PipelineError) as caught:
        load_corrections(raw_dir)
    return str(caught.value)


def test_valid_entries_are_loaded_with_their_file(tmp_path):
    """Entries of every *.toml file are loaded by section, each tagged with corrections/<file>."""
    raw = write_corrections(tmp_path, hubei=DOMAIN_ENTRY, table1=INDICATOR_ENTRY)
    (raw / "corrections" / "README.md").write_text("not a correction file", encoding="utf-8")
    corrections = load_corrections(raw)
    assert corrections.domain_cities == [{"edition": "ccid2020", "domain": "数字经济", "province": "湖北省",
                                          "cities": ["武汉市", "宜昌市"], "provenance": "typed from the printed paper",
                                          "file": "corrections/hubei.toml"}]
    assert corrections.indicator == [{"edition": "ccid2020", "no": 2, "level2": "信息网络",
                                      "provenance": "the printed table reads 信息网络", "file": "corrections/table1.toml"}]
    assert corrections.for_edition("ccid2021", "indicator") == []


def test_an_entry_names_its_edition_or_its_file_does(tmp_path):
    """An entry without an edition key takes the edition the file's name starts with; with neither it is refused."""
    undated = INDICATOR_ENTRY.replace('edition = "ccid2020"\n', "")
    assert load_corrections(write_corrections(tmp_path / "a", ccid2021_table1=undated)).indicator[0]["edition"] == "ccid2021"
    message = load_error(write_corrections(tmp_path / "b", table1=undated))
    assert "does not say which edition it corrects" in message and 'edition = "ccid2020"' in message


def test_no_corrections_folder_means_no_corrections(tmp_path):
    """A raw folder without corrections/ yields empty lists."""
    assert load_corrections(tmp_path) == Corrections()


def test_entry_without_provenance_names_the_file(tmp_path):
    """An entry lacking provenance is refused with the file, the section and the missing key."""
    no_provenance = DOMAIN_ENTRY.replace('provenance = "typed from the printed paper"', "")
    message = load_error(write_corrections(tmp_path, hubei=no_provenance))
    assert str(tmp_path / "corrections" / "hubei.toml") in message
    assert "[[domain_cities]] entry 1 lacks provenance" in message


def test_unknown_section_is_refused(tmp_path):
    """A section other than [[domain_cities]] and [[indicator]] is refused, naming the file."""
    message = load_error(write_corrections(tmp_path, typo=DOMAIN_ENTRY.replace("[[domain_cities]]", "[[domain_city]]")))
    assert str(tmp_path / "corrections" / "typo.toml") in message
    assert "unknown section [[domain_city]]" in message


def test_cities_written_as_one_string_is_refused(tmp_path):
    """``cities = "武汉市"`` (not a list) is refused instead of being read character by character."""
    message = load_error(write_corrections(tmp_path, hubei=DOMAIN_ENTRY.replace('["武汉市", "宜昌市"]', '"武汉市"')))
    assert str(tmp_path / "corrections" / "hubei.toml") in message
    assert "[[domain_cities]] entry 1 has cities '武汉市'" in message


def test_invalid_toml_is_refused(tmp_path):
    """A file that is not TOML is refused, naming the file."""
    message = load_error(write_corrections(tmp_path, broken="[[indicator]\nno = 2"))
    assert str(tmp_path / "corrections" / "broken.toml") in message and "not valid UTF-8 TOML" in message


def test_known_gaps_are_loaded(tmp_path):
    """Each [[gap]] becomes a KnownGap with every field."""
    assert load_known_gaps(write_gaps(tmp_path, GAP)) == [
        KnownGap("ccid2020_domain_top100", "数字经济", "湖北省", 3, "test_paper.txt", "表 9, row 湖北省",
                 "printed with an empty city cell")]


def test_missing_known_gaps_file_means_no_gaps(tmp_path):
    """No file, no gaps."""
    assert load_known_gaps(tmp_path / "absent.toml") == []


@pytest.mark.parametrize("edit", [
    lambda text: text.replace('reason = "printed with an empty city cell"', ""),
    lambda text: text + 'note = "an unexpected key"\n',
], ids=["missing-key", "unknown-key"])
def test_malformed_gap_is_refused(tmp_path, edit):
    """A gap missing a field or carrying an unknown one raises PipelineError naming the file."""
    with pytest.raises(PipelineError, match=r"known_gaps\.toml: \[\[gap\]\] entry 1 is malformed"):
        load_known_gaps(write_gaps(tmp_path, edit(GAP)))


@pytest.mark.parametrize("value", ['"3"', "-3", "true"])
def test_gap_whose_missing_is_not_a_count_is_refused(tmp_path, value):
    """``missing`` must be a non-negative integer, or summarising the lists could not add it up."""
    with pytest.raises(PipelineError, match=r"known_gaps\.toml: \[\[gap\]\] entry 1 has missing = "):
        load_known_gaps(write_gaps(tmp_path, GAP.replace("missing = 3", f"missing = {value}")))
