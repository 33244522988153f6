"""raw/sources.toml: optional metadata, clear errors, and what is inferred for unlisted files."""

from __future__ import annotations

import pytest

from pipeline.manifest import discover, infer_edition, load_manifest
from pipeline.model import PipelineError


def test_manifest_entries_and_missing_manifest(tmp_path):
    assert load_manifest(tmp_path) == {}
    (tmp_path / "sources.toml").write_text('["a.txt"]\npublisher = "某网"\nedition = 2020\nkind = "repost"\n',
                                           encoding="utf-8")
    assert load_manifest(tmp_path) == {"a.txt": {"publisher": "某网", "edition": 2020, "kind": "repost"}}


@pytest.mark.parametrize("body, fragment", [
    ('["a.txt"\nkind = "repost"', "is not valid TOML"),
    ('["a.txt"]\nkind = "blog"', "use one of article, mirror, repost, whitepaper"),
    ('["a.txt"]\nedition = "2020"', "write the year as a number"),
])
def test_bad_manifest_names_the_file_and_the_fix(tmp_path, body, fragment):
    (tmp_path / "sources.toml").write_text(body, encoding="utf-8")
    with pytest.raises(PipelineError) as error:
        load_manifest(tmp_path)
    assert str(tmp_path / "sources.toml") in str(error.value) and fragment in str(error.value)


def test_discover_skips_manifest_readme_and_hidden_files(tmp_path):
    for name in ["b.txt", "a.html", "sources.toml", "README.md", ".DS_Store"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in discover(tmp_path)] == ["a.html", "b.txt"]


def test_infer_edition_from_title_years():
    assert infer_edition(["2019-2020年度中国最具影响力智慧城市", "2020中国数字城市百强", "2019年数字经济"]) == 2020
    assert infer_edition(["《2021中国城市数字化转型白皮书》显示", "2022-09-27 09:53"]) == 2021
    assert infer_edition(["没有年份"]) is None


def test_unlisted_source_is_processed_with_a_warning(tmp_path):
    from pipeline.sources import read_sources

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "new_repost.txt").write_text("2020年数字城市百强\n1 | 深圳市 |\n", encoding="utf-8")
    source, = read_sources(raw, [])
    assert source.row["status"] == "ok" and source.row["edition"] == 2020
    assert "not listed in raw/sources.toml" in source.row["message"]
    assert "edition 2020 inferred" in source.row["message"]


def test_a_missing_listed_file_and_a_folder_are_recorded_not_ignored(tmp_path):
    """A manifest entry whose file is absent and a folder dropped into raw/ each get a data_quality
    row that says what to do; the sources that are there are still read."""
    from pipeline.model import QualityRecord
    from pipeline.sources import read_sources

    (tmp_path / "sources.toml").write_text('["gone.txt"]\nkind = "repost"\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text("排名 | 城市\n1 | 深圳市\n", encoding="utf-8")
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "b.txt").write_text("x", encoding="utf-8")
    (tmp_path / "corrections").mkdir()
    quality: list[QualityRecord] = []
    sources = read_sources(tmp_path, quality)
    assert [s.row["file"] for s in sources] == ["a.txt"]
    recorded = {(q.source_id, q.issue) for q in quality}
    assert {("gone.txt", "listed source missing"), ("more", "folder not read")} <= recorded
    assert not any(q.source_id == "corrections" for q in quality)
    assert any("move them into" in q.action for q in quality if q.issue == "folder not read")


def test_entry_mistakes_are_problems_not_aborts_when_asked(tmp_path):
    (tmp_path / "sources.toml").write_text('["a.txt"]\nkind = "Repost"\n\n["b.txt"]\nkind = "blog"\nedition = "2020年"\n'
                                           'publisher = "某网"\n\n["c.txt"]\nedition = true\n\n["d.txt"]\nedition = 20200\n',
                                           encoding="utf-8")
    problems: list[str] = []
    manifest = load_manifest(tmp_path, problems)
    assert manifest == {"a.txt": {"kind": "repost"}, "b.txt": {"publisher": "某网"}, "c.txt": {}, "d.txt": {}}
    assert len(problems) == 4 and all(str(tmp_path / "sources.toml") in p for p in problems)


def test_a_misspelt_key_is_a_problem():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "sources.toml").write_text('["a.txt"]\nkinds = "repost"\nyear = 2020\n', encoding="utf-8")
        problems: list[str] = []
        assert load_manifest(Path(folder), problems) == {"a.txt": {}}
        assert ["'kinds'" in problems[0], "'year'" in problems[1]] == [True, True]
