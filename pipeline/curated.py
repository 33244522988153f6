"""Curated inputs that are data, not code: correction files and the documented known gaps.

- ``raw/corrections/*.toml``: values a person read where no algorithm can (cities typed from the
  printed paper to close a gap, an indicator cell the text layer lost). Every entry names its
  provenance and the edition it corrects (its ``edition`` key, or the edition id the file's name
  starts with); every use of one is a ``data_quality`` row.
- ``schemas/known_gaps.toml``: shortfalls the sources cannot fill (a province row printed empty),
  each with its reason and location. Validation accepts a shortfall only when open gaps explain it
  exactly; a correction that supplies the missing cities closes the gap.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.model import PipelineError
from pipeline.schemas import SCHEMA_DIR

CORRECTIONS_DIR = "corrections"
KNOWN_GAPS = SCHEMA_DIR / "known_gaps.toml"
KNOWN_DISCREPANCIES = SCHEMA_DIR / "known_discrepancies.toml"

# Section name -> keys every entry of that section must have.
_REQUIRED = {
    "domain_cities": {"domain", "province", "cities", "provenance"},
    "indicator": {"no", "provenance"},
}


@dataclass
class Corrections:
    domain_cities: list[dict] = field(default_factory=list)
    indicator: list[dict] = field(default_factory=list)

    def for_edition(self, edition_id: str, section: str) -> list[dict]:
        """The entries of a section that correct one edition's tables."""
        return [entry for entry in getattr(self, section) if entry["edition"] == edition_id]


@dataclass(frozen=True)
class KnownGap:
    table: str
    domain: str
    province: str
    missing: int
    source: str
    location: str
    reason: str


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PipelineError(f"{path}: is not valid UTF-8 TOML ({exc}); fix the file or remove it.") from exc


def load_corrections(raw_dir: Path) -> Corrections:
    """Every ``[[domain_cities]]`` and ``[[indicator]]`` entry of raw/corrections/*.toml, with its file."""
    corrections = Corrections()
    folder = raw_dir / CORRECTIONS_DIR
    if not folder.is_dir():
        return corrections
    for path in sorted(folder.glob("*.toml")):
        data = _read_toml(path)
        for section, entries in data.items():
            if section not in _REQUIRED:
                raise PipelineError(
                    f"{path}: unknown section [[{section}]]; use one of "
                    + ", ".join(f"[[{name}]]" for name in sorted(_REQUIRED)) + ".")
            if not isinstance(entries, list):
                raise PipelineError(f"{path}: [{section}] must be written [[{section}]] (double brackets), "
                                    "once before each entry.")
            for number, entry in enumerate(entries, start=1):
                missing = sorted(_REQUIRED[section] - set(entry))
                if missing:
                    raise PipelineError(f"{path}: [[{section}]] entry {number} lacks {', '.join(missing)}; "
                                        "every correction needs these keys, provenance included.")
                if section == "domain_cities" and not (isinstance(entry["cities"], list)
                                                       and all(isinstance(c, str) for c in entry["cities"])):
                    raise PipelineError(f'{path}: [[domain_cities]] entry {number} has cities {entry["cities"]!r}; '
                                        'write a list of names, e.g. cities = ["济南市", "青岛市"].')
                edition = entry.get("edition") or _edition_in_name(path)
                if not edition:
                    raise PipelineError(f"{path}: [[{section}]] entry {number} does not say which edition it corrects; "
                                        'add edition = "ccid2020" (an edition id of editions/), or start the '
                                        "file's name with it (ccid2020_indicators.toml).")
                getattr(corrections, section).append({**entry, "edition": edition,
                                                      "file": f"{CORRECTIONS_DIR}/{path.name}"})
    return corrections


def _edition_in_name(path: Path) -> str:
    """The edition id a correction file's name starts with (``ccid2020_indicators.toml``), or ''."""
    match = re.match(r"^([a-z]+\d{4})_", path.name)
    return match.group(1) if match else ""


def load_known_gaps(path: Path = KNOWN_GAPS) -> list[KnownGap]:
    if not path.exists():
        return []
    gaps = []
    for number, entry in enumerate(_read_toml(path).get("gap", []), start=1):
        try:
            gaps.append(KnownGap(**entry))
        except TypeError as exc:
            raise PipelineError(f"{path}: [[gap]] entry {number} is malformed ({exc}); each gap needs "
                                "table, domain, province, missing, source, location and reason.") from exc
        missing = gaps[-1].missing
        if not isinstance(missing, int) or isinstance(missing, bool) or missing < 0:
            raise PipelineError(f"{path}: [[gap]] entry {number} has missing = {missing!r}; "
                                "write the number of cities the gap accounts for, e.g. missing = 11.")
    return gaps


def load_known_discrepancies(path: Path = KNOWN_DISCREPANCIES) -> dict[str, str]:
    """claim_key -> reason, for claims the documents make that the tables contradict for a known reason."""
    if not path.exists():
        return {}
    found = {}
    for number, entry in enumerate(_read_toml(path).get("discrepancy", []), start=1):
        if not isinstance(entry.get("claim_key"), str) or not isinstance(entry.get("reason"), str):
            raise PipelineError(f"{path}: [[discrepancy]] entry {number} needs claim_key and reason as text.")
        found[entry["claim_key"]] = entry["reason"]
    return found
