"""UTF-8 text shown as Windows-1252 or Latin-1 (``ç®€ä½“ä¸­æ–‡`` is 简体中文, ``cafÃ©`` is café), undone
by ftfy, which also says how: its badness measure tells a misread run, and its plan (encode as
sloppy-windows-1252, decode as UTF-8) is the record's reason.
"""

from collections.abc import Callable
from functools import lru_cache

from pipeline.normalize.misread import Family


def _undo(run: str) -> tuple[str, str] | None:
    import ftfy

    fixed = ftfy.fix_encoding_and_explain(run)
    if fixed.text == run or not fixed.explanation:
        return None
    return fixed.text, "ftfy: " + ", then ".join(f"{action} {how}" for action, how in fixed.explanation)


def _bad(text: str, simplified: str | None = None) -> bool:
    return _is_bad()(text)


@lru_cache(maxsize=1)
def _is_bad() -> Callable[[str], bool]:
    """ftfy's badness test, imported once it is first needed (the stage asks it of every run)."""
    from ftfy.badness import is_bad

    return is_bad


FAMILY = Family("mojibake_cp1252", "Windows-1252", _undo, _bad, lambda text: not _bad(text))
