"""Share claims found by pattern, scoped to an edition and recomputed from the top-100."""

from __future__ import annotations

from pipeline.claims import check_claims, extract_claims


def top(provinces):
    return [{"rank": i, "province": p} for i, p in enumerate(provinces, start=1)]


def claims_in(line, gaz, edition=2020):
    return extract_claims("s", [line], ["line 1"], edition, gaz)


def test_share_claim_in_other_words(gaz):
    """The same claim worded differently yields the same key and value."""
    a, = claims_in("其中,江苏、广东、山东三省百强市占比为36%。", gaz)
    b, = claims_in("广东、山东和江苏3个省份的上榜城市占比达36%。", gaz)
    assert a.key == b.key == "province_share:山东省+广东省+江苏省"
    assert (a.expected, b.expected) == (36.0, 36.0)


def test_claim_naming_another_edition_is_out_of_scope(gaz):
    claim, = claims_in("《2021中国城市数字化转型白皮书》显示,山东、江苏、广东、浙江四省数字百强市占比44.0%。", gaz)
    assert claim.edition == 2021 and claim.stated == "44.0%"
    row, = check_claims([claim], top(["山东省"] * 44 + ["河北省"] * 56))
    assert row["status"] == "out_of_scope"


def test_claim_verified_and_contradicted(gaz):
    claim, = claims_in("浙江、福建两省占比为30%。", gaz)
    table = top(["浙江省"] * 20 + ["福建省"] * 10 + ["河北省"] * 70)
    row, = check_claims([claim], table)
    assert (row["status"], row["computed"]) == ("verified", "30% (30 of 100: 浙江省 20, 福建省 10)")
    row, = check_claims([claim], top(["浙江省"] * 10 + ["河北省"] * 90))
    assert row["status"] == "contradicted"


def test_no_table_means_unverifiable(gaz):
    claim, = claims_in("浙江、福建两省占比为30%。", gaz)
    assert check_claims([claim], [])[0]["status"] == "unverifiable"


def test_sentence_without_provinces_is_not_a_claim(gaz):
    assert claims_in("我国数字经济占GDP比重达到36.2%。", gaz) == []
