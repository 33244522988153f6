"""Table schemas in ``schemas/``: columns, types, meanings and expectations, one JSON file per table.

Export takes column order, types and row order from here; validation builds its suites from here.
The files follow the Frictionless Table Schema shape (fields, constraints, primaryKey) so they can
be published as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


@dataclass(frozen=True)
class Schema:
    name: str
    body: dict

    @property
    def fields(self) -> list[dict]:
        return self.body["fields"]

    @property
    def columns(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def sort_by(self) -> list[str]:
        return self.body.get("sortBy") or self.columns

    @property
    def expectations(self) -> list[dict]:
        return self.body.get("expectations", [])


@lru_cache(maxsize=None)
def load_schema(name: str) -> Schema:
    path = SCHEMA_DIR / f"{name}.json"
    try:
        return Schema(name, json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise RuntimeError(f"no schema for table {name!r}: add {path}") from exc


def schema_names() -> list[str]:
    return sorted(p.stem for p in SCHEMA_DIR.glob("*.json"))
