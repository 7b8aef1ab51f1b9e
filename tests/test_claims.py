"""Checked claims: lookup, evaluation, and failure messages that name the claim."""

import pytest

from gdlab.claims import ClaimError, evaluate, failures, lookup

CTX = {"ex1": {"gd": {"final_distance": 3e-15}, "list": [1, 2]}, "review": {"a": 2.0, "b": 1.0}}


def test_lookup():
    assert lookup(CTX, "ex1.gd.final_distance") == 3e-15 and lookup(CTX, "ex1.list.1") == 2
    with pytest.raises(ClaimError, match="'nope'"):
        lookup(CTX, "ex1.gd.nope")


def test_passing_and_failing_claims():
    claims = {
        "ok": {"text": "close", "value": "ex1.gd.final_distance", "op": "<=", "bound": 1e-6},
        "path_bound": {"text": "a above b", "value": "review.a", "op": ">", "bound": "review.b"},
        "bad": {"text": "impossible", "value": "review.a", "op": "<", "bound": 0.5},
    }
    res = evaluate(claims, CTX)
    assert res["ok"]["passed"] and res["path_bound"]["passed"] and not res["bad"]["passed"]
    msgs = failures(res)
    assert len(msgs) == 1 and "'bad'" in msgs[0] and "review.a = 2.0" in msgs[0] and "< 0.5" in msgs[0]


def test_missing_value_fails():
    res = evaluate({"none": {"text": "t", "value": "ex1.gd.final_distance", "op": "<=", "bound": 1}},
                   {"ex1": {"gd": {"final_distance": None}}})
    assert not res["none"]["passed"]
