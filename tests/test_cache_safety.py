"""The caches in OUT/.cache/ hold no code and tell no lies: an entry is JSON with a keyed checksum
(the key is the user's, outside the output folder), so a crafted pickle, a crafted JSON entry, a
flipped bit, an entry moved to another name and a forged validation outcome are all misses that are
read again, never a change to a table or code run. The fingerprint of the cached code covers every
module the cached step imports, found from the modules' own imports."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from conftest import read_table as read

MARKER = "cache-ran-code"


class RunsCode:
    """A pickle that runs a shell command when it is loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.fixture(scope="module")
def cached_run(tmp_path_factory):
    """A run over raw/ whose cache is filled, and the published tables it must keep giving."""
    from pipeline.run import run

    out = tmp_path_factory.mktemp("cached")
    assert run(ROOT / "raw", out) == 0
    return out


def tables_of(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.csv"))}


def copy_run(cached_run, tmp_path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(cached_run, out)
    return out


def entries(out: Path) -> list[Path]:
    return sorted((out / ".cache").rglob("*.entry"))


def test_planted_pickles_and_crafted_json_run_nothing_and_change_no_table(cached_run, tmp_path):
    from pipeline.run import run

    out = copy_run(cached_run, tmp_path)
    marker = tmp_path / MARKER
    crafted = pickle.dumps(RunsCode(marker))
    for n, path in enumerate(entries(out)):
        if n % 2:  # a pickle under the entry's own name, and beside it under the old pickle names
            path.write_bytes(crafted)
        else:  # JSON in the entry's shape that names a function to call
            path.write_text('digital-city-pipeline cache 2\n' + "0" * 64 + '\n{"\\u0000":"os:system","v":["touch '
                            f'{marker}"]}}', encoding="utf-8")
        path.with_suffix(".pickle").write_bytes(crafted)
    assert run(ROOT / "raw", out) == 0
    assert not marker.exists()
    assert tables_of(out) == tables_of(cached_run)
    assert not list((out / ".cache").rglob("*.pickle"))  # pruned: the cache holds what the run used


def test_entries_that_verify_still_cannot_build_anything_but_the_pipelines_dataclasses(tmp_path):
    """Even with the right key (a user's own old entry), the codec builds only data."""
    from pipeline import cache, codec

    path = tmp_path / "findings" / "x.entry"
    for payload in ('{"\\u0000":"os:system","v":["true"]}', '{"\\u0000":"subprocess:Popen","v":[["true"]]}',
                    '{"\\u0000":"pipeline.run:log","v":["not a dataclass"]}',
                    '{"\\u0000":"pipeline.model:Repair","v":["too few fields"]}'):
        with pytest.raises(ValueError):
            codec.loads(payload)
        cache.store(path, [])
        head, mac, _ = path.read_bytes().split(b"\n", 2)
        forged = payload.encode()
        mac = hmac.new(cache._key(), cache.FORMAT + b"\0findings/x.entry\0" + forged, hashlib.sha256).hexdigest()
        path.write_bytes(head + b"\n" + mac.encode() + b"\n" + forged)
        assert cache.load(path, object) is None
    plain = b'{"\\u0000":"tuple","v":[1,"a"]}'  # signed the same way, plain data reads back: the checksum held above
    mac = hmac.new(cache._key(), cache.FORMAT + b"\0findings/x.entry\0" + plain, hashlib.sha256).hexdigest()
    path.write_bytes(cache.FORMAT + b"\n" + mac.encode() + b"\n" + plain)
    assert cache.load(path, tuple) == (1, "a")


def test_a_flipped_bit_anywhere_is_a_miss(cached_run, tmp_path):
    """30 random bit flips in the entry that holds 宁波市's row (the flip that once published 箁波市)."""
    from pipeline import cache

    out = copy_run(cached_run, tmp_path)
    holder = next(p for p in entries(out) if "宁波市".encode() in p.read_bytes() and "findings" in p.parts)
    kind = type(cache.load(holder, object))
    data = holder.read_bytes()
    rng = random.Random(19)
    for _ in range(30):
        flipped = bytearray(data)
        spot = rng.randrange(len(flipped))
        flipped[spot] ^= 1 << rng.randrange(8)
        holder.write_bytes(bytes(flipped))
        assert cache.load(holder, kind) is None, spot
    holder.write_bytes(data)
    assert cache.load(holder, kind) is not None


def test_flipped_bits_in_every_entry_leave_the_tables_as_they_are(cached_run, tmp_path):
    from pipeline.run import run

    out = copy_run(cached_run, tmp_path)
    rng = random.Random(30)
    for path in entries(out):
        data = bytearray(path.read_bytes())
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))
    assert run(ROOT / "raw", out) == 0
    assert tables_of(out) == tables_of(cached_run)


