"""Bytes to Document: detect the encoding and the format from the content, render text as lines.

The file extension is only a hint: a PDF is recognised by its magic bytes, HTML by its markup, and
text encodings by trying strict decoders and scoring how ordinary the decoded characters are.
HTML and PDF tables are rendered as tab-separated lines so one table extractor serves every format.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from pathlib import Path

from pipeline.model import Document, PipelineError

MAX_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 500

_HTML_MARKERS = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|table)\b", re.IGNORECASE)
_SCRIPTS = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_QUOTED_NAME = re.compile(r"[\"'][\u4e00-\u9fff]{2,12}[\"']")
_SCRIPT_DATA_NAMES = 20  # quoted Chinese names in scripts: a data island, not a menu label or two
_HTML_TAGS = re.compile(r"<\s*(?:p|div|span|tr|td|th|li|a|br|h[1-6])\b[^>]*>", re.IGNORECASE)


def source_id_for(path: Path) -> str:
    """A stable id from the file name: lowercase letters, digits, CJK characters and underscores."""
    return re.sub(r"[^0-9a-z\u4e00-\u9fff]+", "_", path.stem.lower()).strip("_") or "source"


_CHECK = "check the file's permissions"
_WHAT_TO_DO = {FileNotFoundError: "check the path", IsADirectoryError: "give a file, not a folder"}


def read_source(path: Path, meta: dict | None = None, blank_ok: bool = False, data: bytes | None = None,
                render: bool = True) -> Document:
    """Read one file into a Document, or raise PipelineError saying what is wrong and what to do.
    A blank file is such an error for the run (a source with nothing in it), not with ``blank_ok``
    (normalize prints its lines as they are). ``data`` is the file's bytes when the caller has read them.
    Without ``render`` an HTML page is kept as the lines of its file (normalize: one output line per
    input line, whatever the file starts with); a PDF has no lines but the ones read from its pages."""
    path = Path(path)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            if path.is_symlink() and not path.exists():
                raise PipelineError(f"{path}: is a link to {os.readlink(path)}, which does not exist; put the file "
                                    "itself in raw/ or remove the link.") from exc
            raise PipelineError(f"{path}: cannot be read ({exc.strerror}); {_WHAT_TO_DO.get(type(exc), _CHECK)}.") from exc
    if len(data) > MAX_BYTES:
        raise PipelineError(
            f"{path}: {len(data) / 1e6:.0f} MB is over the {MAX_BYTES / 1e6:.0f} MB limit for one source; "
            "split the document or extract the pages that hold the tables."
        )
    sha = hashlib.sha256(data).hexdigest()
    common = dict(source_id=source_id_for(path), file=path.name, sha256=sha, meta=dict(meta or {}))
    unread = _unread_kind(data)
    if unread:
        raise PipelineError(f"{path}: is {unread}.")
    if data.lstrip()[:5] == b"%PDF-":
        from pipeline.pdf import render_pdf

        lines, locations, warnings = render_pdf(path, data, MAX_PDF_PAGES)
        return Document(format="pdf", encoding="binary", lines=lines, locations=locations,
                        warnings=warnings, **common)
    text, encoding, warnings = decode(data, path)
    if not text.strip() and not blank_ok:  # after decoding, so a bare BOM or UTF-16 spaces count as empty too
        raise PipelineError(f"{path}: the file is empty; replace it with the document's content or remove it.")
    if render and looks_like_html(text):
        lines = render_html(text)
        if not any(line.strip() for line in lines):
            raise PipelineError(f"{path}: the HTML page shows no text (only markup); save the page again once "
                                "it has loaded, or provide the document as PDF or text.")
        names = _names_in_scripts(text)
        if names >= _SCRIPT_DATA_NAMES and not any("\t" in line for line in lines):
            warnings.append(f"the page shows no table, but its scripts hold {names} quoted Chinese names: a browser "
                            "builds the table from them, and this pipeline does not run scripts; open the page in a "
                            "browser, let it load and save it (Save Page As, complete), or export the table as CSV")
        return Document(format="html", encoding=encoding, lines=lines,
                        locations=[f"line {i}" for i in range(1, len(lines) + 1)], warnings=warnings, **common)
    lines = split_lines(text)
    return Document(format="text", encoding=encoding, lines=lines,
                    locations=[f"line {i}" for i in range(1, len(lines) + 1)], warnings=warnings, **common)


_OFFICE = [(b"word/", "a Word document (.docx)"), (b"xl/", "an Excel workbook (.xlsx)"),
           (b"ppt/", "a PowerPoint file (.pptx)"), (b"content.xml", "an OpenDocument file")]
_IMAGE = "run OCR on it and put the text (or a PDF with a text layer) in raw/"
_ARCHIVE = "unpack it and put the files it holds in raw/"
_BINARY = [(b"\x89PNG\r\n\x1a\n", "a PNG image", _IMAGE), (b"\xff\xd8\xff", "a JPEG image", _IMAGE),
           (b"GIF87a", "a GIF image", _IMAGE), (b"GIF89a", "a GIF image", _IMAGE),
           (b"II*\x00", "a TIFF image", _IMAGE), (b"MM\x00*", "a TIFF image", _IMAGE), (b"BM", "a BMP image", _IMAGE),
           (b"\x1f\x8b", "gzip-compressed", _ARCHIVE), (b"BZh", "bzip2-compressed", _ARCHIVE),
           (b"\xfd7zXZ\x00", "xz-compressed", _ARCHIVE), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", _ARCHIVE),
           (b"Rar!\x1a\x07", "a RAR archive", _ARCHIVE)]


def _unread_kind(data: bytes) -> str:
    """What a file this pipeline does not read is, and what to do with it, from its first bytes ('' for
    anything else): an Office file, an image, an archive."""
    office = _office_kind(data)
    if office:
        return (f"{office}, which this pipeline does not read; export it as CSV, PDF or HTML and put that file "
                "in raw/ instead")
    return next((f"{kind}, not a document this pipeline reads; {remedy}" for magic, kind, remedy in _BINARY
                 if data.startswith(magic)), "")


def _office_kind(data: bytes) -> str:
    """What Office file the bytes are ('' when none): named so the message can say what to do."""
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # the OLE2 container of .doc, .xls, .ppt
        return "an old-format Office file (.doc, .xls or .ppt)"
    if not data.startswith(b"PK\x03\x04"):
        return ""
    head = data[:65536]
    return next((kind for marker, kind in _OFFICE if marker in head), "a ZIP archive")


_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode(data: bytes, path: Path) -> tuple[str, str, list[str]]:
    """Return (text, encoding name, warnings).

    Order: a byte-order mark; UTF-32 and UTF-16 recognised by their zero bytes; HZ-GB-2312 (7-bit,
    ``~{…~}``); an encoding Python has no codec for, refused by name (ISO-2022-CN); strict UTF-8; then
    every strict East-Asian decoder that succeeds, scored by how common its characters are (a wrong
    decoder turns text into rare characters). A decode that scores low is kept with a warning (the
    source is partial, never ok), unless the bytes have the shape of EUC-TW, which is refused by name.
    When nothing decodes strictly, the best lossy decode is kept with a warning, so a few damaged
    bytes do not cost the whole document.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _declared(data, name, path, f"starts with a {name} byte-order mark")
    wide = _utf32_without_bom(data) or _utf16_without_bom(data)
    if wide:
        return _declared(data, wide, path, f"reads as {wide} (without a byte-order mark)")
    if b"\x00" in data:
        raise PipelineError(
            f"{path}: holds binary data (NUL bytes) and is neither PDF nor text in a known encoding; "
            "provide the document as PDF, HTML or text (a text file: save it as UTF-8)."
        )
    unsupported = _unsupported_escapes(data)
    if unsupported:
        raise _not_supported(path, unsupported)
    hz = _hz(data)
    if hz is not None:
        return hz, "hz", []
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    candidates = []
    for name in _PREFERENCE:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        candidates.append((commonness(text), name, text))
    if candidates:
        score, name, text = max(candidates, key=lambda c: (c[0], -_PREFERENCE.index(c[1])))
        if score >= CONFIDENT:
            return text, name, []
        if _euc_tw_shaped(data):
            raise _not_supported(path, "EUC-TW")
        if score >= _LOW_CONFIDENCE:
            return text, name, [f"read as {name} with low confidence: only {score:.0%} of its characters are "
                                "everyday text; check the text, or save the file as UTF-8"]
        raise _not_text(path)
    lossy = []
    for name in ("utf-8", "gb18030", "big5hkscs"):
        text = data.decode(name, errors="replace")
        bad = text.count("\ufffd")
        lossy.append((bad, -commonness(text), name, text))
    bad, _, name, text = min(lossy)
    share = bad / max(len(text), 1)
    if share > _MAX_LOST or commonness(text) < _LOW_CONFIDENCE:
        raise _not_text(path)
    return text, name, [_replaced(bad, name)]


