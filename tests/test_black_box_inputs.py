"""Inputs a black-box pass over `make run` found mishandled (77 generated files, session 4); each must
now end as a user would expect, in one run beside the white paper."""

from __future__ import annotations

import csv
import gzip
import os
import shutil

import pytest

from conftest import ROOT
from conftest import read_table as read
from fixtures import CJK_FONT, register_cjk_font, text_pdf

OTHER_TOP10 = ["拉萨市", "西宁市", "银川市", "三亚市", "丽江市", "大同市", "黄山市", "北海市", "延安市", "酒泉市"]


def top100():
    with open(ROOT / "output" / "ccid2020_top100.csv", encoding="utf-8-sig") as handle:
        return [(int(r["rank"]), r["city"], r["province"]) for r in csv.DictReader(handle)]


def tab_table(rows, header="排名\t城市\t省份"):
    return "2020中国数字城市百强榜\n" + header + "\n" + "".join(f"{r}\t{c}\t{p}\n" for r, c, p in rows)


def owner_protected_pdf(path, rows):
    """A PDF with permissions set (an owner password, no user password): its text decodes to (cid:N)."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    register_cjk_font()
    pdf = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("", "owner", canPrint=1))
    pdf.setFont(CJK_FONT, 8)
    for i, (rank, city, province) in enumerate(rows[:60]):
        pdf.drawString(40, 810 - 12 * i, f"{rank}   {city}   {province}")
    pdf.save()


def sideways_pdf(path, rows):
    """The table turned 90 degrees on a portrait page (no /Rotate): pdfplumber reads it column-wise."""
    from reportlab.pdfgen import canvas

    register_cjk_font()
    pdf = canvas.Canvas(str(path))
    pdf.setFont(CJK_FONT, 7)
    pdf.translate(560, 30)
    pdf.rotate(90)
    for i, (rank, city, province) in enumerate(rows):
        x, y = (i // 25) * 160, -15 - (i % 25) * 10
        pdf.drawString(x, y, str(rank))
        pdf.drawString(x + 25, y, city)
        pdf.drawString(x + 75, y, province)
    pdf.save()


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    from pipeline.run import run

    rows = top100()
    raw = tmp_path_factory.mktemp("raw")
    shutil.copy(ROOT / "raw" / "ccid2020_whitepaper.txt", raw)
    shutil.copy(ROOT / "raw" / "sources.toml", raw)
    # a name as a zip made on Chinese Windows unpacks it: GBK bytes, not UTF-8
    with open(os.fsencode(raw) + b"/" + "百强榜.txt".encode("gbk"), "wb") as handle:
        handle.write(tab_table(rows).encode("utf-8"))
    (raw / "reverse.txt").write_text(tab_table(rows[::-1]), encoding="utf-8")
    (raw / "by_province.txt").write_text(tab_table(sorted(rows, key=lambda r: (r[2], r[0]))), encoding="utf-8")
    (raw / "other_reverse.txt").write_text(
        "2020年文旅城市十强\n排名\t城市\n" + "".join(f"{r}\t{c}\n" for r, c in reversed(list(enumerate(OTHER_TOP10, 1)))),
        encoding="utf-8")
    (raw / "fullwidth_bars.txt").write_text(
        "2020中国数字城市百强榜\n｜排名｜城市｜省份｜\n" + "".join(f"｜{r}｜{c}｜{p}｜\n" for r, c, p in rows), encoding="utf-8")
    (raw / "br_cells.html").write_text(
        "<html><head><meta charset='utf-8'></head><body><h2>2020百强</h2><table><tr><th>排名</th><th>城市/省份</th></tr>"
        + "".join(f"<tr><td>{r}</td><td>{c}<br>{p}</td></tr>" for r, c, p in rows) + "</table></body></html>",
        encoding="utf-8")
    (raw / "list.html").write_text(
        "<html><head><meta charset='utf-8'></head><body><h2>2020数字城市百强</h2><ol>"
        + "".join(f"<li>{c}（{p}）</li>" for _, c, p in rows) + "</ol></body></html>", encoding="utf-8")
    (raw / "cut_utf16.txt").write_bytes(tab_table(rows).encode("utf-16-le")[:-1])
    (raw / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (raw / "packed.txt").write_bytes(gzip.compress(tab_table(rows).encode("utf-8")))
    (raw / "gone.txt").symlink_to(raw / "nowhere" / "gone.txt")
    owner_protected_pdf(raw / "protected.pdf", rows)
    sideways_pdf(raw / "sideways.pdf", rows)
    text_pdf(raw / "bad_fonts.pdf", ["佛佛佛佛佛佛佛佛佛佛佛 4 4 0 6 9 6 1 4 8 5 佛山", "加拿大 TORONTO,CANADA 佛佛",
                                     "001 釉釉釉 铺地砖无牌 936 平方米"])
    out = tmp_path_factory.mktemp("out")
    return run(raw, out), out


def source(out, file):
    sources = read(out, "sources")
    return sources[sources["file"] == file].iloc[0]


def rows_of(out, table, source_id):
    frame = read(out, table)
    return frame[frame["source_id"] == source_id]


def test_a_file_name_that_is_not_utf8_is_read_and_named(outcome):
    code, out = outcome
    row = source(out, "百强榜.txt")
    assert row["status"] == "ok" and "file name is not UTF-8" in row["message"]
    assert rows_of(out, "ccid2020_top100_by_source", row["source_id"])["agrees"].astype(str).eq("True").sum() == 100
    assert code == 1  # other sources in this folder fail


@pytest.mark.parametrize("file", ["reverse.txt", "by_province.txt", "fullwidth_bars.txt", "br_cells.html"])
def test_layouts_read_as_faithful_copies(outcome, file):
    """Ranks counting down, rows sorted by province (ranks out of order, some provinces one row long),
    full-width bars, a city and its province in one cell (<br> between)."""
    _, out = outcome
    row = source(out, file)
    assert row["status"] == "ok"
    copy = rows_of(out, "ccid2020_top100_by_source", row["source_id"])
    assert len(copy) == 100 and copy["agrees"].astype(str).eq("True").all()


def test_an_unknown_ranking_counting_down_is_kept(outcome):
    _, out = outcome
    unknown = rows_of(out, "unknown_rankings", source(out, "other_reverse.txt")["source_id"])
    assert sorted(zip(unknown["rank"], unknown["name"])) == list(enumerate(OTHER_TOP10, 1))


def test_a_list_the_pipeline_cannot_read_is_partial_and_says_so(outcome):
    _, out = outcome
    row = source(out, "list.html")
    assert row["status"] == "partial" and "names 100 cities but holds no ranking table" in row["message"]


def test_utf16_cut_short_by_a_byte_is_read_with_the_loss_said(outcome):
    _, out = outcome
    row = source(out, "cut_utf16.txt")
    assert row["status"] == "partial" and row["encoding"] == "utf-16-le"
    assert "1 undecodable byte sequence(s)" in row["message"] and "cut short" in row["message"]
    assert len(rows_of(out, "ccid2020_top100_by_source", row["source_id"])) == 100


@pytest.mark.parametrize("file, says", [
    ("picture.txt", "is a PNG image, not a document this pipeline reads; run OCR on it"),
    ("packed.txt", "is gzip-compressed, not a document this pipeline reads; unpack it"),
    ("gone.txt", "which does not exist; put the file itself in raw/ or remove the link"),
    ("protected.pdf", "comes out as glyph numbers ((cid:N)); the PDF is protected (permissions set): save an "
                      "unprotected copy"),
])
def test_unreadable_files_fail_naming_what_they_are_and_what_to_do(outcome, file, says):
    _, out = outcome
    row = source(out, file)
    assert row["status"] == "failed" and file in row["message"] and says in row["message"]


def test_a_source_whose_bytes_cannot_be_read_has_no_hash_and_passes_validation(outcome):
    import json

    _, out = outcome
    assert source(out, "gone.txt")["sha256"] == ""
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    assert report["tables"]["sources"]["success"]


def test_a_pdf_whose_fonts_give_one_glyph_repeated_is_partial_and_says_to_export_the_text(outcome):
    _, out = outcome
    row = source(out, "bad_fonts.pdf")
    assert row["status"] == "partial" and "one glyph stands where text should be" in row["message"]
    assert "export the text another way" in row["message"]


def test_a_pdf_set_sideways_is_partial_and_says_to_rotate_it(outcome):
    _, out = outcome
    row = source(out, "sideways.pdf")
    assert row["status"] == "partial" and "page(s) 1 is set sideways" in row["message"]