def test_a_forged_validation_outcome_does_not_pass_a_failing_run(tmp_path):
    """A run that fails validation (a top-100 cut to 60 rows) stays failed when every stored outcome
    is edited to say success; an outcome re-signed with another key, or moved to another table's
    name, does not verify either."""
    from pipeline.run import run

    raw = tmp_path / "raw"
    raw.mkdir()
    lines = (ROOT / "raw" / "rfidworld_repost_ccid2020.txt").read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("排名"))
    (raw / "cut.txt").write_text("\n".join(lines[header:header + 61]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run(raw, out) == 1
    outcomes = sorted((out / ".cache" / "validation").glob("*.entry"))
    assert outcomes
    for path in outcomes:
        head, mac, payload = path.read_bytes().split(b"\n", 2)
        forged = json.loads(payload)
        forged["success"] = True
        for expectation in forged["expectations"]:
            expectation["success"] = True
        path.write_bytes(head + b"\n" + mac + b"\n" + json.dumps(forged).encode())
    assert run(raw, out) == 1
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    assert report["success"] is False and report["tables"]["ccid2020_top100"]["success"] is False

    from pipeline import cache

    first, second = sorted((out / ".cache" / "validation").glob("*.entry"))[:2]
    assert cache.load(first, dict) is not None
    head, _, payload = first.read_bytes().split(b"\n", 2)
    resigned = hmac.new(os.urandom(32), cache.FORMAT + b"\0validation/" + first.name.encode() + b"\0" + payload,
                        hashlib.sha256).hexdigest()
    moved = first.read_bytes()
    first.write_bytes(head + b"\n" + resigned.encode() + b"\n" + payload)
    second.write_bytes(moved)
    assert cache.load(first, dict) is None and cache.load(second, dict) is None


def test_a_folder_handed_over_with_its_cache_is_read_again_under_another_key(cached_run, tmp_path, monkeypatch):
    """Entries made with someone else's key (an output folder sent by a colleague) do not verify."""
    from pipeline import cache
    from pipeline.extract import ranking
    from pipeline.run import run

    out = copy_run(cached_run, tmp_path)
    assert not cache.key_path().resolve().is_relative_to(out.resolve())
    monkeypatch.setenv(cache.KEY_VARIABLE, str(tmp_path / "another-users-key"))
    cache._key.cache_clear()
    searched = []
    original = ranking.find_ranking_tables
    monkeypatch.setattr(ranking, "find_ranking_tables", lambda *args, **kwargs: searched.append(1)
                        or original(*args, **kwargs))
    try:
        assert run(ROOT / "raw", out) == 0
    finally:
        monkeypatch.undo()
        cache._key.cache_clear()
    assert len(searched) == 5  # every source searched again
    assert (tmp_path / "another-users-key").stat().st_mode & 0o777 == 0o600
    assert tables_of(out) == tables_of(cached_run)


def test_no_cache_ignores_even_an_entry_that_verifies(cached_run, tmp_path):
    """A signed entry saying 箁波市 (what the user's own cache could hold after a bug) is used by a
    cached run, and --no-cache reads the source itself."""
    from pipeline import cache
    from pipeline.prepare import Prepared
    from pipeline.run import run

    out = copy_run(cached_run, tmp_path)
    for path in sorted((out / ".cache").glob("*.entry")):
        prepared = cache.load(path, Prepared)
        if any("宁波市" in line for line in prepared.lines):
            prepared.lines = [line.replace("宁波市", "箁波市") for line in prepared.lines]
            cache.store(path, prepared)
    run(ROOT / "raw", out)
    assert "箁波市" in read(out, "ccid2020_top100_by_source")["city"].tolist() + read(out, "unknown_rankings")["name"].tolist()
    assert run(ROOT / "raw", out, use_cache=False) == 0
    assert tables_of(out) == tables_of(cached_run)


def test_cache_entries_are_no_more_readable_than_their_source(tmp_path):
    from pipeline.run import run

    raw = tmp_path / "raw"
    raw.mkdir()
    private = raw / "private.txt"
    shutil.copy(ROOT / "raw" / "ccid2020_whitepaper.txt", private)
    private.chmod(0o600)
    out = tmp_path / "out"
    run(raw, out)
    modes = {p.relative_to(out / ".cache").parts[0] if p.parent != out / ".cache" else "reading": p.stat().st_mode & 0o777
             for p in entries(out)}
    assert modes["reading"] == 0o600 and modes["findings"] == 0o600


def test_findings_follow_the_normalised_lines_not_the_bytes(tmp_path):
    """The same bytes normalised to other lines (a pass that reads other sources) are found again."""
    from pipeline.findings import SourceFindings

    computed = []

    def compute(records):
        computed.append(1)
        return ["found"]

    for lines in (["深圳市"], ["深圳市", "新的一行"], ["深圳市"]):
        findings = SourceFindings(tmp_path, "s", lines, ["line 1"] * len(lines), 0o644)
        assert findings.get("key", compute, []) == ["found"]
        findings.save()
    assert len(computed) == 2


def test_the_fingerprint_covers_every_module_the_cached_steps_import():
    """The reading step and the finding step, run in a fresh Python: every pipeline module they
    import is in the closure the fingerprint hashes (numerals.py included), found without a list."""
    script = """
import json, sys
from pathlib import Path
sys.path.insert(0, "tests")
from pipeline.prepare import read_and_normalise
from fixtures import ranking_html, SIMPLIFIED_TEXT
import tempfile
folder = Path(tempfile.mkdtemp())
for name, text in (("a.txt", SIMPLIFIED_TEXT), ("b.html", ranking_html("utf-8"))):
    (folder / name).write_text(text, encoding="utf-8")
    read_and_normalise(folder / name, {}, (folder / name).read_bytes())
reading = sorted(sys.modules[m].__file__ for m in sys.modules if m.startswith("pipeline"))
from pipeline.sources import read_sources
from pipeline.build import build_tables
from pipeline.curated import Corrections
from pipeline.editions import active_editions
from pipeline.families import plan
quality = []
build_tables(read_sources(Path("raw"), quality), plan(active_editions()), Corrections(), quality)
finding = sorted(sys.modules[m].__file__ for m in sys.modules if m.startswith("pipeline"))
print(json.dumps({"reading": reading, "finding": finding}))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    imported = json.loads(result.stdout.splitlines()[-1])
    from pipeline.cache import import_closure

    reading_files, reading_external = import_closure(("pipeline.prepare",))
    finding_files, _ = import_closure(("pipeline.build", "pipeline.findings"))
    assert {Path(f) for f in imported["reading"]} <= reading_files
    assert {Path(f) for f in imported["finding"]} <= finding_files | reading_files
    assert ROOT / "pipeline" / "numerals.py" in finding_files
    assert {"jieba", "jionlp", "opencc", "bs4", "pdfplumber"} <= reading_external


def test_a_change_in_numerals_changes_the_fingerprint_of_the_findings(tmp_path):
    code = "from pipeline.cache import code_fingerprint; print(code_fingerprint('pipeline.build', 'pipeline.findings'))"
    package = tmp_path / "pipeline"
    shutil.copytree(ROOT / "pipeline", package, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}

    def fingerprint():
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                                check=True)
        return result.stdout.strip()

    before = fingerprint()
    with open(package / "numerals.py", "a", encoding="utf-8") as handle:
        handle.write("\n# a change\n")
    assert fingerprint() != before


def test_a_stored_finding_that_does_not_decode_is_computed_again(tmp_path):
    """The inner value of a findings entry (a verified file, say from another version of the codec)
    that does not decode is a miss too, not a traceback."""
    from pipeline import cache
    from pipeline.findings import SourceFindings

    first = SourceFindings(tmp_path, "s", ["深圳市"], ["line 1"], 0o644)
    first.get("key", lambda records: ["found"], [])
    first.save()
    cache.store(first.path, [("key", '{"\\u0000":"pipeline.nowhere:Gone","v":[]}'), ("other", "not json")])
    again = SourceFindings(tmp_path, "s", ["深圳市"], ["line 1"], 0o644)
    assert again.get("key", lambda records: ["found again"], []) == ["found again"]
    assert again.get("other", lambda records: records.append("a record") or 1, quality := []) == 1
    assert quality == ["a record"]


def test_the_reading_across_sources_is_cached_while_no_source_changes(cached_run, tmp_path, monkeypatch):
    """The second reading of byte damage depends on every source: a re-run with the same sources takes
    it from the cache (no worker is asked), one with a source renamed reads across them again."""
    from pipeline import budget
    from pipeline.run import run

    out = copy_run(cached_run, tmp_path)
    asked = []
    real = budget.map_within
    monkeypatch.setattr(budget, "map_within", lambda *args: (asked.append(args[0].__name__) if args[1] else None)
                        or real(*args))
    assert run(ROOT / "raw", out) == 0
    assert asked == [] and tables_of(out) == tables_of(cached_run)
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    (raw / "szsca2022_article.txt").rename(raw / "article_renamed.txt")
    run(raw, out)
    assert asked == ["_read_elsewhere"]  # the renamed file's own reading is in the cache, the one across them not
    entry, = (out / ".cache" / "across").iterdir()  # the entry of the sources before is pruned
    assert entry.stat().st_mode & 0o777 & ~0o644 == 0  # no more than the sources' own permissions
