"""Ingest: encodings and formats detected from content, HTML and PDF tables as tab-separated lines, clear errors."""

from __future__ import annotations

import codecs
import hashlib
import random
from pathlib import Path

import pytest
from fixtures import (BULLETED_TEXT, ROWS_SIMPLIFIED, SIMPLIFIED_TEXT, TRADITIONAL_TEXT, layout_html,
                      ranking_html, straddling_table_pdf, table_pdf, text_pdf, write)

from pipeline.ingest import commonness, decode, looks_like_html, read_source, render_html, source_id_for
from pipeline.model import PipelineError

BIG5_NAMES = {"big5", "cp950", "big5hkscs"}
FRENCH_TEXT = "Le classement des villes numériques a été publié à Pékin.\nÀ côté de la tête, on lit : « très élevé ».\n"


def read_error(path: Path) -> str:
    """The PipelineError message for ``path``, which must name the file."""
    with pytest.raises(PipelineError) as info:
        read_source(path)
    message = str(info.value)
    assert str(path) in message
    return message


def numbered(lines: list[str]) -> list[str]:
    return [f"line {n}" for n in range(1, len(lines) + 1)]


def test_source_id_for_lowercases_and_joins_words_with_underscores():
    """A file name becomes a lowercase id of letters, digits and single underscores."""
    assert source_id_for(Path("raw/My File-2020.txt")) == "my_file_2020"


@pytest.mark.parametrize(
    "data, text, encodings",
    [
        pytest.param(SIMPLIFIED_TEXT.encode("utf-8"), SIMPLIFIED_TEXT, {"utf-8"}, id="utf-8"),
        pytest.param(SIMPLIFIED_TEXT.encode("utf-8-sig"), SIMPLIFIED_TEXT, {"utf-8-sig"}, id="utf-8-bom"),
        pytest.param(SIMPLIFIED_TEXT.encode("utf-16"), SIMPLIFIED_TEXT, {"utf-16"}, id="utf-16-bom"),
        pytest.param(codecs.BOM_UTF16_BE + SIMPLIFIED_TEXT.encode("utf-16-be"), SIMPLIFIED_TEXT, {"utf-16"},
                     id="utf-16-be-bom"),
        pytest.param(SIMPLIFIED_TEXT.encode("utf-16-le"), SIMPLIFIED_TEXT, {"utf-16-le"}, id="utf-16-le"),
        # Chinese without a BOM: almost no zero bytes, only the byte order that reads as Chinese
        pytest.param("香港的金融業\n澳門\n".encode("utf-16-le"), "香港的金融業\n澳門\n", {"utf-16-le"}, id="utf-16-le-cjk"),
        pytest.param("香港的金融業\n澳門\n".encode("utf-16-be"), "香港的金融業\n澳門\n", {"utf-16-be"}, id="utf-16-be-cjk"),
        pytest.param(SIMPLIFIED_TEXT.encode("gbk"), SIMPLIFIED_TEXT, {"gbk", "gb18030"}, id="gbk"),
        pytest.param(BULLETED_TEXT.encode("gb18030"), BULLETED_TEXT, {"gb18030"}, id="gb18030"),
        pytest.param(TRADITIONAL_TEXT.encode("big5"), TRADITIONAL_TEXT, BIG5_NAMES, id="big5"),
        pytest.param(SIMPLIFIED_TEXT.encode("utf-32-le"), SIMPLIFIED_TEXT, {"utf-32-le"}, id="utf-32-le"),
        pytest.param(SIMPLIFIED_TEXT.encode("utf-32-be"), SIMPLIFIED_TEXT, {"utf-32-be"}, id="utf-32-be"),
        # HZ-GB-2312 is all 7-bit: strict UTF-8 reads it as ASCII, the HZ codec as Chinese
        pytest.param(SIMPLIFIED_TEXT.encode("hz"), SIMPLIFIED_TEXT, {"hz"}, id="hz"),
        # French in GB18030: its accented letters are four-byte sequences only GB18030 reads
        pytest.param(FRENCH_TEXT.encode("gb18030"), FRENCH_TEXT, {"gb18030"}, id="gb18030-french"),
    ],
)
def test_text_encoding_is_detected_and_decoded_exactly(tmp_path, data, text, encodings):
    """Each supported encoding is recognised from the bytes alone and decodes back to the original text."""
    path = write(tmp_path, "ranking.txt", data)

    decoded, encoding, warnings = decode(data, path)
    assert (decoded, warnings) == (text, [])
    assert encoding in encodings

    doc = read_source(path)
    assert (doc.format, doc.encoding) == ("text", encoding)
    assert doc.lines == text.splitlines()
    assert doc.locations == numbered(doc.lines)
    assert "\ufeff" not in "".join(doc.lines)