CONFIDENT = 0.8  # commonness: right decodes of real files score 0.92 and up, wrong ones 0.67 and below
_LOW_CONFIDENCE = 0.5  # below this a decode is no reading at all


def _not_text(path: Path) -> PipelineError:
    return PipelineError(f"{path}: is not text in any supported encoding (UTF-8, UTF-16, UTF-32, GB18030/GBK, "
                         "Big5, HZ-GB-2312); provide the document as PDF, HTML or text in one of these encodings.")
# Escape sequences that designate the character sets of ISO-2022-CN (GB 2312, CNS 11643 planes), for
# which Python has no codec.
_ISO_2022_CN = re.compile(rb"\x1b\$(?:\)[AGE]|\*[HI-M]|\+[I-M])")


def _not_supported(path: Path, name: str) -> PipelineError:
    return PipelineError(f"{path}: reads as text in {name}, and {name} is not supported: save it as UTF-8 (or "
                         "GB18030 or Big5) and put that file in raw/ instead.")


def _unsupported_escapes(data: bytes) -> str:
    """The name of a 7-bit escape encoding the bytes are in that no codec here reads ('' for none)."""
    if b"\x1b$" in data and _ISO_2022_CN.search(data):
        return "ISO-2022-CN"
    return ""


def _hz(data: bytes) -> str | None:
    """HZ-GB-2312 text (RFC 1843): 7-bit bytes where ``~{`` … ``~}`` hold GB2312 pairs. All ASCII, so
    strict UTF-8 would read it as ASCII; it is HZ when it decodes as HZ into everyday Chinese."""
    if b"~{" not in data or b"~}" not in data or max(data, default=0) >= 0x80:
        return None
    try:
        text = data.decode("hz")
    except UnicodeDecodeError:
        return None
    if text == data.decode("ascii") or commonness(text) < CONFIDENT:
        return None
    return text


