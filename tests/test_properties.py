"""Property tests: arbitrary bytes never break ingest with anything but a clear error, and normalize
is total and idempotent on arbitrary text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest import read_source
from pipeline.model import PipelineError
from pipeline.normalize import normalize_lines

CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
TEXTISH = st.text(alphabet=st.one_of(CHINESE, st.sampled_from(list("?!(),:;|\t <>/&。、“”ā́（）0123456789abcXYZ\ue000"))),
                  max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), name=st.sampled_from(["a.txt", "b.pdf", "c.html"]))
def test_ingest_raises_only_its_own_errors(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    try:
        doc = read_source(path)
    except PipelineError as error:
        assert str(path) in str(error)
    else:
        assert len(doc.lines) == len(doc.locations)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(TEXTISH, max_size=4))
def test_normalize_keeps_lines_and_is_idempotent(lines):
    once, _ = normalize_lines(lines)
    assert len(once) == len(lines)
    twice, _ = normalize_lines(once)
    assert twice == once
