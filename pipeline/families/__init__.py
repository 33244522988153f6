"""Table families, each declared once: what it builds, what it needs, and for which editions.

A family turns what the sources hold into tables (the domain lists, the ranking copies and their vote,
the Tahaoo series, the claims check...). Its declaration names the tables it assigns and the inputs it
requires, as templates filled from an edition's file (``{id}_top100``, ``{regions_from}_regions``):

- ``scope``: ``each`` — one instance per edition that lists the family; ``all`` — one instance over every
  edition that lists it (the ranking copies, which are sorted between editions together); ``run`` — one
  instance for the whole run (claims).
- ``requires``: tables of the same run; ``name?`` is optional (used when some family builds it);
  ``*_kind`` is every table of that kind of any edition; ``lines`` is the lines that other families took
  (a ranking-shaped table another family read is not a ranking).
- ``takes_lines``: the family reads source lines that families requiring ``lines`` must leave alone.

``plan`` orders the instances so that every input is built before it is read; a cycle, a table two
families assign, or a required table nobody builds is an error at start-up, before any source is read.
A family sees only the tables it declared (``Inputs.table`` refuses the others), so a hidden order
cannot creep back in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter

from pipeline.model import PipelineError, QualityRecord

LINES = "lines"


@dataclass(frozen=True)
class Family:
    name: str
    scope: str  # each | all | run
    assigns: tuple[str, ...]
    requires: tuple[str, ...] = ()
    takes_lines: bool = False
    module: str = ""  # pipeline.families.<module>.<name>(inputs) -> Result builds the tables
    doc: str = ""


@dataclass
class Result:
    """What a family gives back: its tables, the lines it took, its notes about sources, its summaries
    for the validation report."""

    tables: dict[str, list[dict]] = field(default_factory=dict)
    lines_taken: dict[str, set[str]] = field(default_factory=dict)
    notes: list = field(default_factory=list)  # pipeline.sources.SourceNote
    summaries: dict = field(default_factory=dict)

    def take(self, source_id: str, locations: Iterable[str]) -> None:
        self.lines_taken.setdefault(source_id, set()).update(locations)


REGISTRY: tuple[Family, ...] = (
    Family("domain_lists", "each", ("{id}_domain_top100", "{id}_domain_summary"), takes_lines=True,
           module="white_paper", doc="the province -> cities lists of each domain"),
    Family("indicators", "each", ("{id}_indicators",), takes_lines=True, module="white_paper",
           doc="the evaluation framework (level-1, level-2, level-3 indicators)"),
    Family("stages", "each", ("{id}_stages",), module="white_paper", doc="development stages and their counts"),
    Family("regions", "each", ("{id}_regions",), module="white_paper", doc="the region legend"),
    Family("cases", "each", ("{id}_cases",), requires=("{id}_domain_top100",), module="white_paper",
           doc="case studies under the domain headings"),
    Family("tahaoo_series", "each", ("{id}_index_top10", "{id}_scores", "{id}_province_grades", "{id}_apps",
                                     "{id}_smart_towns"), takes_lines=True, module="tahaoo",
           doc="the Tahaoo index, score, grade, app and smart-town tables"),
    Family("ranking", "all", ("{id}_top100", "{id}_top100_by_source", "{id}_top100_by_province",
                              "{id}_top100_by_region", "{id}_top100_by_division", "unknown_rankings"),
           requires=(LINES, "{regions_from}_regions?"), module="rankings",
           doc="every copy of each edition's ranking, the vote, the distributions; rankings of no edition"),
    Family("city_panel", "each", ("city_panel",), requires=("{compare_with}_top100", "{id}_scores"), module="panel",
           doc="one edition's scores beside another's ranks"),
    Family("claims", "run", ("claims",), requires=("*_top100?", "*_indicators?", "*_stages?", "*_regions?"),
           module="claims", doc="the documents' claims, checked against their edition's tables"),
)


def known_families() -> set[str]:
    return {family.name for family in REGISTRY if family.scope != "run"}


@dataclass(frozen=True)
class Instance:
    """A family for its editions, its table names filled in."""

    family: Family
    editions: tuple  # pipeline.editions.Edition
    assigns: tuple[str, ...]
    requires: tuple[str, ...]  # table names, LINES included; optional ones only when some family builds them

    @property
    def label(self) -> str:
        return self.family.name + (f" ({', '.join(e.id for e in self.editions)})" if self.editions else "")


def _fill(template: str, edition) -> str:
    values = {"id": edition.id, "regions_from": edition.regions_from or edition.id, "compare_with": edition.compare_with}
    return template.format_map(values)


def plan(editions: tuple, families: tuple[Family, ...] = REGISTRY) -> list[Instance]:
    """The family instances for these editions, in an order where every input is built before it is read."""
    drafts = [draft for family in families for draft in _drafts(family, editions)]
    built = _assigned(drafts)
    return _ordered([Instance(draft.family, draft.editions, draft.assigns, _inputs(draft, built)) for draft in drafts])


def _drafts(family: Family, editions: tuple) -> list[Instance]:
    """The family's instances with their templates filled, requirements not yet checked."""
    listing = tuple(e for e in editions if family.name in e.families)
    if family.scope == "run":
        return [Instance(family, (), family.assigns, family.requires)]
    if family.scope == "all":
        groups = [listing] if listing else []
    else:
        groups = [(edition,) for edition in listing]
    return [Instance(family, group, tuple(dict.fromkeys(_fill(t, e) for e in group for t in family.assigns)),
                     tuple(dict.fromkeys(_fill(t, e) for e in group for t in family.requires))) for group in groups]