def _euc_tw_shaped(data: bytes) -> bool:
    """Whether the bytes are EUC-TW: every byte past ASCII in pairs of 0xA1-0xFE (or 0x8E and three
    more, for the planes of CNS 11643 past the first), and the pairs' rows those of CNS 11643 plane 1,
    whose Han characters start at row 0xC4 and which leaves 0xA7-0xC3 nearly empty. Chinese in GB2312,
    Korean or Japanese in their EUC forms put their commonest characters in those very rows (GB2312
    level 1 starts at 0xB0), and Big5's second bytes go down to 0x40."""
    rows = [0, 0]  # pairs in 0xA7-0xC3, in 0xC4-0xFD
    total = 0
    i = 0
    while i < len(data):
        byte = data[i]
        if byte < 0x80:
            i += 1
            continue
        if byte == 0x8E and i + 3 < len(data) and 0xA1 <= data[i + 1] <= 0xB0 and all(
                0xA1 <= b <= 0xFE for b in data[i + 2:i + 4]):
            total += 1
            i += 4
            continue
        if not (0xA1 <= byte <= 0xFE and i + 1 < len(data) and 0xA1 <= data[i + 1] <= 0xFE):
            return False
        total += 1
        if byte <= 0xC3:
            rows[0] += byte >= 0xA7
        elif byte <= 0xFD:
            rows[1] += 1
        i += 2
    return total >= _EUC_TW_PAIRS and rows[0] <= 0.02 * total and rows[1] >= 0.5 * total


_EUC_TW_PAIRS = 20  # characters enough to tell the rows apart


def _replaced(count: int, encoding: str) -> str:
    return f"{count} undecodable byte sequence(s) replaced by U+FFFD while reading as {encoding}"


_PREFERENCE = ["gbk", "gb18030", "big5", "cp950", "big5hkscs"]
_MAX_LOST = 0.05  # past this share of replaced characters a file is not text in the encoding it shows


def _declared(data: bytes, name: str, path: Path, why: str) -> tuple[str, str, list[str]]:
    """Text in the encoding its bytes show (``why``); a few bytes that do not decode, as in a file cut
    short by one byte, are replaced and said, rather than costing the whole document."""
    try:
        return data.decode(name), name, []
    except UnicodeDecodeError as exc:
        first = exc.start
    text = data.decode(name, errors="replace")
    lost = text.count("\ufffd")
    if lost > _MAX_LOST * max(len(text), 1):
        raise PipelineError(f"{path}: {why} but is not valid {name} from byte {first} on; re-save the file as UTF-8.")
    return text, name, [_replaced(lost, name) + f" (the first at byte {first}; is the file cut short?)"]


