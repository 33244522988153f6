"""Table schemas in ``schemas/``: columns, types, meanings and expectations, one JSON file per table.

Export takes column order, types and row order from here; validation builds its suites from here.
The files follow the Frictionless Table Schema shape (fields, constraints, primaryKey) so they can
be published as they are. A table of an edition (``ccid2020_top100``, ``ccid2021_top100``) has the
schema of its kind shared by every edition, ``schemas/edition/<kind>.json``, with ``${name}`` filled
from the edition's file (``${year}``, ``${ranking_size}``, its ``[params]``); a value that is only a
placeholder (``"${ranking_size}"``) takes the parameter's own type.
"""

from __future__ import annotations

import json
import re
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


def load_schema(name: str) -> Schema:
    from pipeline.editions import active_editions

    return _load(name, active_editions())


@lru_cache(maxsize=None)
def _load(name: str, editions: tuple) -> Schema:
    path = SCHEMA_DIR / f"{name}.json"
    if path.exists():
        return Schema(name, json.loads(path.read_text(encoding="utf-8")))
    for edition in editions:
        kind = name[len(edition.id) + 1:] if name.startswith(edition.id + "_") else ""
        template = SCHEMA_DIR / "edition" / f"{kind}.json"
        if kind and template.exists():
            return Schema(name, _filled(json.loads(template.read_text(encoding="utf-8")), edition, template))
    raise RuntimeError(f"no schema for table {name!r}: add {path}, or schemas/edition/<kind>.json for a table of an "
                       "edition")


_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def _filled(value, edition, template: Path):
    """The template with the edition's parameters in place of its ``${name}`` placeholders."""
    params = edition.schema_params()
    if isinstance(value, dict):
        return {key: _filled(item, edition, template) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, edition, template) for item in value]
    if not isinstance(value, str):
        return value
    for name in _PLACEHOLDER.findall(value):
        if name not in params:
            raise RuntimeError(f"{template} needs ${{{name}}}, which editions/{edition.id}.toml does not give: add "
                               f"{name} = ... under its [params]")
    whole = _PLACEHOLDER.fullmatch(value)
    return params[whole.group(1)] if whole else _PLACEHOLDER.sub(lambda m: str(params[m.group(1)]), value)