# 維基百科 in CNS 11643 plane 1 (0x6A44 0x5957 0x444B 0x4C28) as EUC-TW writes it, with its comma (0x2122):
# no Python codec reads it, and GB18030 reads it as rare characters.
EUC_TW = (b"\xea\xc4\xd9\xd7\xc4\xcb\xcc\xa8\xa1\xa2" * 6 + b"Wikipedia\n") * 3


@pytest.mark.parametrize("data, name", [
    pytest.param(EUC_TW, "EUC-TW", id="euc-tw"),
    pytest.param(b"\x1b$)A\x0e" + "深圳市".encode("gb2312").translate(bytes(range(128)) * 2) + b"\x0f\n", "ISO-2022-CN",
                 id="iso-2022-cn"),
])
def test_encodings_without_a_codec_are_refused_by_name(tmp_path, data, name):
    path = write(tmp_path, "ranking.txt", data)
    with pytest.raises(PipelineError, match=f"{name} is not supported: save it as UTF-8"):
        read_source(path)


def test_a_decode_of_low_confidence_is_partial_not_ok(tmp_path):
    """GBK bytes that decode strictly, but into characters few texts use (丂丄丅 and the like): kept,
    with a warning that makes the source partial, rather than called ok or guessed at."""
    rare = "".join(chr(code) for code in range(0x4E02, 0x4E40) if chr(code).encode("gbk")[0] < 0xB0)[:14]
    data = ("城市数字化转型" + rare[:4] + "。数据" + rare[4:7] + "\n").encode("gbk")
    text, encoding, warnings = decode(data, Path("x.txt"))
    assert encoding == "gbk" and text.startswith("城市数字化转型")
    assert len(warnings) == 1 and "low confidence" in warnings[0] and "save the file as UTF-8" in warnings[0]
    assert 0.5 <= commonness(text) < 0.8


def test_document_records_file_name_hash_and_a_copy_of_meta(tmp_path):
    """The Document keeps the file name, the SHA-256 of the bytes, the derived id and its own copy of meta."""
    data = SIMPLIFIED_TEXT.encode("utf-8")
    path = write(tmp_path, "CCID 2020-Top100.txt", data)
    meta = {"publisher": "赛迪顾问"}

    doc = read_source(path, meta)

    assert (doc.source_id, doc.file, doc.sha256) == ("ccid_2020_top100", "CCID 2020-Top100.txt",
                                                     hashlib.sha256(data).hexdigest())
    assert doc.meta == meta and doc.meta is not meta
    assert doc.warnings == []


def test_commonness_scores_a_right_decode_above_a_wrong_one():
    """Correctly decoded Chinese scores above 0.9, Big5 bytes misread as GB18030 score lower, no CJK scores 1."""
    assert commonness(SIMPLIFIED_TEXT) > 0.9
    assert commonness(TRADITIONAL_TEXT) > 0.9
    misread = TRADITIONAL_TEXT.encode("big5").decode("gb18030")
    assert commonness(misread) < commonness(TRADITIONAL_TEXT) - 0.2
    assert commonness("Top 100 digital cities, 2020") == 1.0


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_html_page_renders_tables_as_tab_separated_rows(tmp_path, charset):
    """An HTML page is format html; scripts vanish, &nbsp; is a space, each table row is one tab-separated line."""
    path = write(tmp_path, "news.html", ranking_html(charset).encode(charset))

    doc = read_source(path)

    assert (doc.format, doc.encoding) == ("html", charset)
    assert doc.lines == [
        "新闻中心",
        "",
        "首页\t新闻中心",
        "",
        "2020年中国数字城市排名",
        "",
        "发布单位： 中国信息化研究中心",
        "",
        "排名\t城市\t省份",
        "1\t深圳市\t广东省",
        "2\t上海市\t上海市",
        "3\t北京市\t北京市",
        "注：按综合得分排序\t注：按综合得分排序\t注：按综合得分排序",
    ]
    assert doc.locations == numbered(doc.lines)
    assert not any("假城市" in line or "document.write" in line for line in doc.lines)


def _script_built_page(table: str = "") -> str:
    data = ", ".join(f'{{"rank": {n}, "city": "{city}"}}' for n, city in enumerate(
        ["深圳市", "上海市", "北京市", "杭州市", "广州市", "成都市", "南京市", "武汉市", "重庆市", "苏州市",
         "宁波市", "青岛市", "天津市", "厦门市", "无锡市", "济南市", "合肥市", "长沙市", "福州市", "郑州市",
         "西安市", "东莞市"], start=1))
    return (f"<html><body><h1>2020数字城市百强</h1>{table}<div id='app'></div>"
            f"<script>var ranking = [{data}]; render(ranking);</script></body></html>")


