"""Ranking editions as data: one file per edition in ``editions/`` (``ccid2020.toml``, ``tahaoo2020.toml``).

An edition is one publisher's ranking of one year. Its file says who publishes it (names and the
patterns that recognise the publisher in a document or a manifest entry), the year, which table
families build its tables (``ranking``, ``domain_lists``, ``tahaoo_series``, ...), the size of its
ranking, which source is its declared primary source, and the parameters its table schemas take
(``schemas/edition/*.json`` are shared by every edition; ``{year}``, ``{ranking_size}`` and the like are
filled from here). Its tables are named ``<id>_<kind>``: ``ccid2020_top100``, ``ccid2021_top100``.

An edition marked ``publish = "always"`` has its tables written on every run (empty, and said so, when
no source carries them); one marked ``"when_found"`` only when a source in raw/ holds its ranking, so
declaring a future edition changes nothing until its documents arrive. Adding an edition is adding its
file; the README's "Adding an edition" gives the checklist.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.model import PipelineError

EDITIONS_DIR = Path(__file__).resolve().parent.parent / "editions"
PUBLISH = ("always", "when_found")
_ID = re.compile(r"^[a-z][a-z0-9]*\d{4}$")
_REQUIRED = {"id", "publisher", "publisher_patterns", "year", "families", "publish"}


@dataclass(frozen=True)
class Edition:
    id: str
    publisher: str  # as the tables' titles show it
    publisher_patterns: tuple[str, ...]  # regular expressions, case-insensitive
    year: int
    families: tuple[str, ...]
    publish: str
    title: str = ""
    ranking_size: int = 0
    primary_kind: str = ""  # the manifest kind of the declared primary source (whitepaper)
    compare_with: str = ""  # another edition whose ranking this one's scores are set beside (city_panel)
    regions_from: str = ""  # the edition whose region legend groups this ranking's provinces ('' = its own)
    params: dict = field(default_factory=dict, hash=False, compare=False)

    def table(self, kind: str) -> str:
        return f"{self.id}_{kind}"

    def regions_table(self) -> str:
        """The region legend that groups this edition's provinces: its own, or ``regions_from``'s."""
        return f"{self.regions_from or self.id}_regions"

    def names_publisher(self, text: str) -> bool:
        return any(re.search(pattern, text, re.IGNORECASE) for pattern in self.publisher_patterns)

    def is_primary(self, meta: dict) -> bool:
        """Whether a manifest entry declares this edition's primary source (the publisher's own document)."""
        return (bool(self.primary_kind) and meta.get("edition") == self.year and meta.get("kind") == self.primary_kind
                and self.names_publisher(str(meta.get("publisher", ""))))

    def schema_params(self) -> dict:
        """What ``schemas/edition/*.json`` are filled with for this edition's tables."""
        return {"id": self.id, "publisher": self.publisher, "year": self.year, "ranking_size": self.ranking_size,
                "title": self.title, **self.params}


@lru_cache(maxsize=None)
def load_editions(folder: Path = EDITIONS_DIR) -> tuple[Edition, ...]:
    """Every edition file of ``folder``, by id; a malformed file is an error naming it and the fix."""
    if not folder.is_dir():
        raise PipelineError(f"{folder}: no such folder of edition files; pass --editions with the folder that "
                            "holds them (the repository's editions/).")
    editions = [_edition(path) for path in sorted(folder.glob("*.toml"))]
    ids = [e.id for e in editions]
    for edition in editions:
        for key, other in (("compare_with", edition.compare_with), ("regions_from", edition.regions_from)):
            if other and other not in ids:
                raise PipelineError(f"{folder}/{edition.id}.toml: {key} = {other!r} names no edition file in {folder}.")
    return tuple(sorted(editions, key=lambda e: e.id))


def _edition(path: Path) -> Edition:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PipelineError(f"{path}: is not valid UTF-8 TOML ({exc}); fix the file or remove it.") from exc
    missing = sorted(_REQUIRED - set(data))
    if missing:
        raise PipelineError(f"{path}: lacks {', '.join(missing)}; every edition file needs "
                            f"{', '.join(sorted(_REQUIRED))} (see editions/README.md).")
    if not _ID.match(str(data["id"])) or data["id"] != path.stem:
        raise PipelineError(f"{path}: id {data['id']!r} must be the file's name, lowercase letters then the year "
                            "(ccid2021 in ccid2021.toml).")
    if data["publish"] not in PUBLISH:
        raise PipelineError(f"{path}: publish = {data['publish']!r}; use one of {', '.join(PUBLISH)}.")
    for pattern in data["publisher_patterns"]:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise PipelineError(f"{path}: publisher pattern {pattern!r} is not a regular expression ({exc}).") from exc
    from pipeline.families import known_families

    unknown = sorted(set(data["families"]) - known_families())
    if unknown:
        raise PipelineError(f"{path}: families {', '.join(unknown)} are not table families; use some of "
                            f"{', '.join(sorted(known_families()))}.")
    known = set(_REQUIRED) | {"title", "ranking_size", "primary_kind", "compare_with", "regions_from", "params"}
    extra = sorted(set(data) - known)
    if extra:
        raise PipelineError(f"{path}: unknown keys {', '.join(extra)}; check their spelling.")
    return Edition(id=data["id"], publisher=data["publisher"], publisher_patterns=tuple(data["publisher_patterns"]),
                   year=int(data["year"]), families=tuple(data["families"]), publish=data["publish"],
                   title=data.get("title", ""), ranking_size=int(data.get("ranking_size", 0)),
                   primary_kind=data.get("primary_kind", ""), compare_with=data.get("compare_with", ""),
                   regions_from=data.get("regions_from", ""), params=dict(data.get("params", {})))


_ACTIVE: list[Path] = [EDITIONS_DIR]


def use_editions(folder: Path) -> tuple[Edition, ...]:
    """Make ``folder`` the editions every later lookup reads (the run's ``--editions``), and load it."""
    editions = load_editions(Path(folder).resolve())
    _ACTIVE[0] = Path(folder).resolve()
    return editions


def active_editions() -> tuple[Edition, ...]:
    return load_editions(_ACTIVE[0])


def edition_of_table(name: str) -> tuple[Edition, str] | None:
    """(edition, kind) for a table named ``<edition id>_<kind>``; None for tables of no edition."""
    for edition in active_editions():
        if name.startswith(edition.id + "_"):
            return edition, name[len(edition.id) + 1:]
    return None
