"""``raw/sources.toml``: optional metadata per source file, and which files in raw/ are sources."""

from __future__ import annotations

import os
import re
import tomllib
from collections import Counter
from pathlib import Path

from pipeline.model import PipelineError

MANIFEST = "sources.toml"
KINDS = {"whitepaper", "repost", "mirror", "article"}
_NOT_SOURCES = {MANIFEST, "README.md", "README.txt", "README"}
_KEYS = {"publisher", "title", "edition", "kind", "note"}


def load_manifest(raw_dir: Path, problems: list[str] | None = None) -> dict[str, dict]:
    """File name -> metadata. A missing manifest is an empty one; a malformed one is an error. With
    ``problems``, an entry's bad kind or edition is appended there and left out of the entry (the
    file is then processed with what its content shows) instead of raised; a kind differing only in
    case is taken as meant."""
    from pipeline.files import read_file

    path = raw_dir / MANIFEST
    if not path.exists() and not path.is_symlink():
        return {}
    try:
        data = tomllib.loads(read_file(path, raw_dir)[0].decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PipelineError(f"{path}: is not UTF-8 text; save it as UTF-8 and run again.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PipelineError(f"{path}: is not valid TOML ({exc}); fix the entry or remove the file.") from exc
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise PipelineError(f'{path}: entry {name!r} must be a table: ["{name}"] followed by key = value lines.')
        nested = [key for key, value in entry.items() if isinstance(value, dict)]
        if nested:
            raise PipelineError(f'{path}: [{name}.{nested[0]}] reads as a nested table; quote the file name: '
                                f'["{name}.{nested[0]}"].')
        for key in sorted(set(entry) - _KEYS):
            _problem(problems, entry, key, f"{path}: entry {name!r} has the key {key!r}, which is not one of "
                                           f"{', '.join(sorted(_KEYS))}; check its spelling.")
        kind = entry.get("kind")
        if isinstance(kind, str) and kind.strip().lower() in KINDS:
            entry["kind"] = kind = kind.strip().lower()
        if kind is not None and kind not in KINDS:
            _problem(problems, entry, "kind", f"{path}: entry {name!r} has kind {kind!r}; use one of "
                                              f"{', '.join(sorted(KINDS))}.")
        edition = entry.get("edition")
        if edition is not None and (isinstance(edition, bool) or not isinstance(edition, int)
                                    or not 1990 <= edition <= 2100):
            _problem(problems, entry, "edition", f"{path}: entry {name!r} has edition {edition!r}; write the year "
                                                 "as a number, e.g. 2020.")
    return data


def _problem(problems: list[str] | None, entry: dict, key: str, message: str) -> None:
    if problems is None:
        raise PipelineError(message)
    problems.append(message + f" The {key} was not used.")
    del entry[key]


def discover(raw_dir: Path) -> list[Path]:
    """Every non-hidden entry of raw/ that is not a folder, except the manifest and READMEs, sorted by
    name: files, and also what is not a readable file (a link whose target is gone or lies outside raw/,
    a named pipe, a device), so that each is reported rather than skipped without a word."""
    if not raw_dir.is_dir():
        raise PipelineError(f"{raw_dir}: no such folder; pass --raw with the folder that holds the sources.")
    return sorted(p for p in raw_dir.iterdir()
                  if not p.is_dir() and not p.name.startswith(".") and p.name not in _NOT_SOURCES)


def readable_name(path: Path) -> str:
    """The file's name as text. A name whose bytes are not UTF-8 (an archive made on a Chinese Windows
    unpacks to GBK names) is read as GB18030 when that decodes it, else its stray bytes are shown as
    \\xNN; either way every table can hold it."""
    try:
        path.name.encode("utf-8")
        return path.name
    except UnicodeEncodeError:
        raw = os.fsencode(path.name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def unread_folders(raw_dir: Path, out_dir: Path | None = None) -> list[Path]:
    """Sub-folders of raw/ other than corrections/ and the tables' own folder (``out_dir``, when it is
    put inside raw/): their files are not sources, which a user who dropped a folder in would not
    expect without being told."""
    from pipeline.curated import CORRECTIONS_DIR

    out = out_dir.resolve() if out_dir is not None else None
    return sorted(p for p in raw_dir.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and p.name != CORRECTIONS_DIR and p.resolve() != out)


def infer_edition(lines: list[str]) -> int | None:
    """The year a document is about when the manifest does not say: the year most often written as a
    date or a title year (``2020年``, ``2020中国…``, ``2019-2020年度``, ``《2021…》``); None when none is."""
    counts = Counter()
    for line in lines:
        counts.update(int(y) for y in _TITLE_YEAR.findall(line))
    if not counts:
        return None
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]


_TITLE_YEAR = re.compile(r"(?<![\d-])(?:20\d\d-)?(20\d\d)(?!\d)(?=\s*(?:年|中国|数字|智慧|白皮书))")