def _assigned(drafts: list[Instance]) -> set[str]:
    """Every table some instance builds; one built by two is an error."""
    built: dict[str, str] = {}
    for draft in drafts:
        for name in draft.assigns:
            if built.setdefault(name, draft.label) != draft.label:
                raise PipelineError(f"table {name} is assigned by two families, {built[name]} and {draft.label}; "
                                    "list the family in one edition file only")
    return set(built)


def _inputs(draft: Instance, built: set[str]) -> tuple[str, ...]:
    """The tables an instance reads: its requirements resolved against what is built (``*_kind`` and
    optional ``name?`` ones to what exists); a required table nobody builds is an error."""
    needed = []
    for name in draft.requires:
        if name.startswith("*_"):
            kind = name[2:].rstrip("?")
            needed.extend(sorted(n for n in built if re.fullmatch(r"[a-z]+\d{4}_" + kind, n)))
        elif name == LINES or name.rstrip("?") in built:
            needed.append(name.rstrip("?"))
        elif not name.endswith("?"):
            where = ", ".join(f"editions/{e.id}.toml" for e in draft.editions) or "the family registry"
            raise PipelineError(f"the {draft.family.name} family needs the table {name}, which no family builds: add "
                                f"the family that builds it to the families of {where}, or remove {draft.family.name}")
    return tuple(dict.fromkeys(needed))


def _ordered(instances: list[Instance]) -> list[Instance]:
    takers = [i for i in instances if i.family.takes_lines]
    builder = {name: i for i in instances for name in i.assigns}
    graph = {i: set() for i in instances}
    for instance in instances:
        for name in instance.requires:
            graph[instance] |= set(takers) if name == LINES else {builder[name]}
        graph[instance].discard(instance)
    sorter = TopologicalSorter(graph)
    try:
        sorter.prepare()
    except CycleError as exc:
        cycle = " -> ".join(i.label for i in exc.args[1])
        raise PipelineError(f"the table families need each other's tables in a circle ({cycle}); change what "
                            "one of them requires") from None
    position = {i: n for n, i in enumerate(instances)}
    order = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=position.get)  # declaration order among the ready ones
        order.extend(ready)
        sorter.done(*ready)
    return order


@dataclass
class Inputs:
    """What one family instance may read: the sources, their stored findings, the gazetteer, the
    corrections, and only the tables (and taken lines) its declaration requires."""

    instance: Instance
    sources: list  # pipeline.sources.Source, readable ones, in priority order
    found: Callable  # (source, key, compute) -> the source's finding, computed or stored
    gaz: object
    corrections: object
    quality: list[QualityRecord]
    _tables: dict[str, list[dict]]
    _lines_taken: dict[str, set[str]]

    @property
    def editions(self) -> tuple:
        return self.instance.editions

    @property
    def edition(self):
        edition, = self.instance.editions
        return edition

    def table(self, name: str) -> list[dict]:
        if name not in self.instance.requires:
            raise RuntimeError(f"the {self.instance.label} family reads {name}, which it does not require; "
                               "declare it in pipeline/families/__init__.py")
        return self._tables.get(name, [])

    def has(self, name: str) -> bool:
        return name in self.instance.requires

    def lines_taken(self, source_id: str) -> set[str]:
        if LINES not in self.instance.requires:
            raise RuntimeError(f"the {self.instance.label} family reads the lines other families took without "
                               "requiring them")
        return self._lines_taken.get(source_id, set())

    def is_province(self, text: str) -> bool:
        return self.gaz.province(text.replace(" ", "")) is not None

    def is_city(self, text: str) -> bool:
        return bool(self.gaz.cities(text))


def builder(family: Family) -> Callable[[Inputs], Result]:
    """The function that builds a family's tables: ``pipeline.families.<module>.<family name>``."""
    from importlib import import_module

    return getattr(import_module(f"pipeline.families.{family.module}"), family.name)


def published_tables(instances: list[Instance], out_dir) -> list[str]:
    """The tables a run of these families publishes into ``out_dir``: every table they assign, but those
    of an edition published only when found that is not there, and the sources and data_quality tables."""
    names = {"sources", "data_quality"}
    for instance in instances:
        for name in instance.assigns:
            edition = next((e for e in instance.editions if name.startswith(e.id + "_")), None)
            if edition is None or edition.publish == "always" or (out_dir / f"{name}.csv").exists():
                names.add(name)
    return sorted(names)


def describe(instances: list[Instance]) -> list[str]:
    """One line per family instance, in run order: what the README's "How it works" shows."""
    return [f"{i.label}: {', '.join(i.assigns)}" + (f" <- {', '.join(i.requires)}" if i.requires else "")
            for i in instances]