def test_a_table_built_by_a_script_is_reported_not_passed_over(tmp_path):
    """The page's table exists only as data inside <script> (a browser builds it): the source is read,
    with a warning saying so and what to do; a page that also shows its table gets no warning."""
    built = tmp_path / "built.html"
    built.write_text(_script_built_page(), encoding="utf-8")
    doc = read_source(built)
    assert doc.lines == ["2020数字城市百强"]
    assert len(doc.warnings) == 1 and "scripts hold 22 quoted Chinese names" in doc.warnings[0]
    assert "Save Page As" in doc.warnings[0]
    shown = tmp_path / "shown.html"
    shown.write_text(_script_built_page("<table><tr><td>1</td><td>深圳市</td></tr></table>"), encoding="utf-8")
    assert read_source(shown).warnings == []


def test_html_layout_table_keeps_the_rows_of_the_tables_inside_it():
    """A ranking table nested in a layout table still comes out one row per line, next to the sidebar's lines."""
    assert render_html(layout_html()) == [
        "首页",
        "新闻中心",
        "",
        "2020年中国数字城市排名",
        "",
        "排名\t城市",
        "1\t深圳市",
        "2\t上海市",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2020年数字城市排名/p>\n1\t深圳市\t广东省\n2\t上海市\t上海市\n",
        "<br/>2020年数字城市排名\n1\t深圳市\t广东省\n2\t上海市\t上海市\n",
    ],
    ids=["stray-close-p", "leading-br"],
)
def test_text_with_a_stray_markup_remnant_stays_text(tmp_path, text):
    """A mirror's leftover tag fragment does not turn a text file into HTML; its lines are kept verbatim."""
    doc = read_source(write(tmp_path, "mirror.txt", text.encode("utf-8")))

    assert (doc.format, doc.encoding) == ("text", "utf-8")
    assert doc.lines == text.splitlines()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("<html><body><p>深圳市</p></body></html>", True),
        ("  <!DOCTYPE html>\n<title>排名</title>", True),
        ("<p>1 深圳市</p><p>2 上海市</p><p>3 北京市</p>", True),
        ("<p>1 深圳市</p>\n2 上海市", False),
        ("排名见下表<table>", False),
    ],
    ids=["html-document", "doctype-after-spaces", "mostly-tags", "one-tag-then-text", "tag-mid-text"],
)
def test_looks_like_html(text, expected):
    """HTML is text that starts with markup and declares itself or is mostly tags."""
    assert looks_like_html(text) is expected


def test_pdf_text_lines_are_read_with_page_locations(tmp_path):
    """A PDF drawn in a Chinese CID font is format pdf and yields its lines in order, located on page 1."""
    lines = ["2020年中国数字城市排名", "1 深圳市 广东省", "2 上海市 上海市", "3 北京市 北京市"]
    path = text_pdf(tmp_path / "ranking.pdf", lines)

    doc = read_source(path)

    assert (doc.format, doc.encoding, doc.warnings) == ("pdf", "binary", [])
    assert doc.lines == lines
    assert doc.locations == [f"page 1 line {n}" for n in range(1, 5)]


def test_pdf_ruled_table_rows_are_tab_separated_between_caption_and_note(tmp_path):
    """A grid-ruled PDF table gives one tab-separated line per row, in reading order with the text around it."""
    rows = [("排名", "城市")] + [(rank, city) for rank, city, _ in ROWS_SIMPLIFIED[:3]]
    path = table_pdf(tmp_path / "table.pdf", "表1 2020年数字城市排名", rows, "数据来源：赛迪顾问")

    doc = read_source(path)

    assert doc.format == "pdf"
    assert doc.lines == ["表1 2020年数字城市排名", "排名\t城市", "1\t深圳市", "2\t上海市", "3\t北京市",
                         "数据来源：赛迪顾问"]
    assert doc.locations == ["page 1 line 1"] + [f"page 1 table 1 row {n}" for n in range(1, 5)] + [
        "page 1 line 2"]


def test_pdf_table_cells_are_the_cells_pdfplumber_extracts(tmp_path):
    """A glyph that only touches a cell (text set 2 points past its border) stays in the cell that
    holds its centre: every cell is the text pdfplumber's own table extraction gives, not '0 95,585.30'."""
    import pdfplumber

    rows = [("项目", "本期", "上期"), ("货币资金", "95,585.30", "73,700.00"), ("短期借款", "192,000.00", "0.00"),
            ("应付账款", "173,500.00", "76,310.00")]
    path = straddling_table_pdf(tmp_path / "straddling.pdf", rows, [90, 80, 80])

    ours = [line.split("\t") for line, where in zip(*_lines_of(path)) if " table " in where]
    with pdfplumber.open(path) as pdf:
        theirs = [[" ".join((cell or "").split()) for cell in row] for row in pdf.pages[0].extract_tables()[0]]
    assert ours == theirs == [list(row) for row in rows]


def _lines_of(path):
    doc = read_source(path)
    return doc.lines, doc.locations


