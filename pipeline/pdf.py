"""PDF to lines with pdfplumber: ruled tables as tab-separated rows, the rest of the page as text lines.

Lines keep reading order (top to bottom on each page) so a table's caption and header stay next to
it, and each line is labelled with its page so extracted values point back to the printed paper. A
table cell's text is pdfplumber's own (``Table.extract``: each character goes to the cell that holds
its centre), so a glyph that only touches a cell stays in its neighbour.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from pipeline.model import PipelineError


def render_pdf(path: Path, data: bytes, max_pages: int) -> tuple[list[str], list[str], list[str]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    warnings: list[str] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many exception types for damaged files
        # pdfplumber wraps pdfminer's exception in a PdfminerException whose first argument is the original.
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise PipelineError(
                f"{path}: the PDF is encrypted; save an unprotected copy and put that in raw/."
            ) from exc
        raise PipelineError(
            f"{path}: is not a readable PDF ({type(cause).__name__}: {cause}); the file may be truncated: "
            "download it again or export it anew."
        ) from exc
    with pdf:
        protected = getattr(pdf.doc, "encryption", None) is not None
        try:
            pages = pdf.pages
        except Exception as exc:
            raise PipelineError(f"{path}: the PDF's page tree cannot be read ({exc}); the file may be truncated.") from exc
        if len(pages) > max_pages:
            warnings.append(f"only the first {max_pages} of {len(pages)} pages were read (page limit)")
            pages = pages[:max_pages]
        lines, locations = _read_pages(pages, warnings)
    if not any(line.strip() for line in lines):
        raise PipelineError(
            f"{path}: the PDF has no extractable text (a scanned image?); run OCR on it first "
            "or provide the text."
        )
    unmapped = _unmapped_share(lines)
    remedy = ("the PDF is protected (permissions set): save an unprotected copy and put that in raw/" if protected
              else "its fonts carry no map to Unicode: export the text from the program that made the PDF, or "
                   "run OCR on it")
    if unmapped > _UNMAPPED_FAILS:
        raise PipelineError(f"{path}: {unmapped:.0%} of the PDF's text comes out as glyph numbers ((cid:N)); {remedy}.")
    if unmapped > 0:
        warnings.append(f"{unmapped:.0%} of the text comes out as glyph numbers ((cid:N)), not characters; {remedy}")
    return lines, locations, warnings


def _read_pages(pages, warnings: list[str]) -> tuple[list[str], list[str]]:
    """The lines and locations of the pages; what makes a page's text unreliable (set sideways, one
    glyph repeated where text should be) or a page unreadable is added to ``warnings``."""
    lines: list[str] = []
    locations: list[str] = []
    sideways, repeated = [], []
    for page in pages:
        try:
            entries = _page_entries(page)
            if _mostly_sideways(page):
                sideways.append(page.page_number)
        except Exception as exc:
            warnings.append(f"page {page.page_number} could not be read ({type(exc).__name__}: {exc})")
            continue
        repeated.extend((page.page_number, run) for run in _one_glyph_repeated([text for _, text, _ in entries]))
        lines.extend(text for _, text, _ in entries)
        locations.extend(location for _, _, location in entries)
    if repeated:
        pages_named = ", ".join(str(n) for n in sorted({n for n, _ in repeated}))
        warnings.append(f"on page(s) {pages_named} one glyph stands where text should be ({repeated[0][1]}): the PDF's "
                        "fonts map many glyphs to one character, so that text is wrong; export the text another way "
                        "(from the program that made the PDF, or by OCR) and run again")
    if sideways:
        warnings.append(f"the text of page(s) {', '.join(map(str, sideways))} is set sideways (rotated on the page), "
                        "so its lines are read out of order; rotate those pages upright (or export their text) "
                        "and run again")
    return lines, locations


def _mostly_sideways(page) -> bool:
    """Whether most of the page's characters are not upright: a table turned 90 degrees on a portrait
    page, which pdfplumber reads a column at a time."""
    chars = page.chars
    return bool(chars) and sum(not char.get("upright", True) for char in chars) > len(chars) / 2


_CID = re.compile(r"\(cid:\d+\)")
_UNMAPPED_FAILS = 0.5  # past this share of the text, nothing useful is left to read


def _unmapped_share(lines: list[str]) -> float:
    """The share of the non-blank text that pdfminer could only show as ``(cid:N)`` glyph numbers."""
    text = "".join("".join(line.split()) for line in lines)
    unmapped = sum(len(code) for code in _CID.findall(text))
    return unmapped / len(text) if text else 0.0


_REPEATED = re.compile(r"([\u4e00-\u9fff])\1{2,}")  # one Chinese character three times or more: 佛佛佛
_REPEATED_LEAST = 5  # characters in such runs on a page, and
_REPEATED_SHARE = 0.01  # their share of the page's Chinese characters, before the page is called broken


def _one_glyph_repeated(lines: list[str]) -> list[str]:
    """Runs of one Chinese character repeated (佛佛佛佛…) on a page that has enough of them to be a font
    whose glyphs all map to one character, not a writer's 哈哈哈."""
    runs = [match.group(0) for line in lines for match in _REPEATED.finditer(line)]
    han = sum(len(re.findall(r"[\u4e00-\u9fff]", line)) for line in lines)
    held = sum(len(run) for run in runs)
    return runs if held >= _REPEATED_LEAST and held >= _REPEATED_SHARE * han else []


def _page_entries(page) -> list[tuple[float, str, str]]:
    number = page.page_number
    tables = page.find_tables()
    entries: list[tuple[float, str, str]] = []
    for t_index, table in enumerate(tables, start=1):
        for r_index, (row, texts) in enumerate(zip(table.rows, table.extract()), start=1):
            cells = [" ".join((text or "").split()) for text in texts]
            entries.append((row.bbox[1], "\t".join(cells), f"page {number} table {t_index} row {r_index}"))
    boxes = [table.bbox for table in tables]

    def outside_tables(obj) -> bool:
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside_tables) if boxes else page
    for n, line in enumerate(rest.extract_text_lines(), start=1):
        entries.append((line["top"], line["text"], f"page {number} line {n}"))
    entries.sort(key=lambda e: e[0])
    return entries