def _utf32_without_bom(data: bytes) -> str | None:
    """UTF-32 text without a BOM: a length in whole code units, and in every unit the byte that would
    hold bits above U+10FFFF zero and the next at most 0x10 (every code point is below 0x110000), the
    order that strictly decodes."""
    sample = data[:4000]
    if len(data) < 8 or len(data) % 4 or len(sample) % 4:
        return None
    for name, top, plane in (("utf-32-le", 3, 2), ("utf-32-be", 0, 1)):
        if not any(sample[top::4]) and max(sample[plane::4]) <= 0x10:
            try:
                data.decode(name)
            except UnicodeDecodeError:
                continue
            return name
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: zero bytes in every other position for ASCII-rich text; for Chinese
    text, which has few (only its ASCII characters give one), the byte order that reads as everyday
    Chinese with no control characters."""
    sample = data[:4000]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even_zero = sample[0::2].count(0) / len(sample[0::2])
    odd_zero = sample[1::2].count(0) / len(sample[1::2])
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    for name in ("utf-16-le", "utf-16-be"):
        text = sample[:len(sample) // 2 * 2].decode(name, errors="replace")
        if text.count("\ufffd") <= 1 and not _CONTROL.search(text) and commonness(text) >= 0.6:
            return name
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def commonness(text: str) -> float:
    """Share of the text's non-ASCII characters that are everyday text (see pipeline.normalize.commonness)."""
    from pipeline.normalize.commonness import commonness as measure

    return measure(text)


def split_lines(text: str) -> list[str]:
    """Lines split at line breaks only: a form feed (a page break from pdftotext) or another separator
    str.splitlines honours would shift every later line number."""
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def looks_like_html(text: str) -> bool:
    """HTML when the text declares itself as HTML or is mostly markup, not when a mirror left a stray tag."""
    head = text.lstrip()[:2048]
    if _HTML_MARKERS.search(head) and head.startswith("<"):
        return True
    return head.startswith("<") and len(_HTML_TAGS.findall(text)) >= 3


def _names_in_scripts(text: str) -> int:
    """Quoted Chinese names inside <script> elements: the sign of a table a script builds at load time."""
    return sum(len(_QUOTED_NAME.findall(body)) for body in _SCRIPTS.findall(text))


_BLOCK_TAGS = ["p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
               "header", "footer", "blockquote", "pre", "caption", "dt", "dd"]


def render_html(text: str) -> list[str]:
    """HTML to lines: scripts and styles dropped, each table row one tab-separated line, blocks on lines of their own."""
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    tables = soup.find_all("table")
    # A table holding tables lays out the page (sidebar, content); its cells are blocks, not data cells,
    # so the rows of the tables inside it, rendered first, keep their own lines.
    layout = {id(table) for table in tables if table.find("table")}
    for table in reversed(tables):
        if id(table) in layout:
            for cell in table.find_all(["td", "th"]):
                cell.insert_before(NavigableString("\n"))
                cell.insert_after(NavigableString("\n"))
            continue
        rows = table_rows_text([tr for tr in table.find_all("tr") if tr.find_parent("table") is table])
        table.replace_with(NavigableString("\n" + "\n".join(rows) + "\n"))
    for br in soup.find_all("br"):
        br.replace_with(NavigableString("\n"))
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before(NavigableString("\n"))
        tag.insert_after(NavigableString("\n"))
    lines = []
    for line in soup.get_text().split("\n"):
        if _CELL_SEP in line:
            cells = [" ".join(cell.split()) for cell in line.split(_CELL_SEP)]
            line = "\t".join(cells) if any(cells) else ""
        else:
            line = " ".join(line.split())
        lines.append(line)
    return _squeeze_blank_lines(lines)


# Separates rendered table cells until the markup's own whitespace has been collapsed.
_CELL_SEP = "\x1f"


def table_rows_text(rows) -> list[str]:
    """HTML table rows as cell texts joined by the cell separator: a cell spanning n columns is repeated
    n times, and a cell spanning n rows is repeated in the rows below it (a province cell beside its
    cities, say), so every line carries the whole row."""
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill)
    lines = []
    for tr in rows:
        cells: list[str] = []
        column = 0

        def fill_pending():
            nonlocal column
            while column in pending:
                text, left = pending[column]
                cells.append(text)
                if left <= 1:
                    del pending[column]
                else:
                    pending[column] = (text, left - 1)
                column += 1

        for cell in tr.find_all(["td", "th"]):
            fill_pending()
            value = " ".join(cell.get_text(" ", strip=True).split())
            across, down = _span(cell.get("colspan")), _span(cell.get("rowspan"))
            for _ in range(across):
                if down > 1:
                    pending[column] = (value, down - 1)
                cells.append(value)
                column += 1
        fill_pending()
        lines.append(_CELL_SEP.join(cells))
    return lines


def _span(value) -> int:
    try:
        return max(1, min(int(value or 1), 50))
    except ValueError:
        return 1


def _squeeze_blank_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line.strip() or (out and out[-1].strip()):
            out.append(line if line.strip() else "")
    while out and not out[-1].strip():
        out.pop()
    return out