def test_pdf_whose_font_maps_glyphs_to_one_character_is_partial(tmp_path):
    """Text that comes out as one glyph repeated (佛佛佛佛…, a font with a broken map to Unicode) is read
    with a warning that says to export the text another way; a writer's 哈哈哈 is no such thing."""
    broken = text_pdf(tmp_path / "broken.pdf", ["佛佛佛佛佛佛佛佛佛佛佛 4 4 0 6 9 6", "001 釉釉釉 铺地砖 936 平方米"])
    fine = text_pdf(tmp_path / "fine.pdf", ["他笑着说：哈哈哈，今年的名单出来了", "1 深圳市 广东省", "2 上海市 上海市"])

    warning, = read_source(broken).warnings
    assert "page(s) 1 one glyph stands where text should be (佛佛佛佛佛佛佛佛佛佛佛)" in warning
    assert "export the text another way" in warning
    assert read_source(fine).warnings == []


@pytest.mark.parametrize(
    "data",
    [b"", b" \r\n\t\n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"  \r\n", " \n\n".encode("utf-16"),
     "\u3000\u3000\n".encode("utf-8")],
    ids=["empty", "whitespace", "utf-8-bom-only", "utf-8-bom-whitespace", "utf-16-whitespace",
         "ideographic-spaces"],
)
def test_empty_or_blank_file_is_rejected(tmp_path, data):
    """A file with no content (bytes, a bare BOM or only whitespace) is an error naming the file."""
    assert "empty" in read_error(write(tmp_path, "blank.txt", data))


@pytest.mark.parametrize("low", [0, 1], ids=["with-nul-bytes", "without-nul-bytes"])
def test_random_bytes_named_pdf_are_rejected_as_not_text(tmp_path, low):
    """Bytes without the %PDF- magic are not parsed as PDF even when named .pdf, and are not text either."""
    rng = random.Random(2020)
    path = write(tmp_path, "report.pdf", bytes(rng.randrange(low, 256) for _ in range(4096)))

    message = read_error(path)

    assert "binary" in message or "encoding" in message
    assert "PDF" in message and "not a readable PDF" not in message


def test_bytes_that_decode_only_to_private_use_characters_are_not_text(tmp_path):
    """GB18030 maps these bytes to private-use code points: decodable, but not text."""
    assert "not text in any supported encoding" in read_error(write(tmp_path, "junk.txt", bytes([0xAC]) * 4096))


def test_truncated_pdf_is_rejected_naming_the_file(tmp_path):
    """The first half of a valid PDF is reported as an unreadable, possibly truncated PDF."""
    whole = text_pdf(tmp_path / "whole.pdf", ["2020年中国数字城市排名", "1 深圳市 广东省"]).read_bytes()
    path = write(tmp_path, "truncated.pdf", whole[: len(whole) // 2])

    message = read_error(path)

    assert "not a readable PDF" in message and "truncated" in message


def test_encrypted_pdf_is_reported_as_encrypted(tmp_path):
    """A password-protected PDF is reported as encrypted, not as damaged."""
    import pdfplumber

    path = text_pdf(tmp_path / "protected.pdf", ["1 深圳市 广东省"], encrypt="secret")
    try:
        pdfplumber.open(path).close()
    except Exception:
        pass
    else:
        pytest.skip("this reportlab's encryption is readable without the password")

    message = read_error(path)

    assert "encrypted" in message and "truncated" not in message


def test_html_rowspan_cell_repeats_in_the_rows_below():
    """A province cell spanning its cities' rows is carried into each of them."""
    html = ("<table><tr><th>省份</th><th>城市</th></tr><tr><td rowspan='2'>浙江省</td><td>杭州市</td></tr>"
            "<tr><td>宁波市</td></tr><tr><td colspan='2'>注</td></tr></table>")
    assert render_html(html) == ["省份\t城市", "浙江省\t杭州市", "浙江省\t宁波市", "注\t注"]


@pytest.mark.parametrize("data, named", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old-format Office file"),
    (b"PK\x03\x04" + b"\x00" * 26 + b"xl/workbook.xml" + bytes(100), "Excel workbook"),
    (b"PK\x03\x04" + b"\x00" * 26 + b"word/document.xml" + bytes(100), "Word document"),
])
def test_office_files_are_named_with_what_to_do(tmp_path, data, named):
    path = tmp_path / "list.bin"
    path.write_bytes(data)
    with pytest.raises(PipelineError) as error:
        read_source(path)
    assert named in str(error.value) and "export it as CSV, PDF or HTML" in str(error.value)


def test_a_missing_file_or_a_folder_says_what_to_do(tmp_path):
    assert read_error(tmp_path / "nope.txt").endswith("(No such file or directory); check the path.")
    assert read_error(tmp_path).endswith("give a file, not a folder.")
