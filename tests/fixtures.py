"""Generators for ingest tests: a small 2020 ranking as text, HTML and PDF, built fresh in tmp_path."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

CJK_FONT = "STSong-Light"

HEADER = ("排名", "城市", "省份")
ROWS_SIMPLIFIED = [
    ("1", "深圳市", "广东省"),
    ("2", "上海市", "上海市"),
    ("3", "北京市", "北京市"),
    ("4", "广州市", "广东省"),
    ("5", "杭州市", "浙江省"),
]
ROWS_TRADITIONAL = [
    ("1", "深圳市", "廣東省"),
    ("2", "上海市", "上海市"),
    ("3", "北京市", "北京市"),
    ("4", "廣州市", "廣東省"),
    ("5", "杭州市", "浙江省"),
]


def ranking_text(sentence: str, rows: list[tuple[str, ...]], bullet: str = "") -> str:
    """A sentence followed by the ranking as tab-separated lines, as a mirror site would post it."""
    table = [HEADER, *rows]
    return sentence + "\n" + "".join(bullet + "\t".join(row) + "\n" for row in table)


SIMPLIFIED_TEXT = ranking_text("2020年中国数字城市百强排名发布，前五名如下：", ROWS_SIMPLIFIED)
TRADITIONAL_TEXT = ranking_text("2020年中國數字城市百強排名發佈，前五名如下：", ROWS_TRADITIONAL)
# "•" is not in GBK, so only GB18030 decodes this text.
BULLETED_TEXT = ranking_text("2020年中国数字城市百强排名发布，前五名如下：", ROWS_SIMPLIFIED, bullet="• ")


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def ranking_html(charset: str) -> str:
    """A news page: a nav table, a script, a ranking table with a thead and a colspan footnote row."""
    rows = "\n".join(f"<tr><td>{rank}</td><td>&nbsp;{city}&nbsp;</td><td>{province}</td></tr>"
                     for rank, city, province in ROWS_SIMPLIFIED[:3])
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>新闻中心</title>
<script>var ad = "<tr><td>99</td><td>假城市</td></tr>"; document.write(ad);</script>
<style>td {{ padding: 2px; }}</style></head>
<body>
<table class="nav"><tr><td><a href="/">首页</a></td><td><a href="/news">新闻中心</a></td></tr></table>
<h1>2020年中国数字城市排名</h1>
<p>发布单位：&nbsp;中国信息化研究中心</p>
<table class="rank">
<thead><tr><th>排名</th><th>城市</th><th>省份</th></tr></thead>
<tbody>
{rows}
<tr><td colspan="3">注：按综合得分排序</td></tr>
</tbody></table>
</body></html>
"""


def layout_html() -> str:
    """An old-style page whose layout table holds a sidebar table and the ranking table side by side."""
    rows = "".join(f"<tr><td>{rank}</td><td>{city}</td></tr>" for rank, city, _ in ROWS_SIMPLIFIED[:2])
    return f"""<html><body>
<table class="layout"><tr>
<td class="sidebar"><table><tr><td>首页</td></tr><tr><td>新闻中心</td></tr></table></td>
<td class="main"><h2>2020年中国数字城市排名</h2>
<table><tr><th>排名</th><th>城市</th></tr>{rows}</table></td>
</tr></table>
</body></html>
"""


@lru_cache(maxsize=1)
def register_cjk_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def text_pdf(path: Path, lines: list[str], encrypt: str | None = None) -> Path:
    """One A4 page with each line drawn in the built-in Chinese CID font; ``encrypt`` sets a user password."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    register_cjk_font()
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1, encrypt=encrypt)
    pdf.setFont(CJK_FONT, 14)
    for n, line in enumerate(lines):
        pdf.drawString(72, 760 - 24 * n, line)
    pdf.showPage()
    pdf.save()
    return path


def table_pdf(path: Path, caption: str, rows: list[tuple[str, ...]], note: str) -> Path:
    """One page: a caption, a table ruled with a full grid, and a note below it."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    register_cjk_font()
    style = ParagraphStyle("zh", fontName=CJK_FONT, fontSize=12)
    table = Table(rows)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), CJK_FONT),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(
        [Paragraph(caption, style), table, Paragraph(note, style)])
    return path


def straddling_table_pdf(path: Path, rows: list[tuple[str, ...]], widths: list[float]) -> Path:
    """A grid-ruled table drawn glyph by glyph with the canvas: each cell's text is right-aligned so that
    it ends 2 points past its cell's right border, as a number set too wide for its column does; its
    last glyph touches the next cell, its centre stays in its own."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    register_cjk_font()
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setFont(CJK_FONT, 10)
    left, top, height = 60, 760, 20
    edges = [left + sum(widths[:n]) for n in range(len(widths) + 1)]
    for n in range(len(rows) + 1):
        pdf.line(edges[0], top - n * height, edges[-1], top - n * height)
    for x in edges:
        pdf.line(x, top, x, top - len(rows) * height)
    for n, row in enumerate(rows):
        for text, right in zip(row, edges[1:]):
            pdf.drawRightString(right + 2, top - n * height - 14, text)
    pdf.showPage()
    pdf.save()
    return path
