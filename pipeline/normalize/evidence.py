"""Whether a document shows the damage a repair undoes, decided once per document before it runs.

A repair that is right on damaged pages and wrong on a user's clean text is worse than none (ftfy's
first promise is the same). So each repair that a clean author could trigger by writing on purpose
what the damage also produces (pinyin in brackets, a space between two characters, a tag named in
prose) first counts what the whole document shows, and runs only where the count says the damage is
there. The decision is one record per document: in ``data_quality`` and in ``normalize --explain``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.model import Repair


@dataclass(frozen=True)
class Evidence:
    """What a document shows for one repair: whether it ``shows`` the damage, what was counted
    (``summary``, for people), and the first candidate (its text, 0-based line index and column in
    the text the stage was given)."""

    repair: str
    shows: bool
    summary: str
    index: int
    column: int
    candidate: str

    def record(self, first_line: int) -> Repair:
        """The decision as a record at the first candidate, which it leaves as it is (``before`` and
        ``after`` are its text); it counts no change (``count`` 0). The reason names the repair and
        says whether it ran."""
        verdict = "applied" if self.shows else "not applied: the document does not show the damage"
        return Repair("evidence", first_line + self.index, self.column + 1, self.candidate, self.candidate, 1.0,
                      f"{self.repair}: {self.summary}; {verdict}", 0)
