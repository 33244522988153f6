"""Plain records passed between stages: what a source held, what was repaired, what is still wrong.

Every stage hands the next one these objects and nothing else, so each stage can be tested alone and
every value keeps a pointer back to where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field



class PipelineError(Exception):
    """An input problem explained for people: the file, what was expected and what to do."""


@dataclass
class Document:
    """A source after ingest: decoded text split into lines, each line with a location label.

    ``lines`` are what the source says, one entry per line (PDF pages and HTML tables are rendered
    as lines, table cells separated by tabs), and ``locations`` names where each line came from
    ("line 12", "page 3 line 4", "table 2 row 5") so every extracted value can point back.
    """

    source_id: str
    file: str
    sha256: str
    format: str
    encoding: str
    lines: list[str]
    locations: list[str]
    warnings: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)


@dataclass(slots=True)
class Repair:
    """One change a text repair made; ``line`` and ``column`` are 1-based positions in the input.
    ``count`` is how many changes the record sums up (a document's pinyin annotations, the lines
    the script conversion changed). ``within`` and ``offset`` say where a change of text an earlier
    repair wrote applies (see :mod:`pipeline.normalize.columns`); None and 0 for text as read."""

    kind: str
    line: int
    column: int
    before: str
    after: str
    confidence: float
    reason: str
    count: int = 1
    within: int | None = None
    offset: int = 0


@dataclass(frozen=True)
class QualityRecord:
    """One row of the ``data_quality`` table: what was wrong, where, what it became and why."""

    source_id: str
    location: str
    table: str
    issue: str
    raw: str
    resolved: str
    action: str
