"""`make run` on new source files: every format and encoding recognised by content, failures isolated.

The raw folder holds the white paper (the declared reference) plus generated copies of the top-100 in
other shapes, and broken files. Each must end as the issue says, in one run."""

from __future__ import annotations

import csv
import json
import random
import shutil

import pytest

from conftest import ROOT
from conftest import read_table as read
from fixtures import table_pdf, text_pdf



def traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


@pytest.fixture(scope="module")
def top100():
    with open(ROOT / "output" / "ccid2020_top100.csv", encoding="utf-8-sig") as handle:
        return [(int(r["rank"]), r["city"], r["province"]) for r in csv.DictReader(handle)]


def groups(rows, n_groups, with_province=True):
    """Rows of a table with ``n_groups`` column groups, ranks running down each group."""
    per = len(rows) // n_groups
    out = []
    for i in range(per):
        cells = []
        for g in range(n_groups):
            rank, city, province = rows[g * per + i]
            cells += [str(rank), city] + ([province] if with_province else [])
        out.append(cells)
    return out


@pytest.fixture(scope="module")
def run_outcome(tmp_path_factory, top100):
    from pipeline.run import run

    raw = tmp_path_factory.mktemp("raw")
    shutil.copy(ROOT / "raw" / "ccid2020_whitepaper.txt", raw)
    shutil.copy(ROOT / "raw" / "sources.toml", raw)
    header = "<tr><th>排名</th><th>城市</th><th>省份</th><th>排名</th><th>城市</th><th>省份</th></tr>"
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in groups(top100, 2))
    (raw / "news_page.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><script>var x = 1;</script></head><body>"
        "<table class='nav'><tr><td>首页</td><td>新闻</td></tr></table>"
        "<div class='sidebar'><table><tr><td>热门</td><td>1</td></tr></table></div>"
        "<p>2020年数字城市百强榜单如下：</p>"
        f"<table><thead>{header}</thead><tbody>{body}</tbody></table></body></html>", encoding="utf-8")
    markdown = "| 排名 | 城市 | 省份 |\n|---|---|---|\n" + "\n".join(
        f"| {r} | {c} | {p} |" for r, c, p in top100) + "\n"
    (raw / "markdown_repost.txt").write_bytes(("2020数字城市百强\n" + markdown).encode("gbk"))
    big5_rows = "\n".join("\t".join(cells) for cells in groups(top100, 4, with_province=False))
    (raw / "big5_repost.txt").write_bytes(
        traditional("2020年数字城市百强\n排名\t城市\t排名\t城市\t排名\t城市\t排名\t城市\n" + big5_rows + "\n")
        .encode("big5"))
    pdf_rows = [("排名", "城市") * 4] + [tuple(cells) for cells in groups(top100, 4, with_province=False)]
    table_pdf(raw / "table2.pdf", "表 2 2020数字城市百强榜", pdf_rows, "数据来源：赛迪顾问")
    swapped = list(top100)
    swapped[9], swapped[10] = (10, swapped[10][1], swapped[10][2]), (11, swapped[9][1], swapped[9][2])
    (raw / "swapped_repost.txt").write_text(
        "排名 | 城市 | 省份\n" + "\n".join(f"{r} | {c} | {p}" for r, c, p in swapped) + "\n", encoding="utf-8")
    (raw / "cut_repost.txt").write_text(
        "排名 | 城市 | 省份\n" + "\n".join(f"{r} | {c} | {p}" for r, c, p in top100[:60]) + "\n", encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")
    rng = random.Random(7)
    (raw / "random.pdf").write_bytes(bytes(rng.randrange(256) for _ in range(3000)))
    whole = text_pdf(raw / "whole.pdf", ["2020年数字城市百强"]).read_bytes()
    (raw / "whole.pdf").unlink()
    (raw / "truncated.pdf").write_bytes(whole[: len(whole) // 2])
    (raw / "republished_page.html").write_bytes((raw / "news_page.html").read_bytes())
    out = tmp_path_factory.mktemp("out")
    return run(raw, out), out


def test_run_exits_1_because_some_sources_failed(run_outcome):
    code, _ = run_outcome
    assert code == 1


def test_source_statuses(run_outcome):
    _, out = run_outcome
    sources = read(out, "sources").set_index("file")
    assert sources.loc["news_page.html", ["format", "status"]].tolist() == ["html", "ok"]
    assert sources.loc["markdown_repost.txt", ["encoding", "status"]].tolist() == ["gbk", "ok"]
    assert sources.loc["big5_repost.txt", "encoding"] in {"big5", "cp950", "big5hkscs"}
    assert sources.loc["big5_repost.txt", "script"] == "traditional"
    assert sources.loc["table2.pdf", ["format", "status"]].tolist() == ["pdf", "ok"]
    assert sources.loc["cut_repost.txt", "status"] == "partial" and "60 of 100" in sources.loc["cut_repost.txt", "message"]
    for name in ["empty.txt", "random.pdf", "truncated.pdf"]:
        assert sources.loc[name, "status"] == "failed" and name in sources.loc[name, "message"]
    assert "same content as news_page.html" in sources.loc["republished_page.html", "message"]


def test_every_copy_is_recognised_and_voted(run_outcome, top100):
    _, out = run_outcome
    by_source = read(out, "ccid2020_top100_by_source")
    counts = by_source.groupby("source_id").size().to_dict()
    for source_id in ["news_page", "markdown_repost", "big5_repost", "table2", "swapped_repost", "ccid2020_whitepaper"]:
        assert counts[source_id] == 100, source_id
    assert counts["cut_repost"] == 60
    disagreeing = by_source[~by_source.agrees.astype(str).eq("True")]
    assert sorted(zip(disagreeing.source_id, disagreeing["rank"])) == [("swapped_repost", 10), ("swapped_repost", 11)]
    top = read(out, "ccid2020_top100")
    assert [(r.rank, r.city) for r in top.itertuples()] == [(r, c) for r, c, _ in top100]
    assert top.set_index("rank").loc[10, "n_sources"] == 6  # every copy but the swapped one


def test_disagreements_are_data_quality_rows(run_outcome):
    _, out = run_outcome
    quality = read(out, "data_quality")
    rows = quality[(quality.source_id == "swapped_repost") & (quality.issue == "rank disagrees with the other copies")]
    assert len(rows) == 2


def test_tables_still_written_and_report_complete(run_outcome):
    _, out = run_outcome
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    assert report["tables"]["ccid2020_top100"]["success"] is True
    assert (out / "unknown_rankings.csv").exists()


@pytest.fixture(scope="module")
def layouts_outcome(tmp_path_factory, top100):
    """More layouts users publish: a CSV with a score column, 第N名：城市（省份） lines, 1. 城市 - 省份
    lines, a markdown table split by a paragraph, the same sloppy repost saved twice, a page with no
    text, a Word file, and a manifest with a mistyped kind."""
    import zipfile

    from pipeline.run import run

    raw = tmp_path_factory.mktemp("layouts")
    shutil.copy(ROOT / "raw" / "ccid2020_whitepaper.txt", raw)
    manifest = (ROOT / "raw" / "sources.toml").read_text(encoding="utf-8")
    (raw / "sources.toml").write_text(manifest + '\n["scores.csv"]\nkind = "Repost"\n\n["lines.txt"]\nkind = "blog"\n'
                                      '\n["dashes.txt"]\npublisher = "赛迪顾问"\nedition = 2020\nkind = "whitepaper"\n'
                                      '\n["labelled_2021.txt"]\nedition = 2021\nkind = "repost"\n', encoding="utf-8")
    (raw / "labelled_2021.txt").write_text("\n".join(f"{r}\t{c}\t{p}" for r, c, p in top100), encoding="utf-8")
    (raw / "scores.csv").write_text("排名,城市,省份,得分\n" + "\n".join(
        f"{r},{c},{p},{90 - r * 0.3:.1f}" for r, c, p in top100), encoding="utf-8")
    (raw / "lines.txt").write_text("\n".join(f"第{r}名：{c}（{p}）" for r, c, p in top100), encoding="utf-8")
    (raw / "dashes.txt").write_text("\n".join(f"{r}. {c} - {p}" for r, c, p in top100), encoding="utf-8")
    half = ["| 排名 | 城市 | 省份 |", "|---|---|---|"]
    (raw / "split.md").write_text("\n".join(
        half + [f"| {r} | {c} | {p} |" for r, c, p in top100[:50]] + ["", "（下接第51名）", ""]
        + half + [f"| {r} | {c} | {p} |" for r, c, p in top100[50:]]), encoding="utf-8")
    sloppy = [list(row) for row in top100]
    sloppy[29][1], sloppy[30][1] = sloppy[30][1], sloppy[29][1]
    sloppy[29][2], sloppy[30][2] = sloppy[30][2], sloppy[29][2]
    for name in ("repost_a.txt", "repost_b.txt"):
        (raw / name).write_text(f"{name}\n排名\t城市\t省份\n" + "\n".join(f"{r}\t{c}\t{p}" for r, c, p in sloppy),
                                encoding="utf-8")
    (raw / "blank.html").write_text("<html><head></head><body>\n</body></html>", encoding="utf-8")
    (raw / "notes.txt").write_text("会议纪要\n今天讨论了明年的工作安排。\n下次会议另行通知。\n", encoding="utf-8")
    (raw / "page_break.txt").write_text("排名\t城市\n1\t拉萨市\n2\t西宁市\n- 9 -\n3\t银川市\n4\t三亚市\n", encoding="utf-8")
    (raw / "stray_rows.txt").write_text("据报道，今年的榜单略有变化：\n1 深圳市 广东省\n3 上海市 上海市\n其余名次不变。\n",
                                        encoding="utf-8")
    with zipfile.ZipFile(raw / "list.docx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    out = tmp_path_factory.mktemp("layouts_out")
    return run(raw, out), out


def test_more_layouts_are_copies_of_the_top100(layouts_outcome, top100):
    code, out = layouts_outcome
    by_source = read(out, "ccid2020_top100_by_source")
    for source in ("scores", "lines", "dashes", "split"):
        rows = by_source[by_source.source_id == source]
        assert len(rows) == 100 and rows.agrees.all(), source
    sources = read(out, "sources").set_index("source_id")
    assert sources.loc["split", "status"] == "ok"
    quality = read(out, "data_quality")
    assert "score column" in " ".join(quality[quality.source_id == "scores"]["issue"])


def test_every_ranking_row_is_counted_and_a_file_that_gives_nothing_says_so(layouts_outcome):
    """sources counts the lines that are or look like ranking rows; two row-like lines read into no
    table make their file partial, each with a data_quality row, while a page number inside a table is
    recorded and no loss; a file with no table and no claim is ok and says that nothing was extracted."""
    _, out = layouts_outcome
    sources = read(out, "sources").set_index("source_id")
    counts = ["n_rows_seen", "n_rows_read", "n_rows_recorded"]
    assert sources.loc["ccid2020_whitepaper", counts].astype(int).tolist() == [25, 25, 0]  # 4 groups a line
    assert sources.loc["stray_rows", counts].astype(int).tolist() == [2, 0, 2]
    assert sources.loc["stray_rows", "status"] == "partial" and "2 line(s) that look like ranking rows" in \
        sources.loc["stray_rows", "message"]
    quality = read(out, "data_quality")
    stray = quality[(quality.source_id == "stray_rows") & (quality.issue == "ranking row not read")]
    assert stray[["location", "raw"]].values.tolist() == [["line 2", "1 深圳市 广东省"], ["line 3", "3 上海市 上海市"]]
    assert sources.loc["page_break", counts].astype(int).tolist() == [5, 4, 1]  # a page number between rows:
    assert sources.loc["page_break", "status"] == "ok"  # recorded, and no loss
    assert sources.loc["notes", "status"] == "ok"
    assert sources.loc["notes", "message"].endswith("nothing extracted: no table or claim found")
    assert "nothing extracted" not in sources.loc["scores", "message"]


def test_a_repost_saved_twice_does_not_outvote_the_white_paper(layouts_outcome, top100):
    _, out = layouts_outcome
    top = read(out, "ccid2020_top100").set_index("rank")
    assert [top.loc[r, "city"] for r in (30, 31)] == [top100[29][1], top100[30][1]]
    assert set(top.loc[[30, 31], "flags"]) == {""}  # the white paper and four other layouts against one witness
    quality = read(out, "data_quality")
    disagreeing = quality[(quality.issue == "rank disagrees with the other copies")]
    assert sorted(set(disagreeing.source_id)) == ["repost_a", "repost_b"]
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    assert report["tables"]["ccid2020_top100"]["success"]


def test_unreadable_layouts_and_manifest_mistakes_are_reported(layouts_outcome):
    code, out = layouts_outcome
    assert code == 1
    sources = read(out, "sources").set_index("source_id")
    assert sources.loc["blank", "status"] == "failed" and "shows no text" in sources.loc["blank", "message"]
    assert sources.loc["list", "status"] == "failed" and "Word document" in sources.loc["list", "message"]
    assert sources["sha256"].str.fullmatch("[0-9a-f]{64}").all()
    assert sources.loc["scores", "kind"] == "repost"  # "Repost" taken as meant
    quality = read(out, "data_quality")
    problems = quality[quality.issue == "manifest entry not used"]
    assert len(problems) == 1 and "'blog'" in problems["action"].iloc[0]
    mislabelled = quality[quality.issue.str.contains("matches the 2020 top-100")]
    assert mislabelled[["source_id", "raw"]].values.tolist() == [["labelled_2021", "agrees on 100% of the ranks both list"]]
    declared = quality[quality.issue == "several sources declared the primary source of ccid2020"]
    assert declared[["raw", "resolved"]].values.tolist() == [["ccid2020_whitepaper, dashes", "ccid2020_whitepaper"]]
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    assert report["tables"]["sources"]["success"]


def test_an_empty_raw_folder_says_so(tmp_path, capsys):
    from pipeline.sources import read_sources

    assert read_sources(tmp_path, []) == []
    assert f"warning: no source files in {tmp_path}: put the documents to read in it" in capsys.readouterr().err
