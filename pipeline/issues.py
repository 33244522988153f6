"""The data_quality issues that code looks for, each with the message the table shows.

Most issues are written once and only read by people; the ones below are also read by the pipeline
(the run's exit code, a later rule replacing an earlier note), so code compares these members, never
the sentences. A member is a ``str``: the table and every cache hold its message.
"""

from __future__ import annotations

from enum import StrEnum


class Issue(StrEnum):
    MANIFEST_ENTRY_NOT_USED = "manifest entry not used"  # a mistake in raw/sources.toml: the run exits 1
    CITY_NOT_IN_GAZETTEER = "city name not in the gazetteer"  # names.resolve_city; a correction may replace it
