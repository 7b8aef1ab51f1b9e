"""gdlab.claims: declared claims checked before the build, lookup, evaluation, and failure messages that name the claim."""

from pathlib import Path

import pytest
import yaml

from gdlab.claims import OPS, ClaimError, check_declared, evaluate, failures, lookup

REPO = Path(__file__).resolve().parent.parent

CTX = {"ex1": {"gd": {"final_distance": 3e-15}, "list": [1, 2], "flag": True},
       "review": {"a": 2.0, "b": 1.0, "rows": [{"x": 5}]}}
ROOTS = ["ex1", "ex2", "ex3", "review"]  # the summaries the claims rule reads (workflow/rules/sheet.smk)


def test_lookup():
    assert lookup(CTX, "ex1.gd.final_distance") == 3e-15 and lookup(CTX, "ex1.list.1") == 2
    assert lookup(CTX, "review.rows.0.x") == 5 and lookup(CTX, "ex1.gd") == {"final_distance": 3e-15}
    for path, missing in (("ex1.gd.nope", "'nope'"), ("ex1.list.2", "'2'"), ("ex1.list.first", "'first'"),
                          ("ex1.gd.final_distance.x", "'x'"), ("ex9", "'ex9'")):
        with pytest.raises(ClaimError, match=f"claim value '{path}': no {missing} in the results"):
            lookup(CTX, path)


def test_passing_and_failing_claims():
    claims = {
        "ok": {"text": "close", "value": "ex1.gd.final_distance", "op": "<=", "bound": 1e-6},
        "path_bound": {"text": "a above b", "value": "review.a", "op": ">", "bound": "review.b"},
        "flag": {"text": "a flag", "value": "ex1.flag", "op": "==", "bound": True},
        "bad": {"text": "impossible", "value": "review.a", "op": "<", "bound": 0.5},
    }
    res = evaluate(claims, CTX)
    assert res["ok"] == {"text": "close", "value": 3e-15, "op": "<=", "bound": 1e-6, "passed": True,
                         "value_path": "ex1.gd.final_distance"}
    assert res["path_bound"]["passed"] and res["path_bound"]["bound"] == 1.0
    assert res["flag"]["passed"] and not res["bad"]["passed"]
    msgs = failures(res)
    assert msgs == ["claim 'bad' (impossible) no longer holds: review.a = 2.0, expected < 0.5"]


@pytest.mark.parametrize("op, value, bound, passed", [
    ("<=", 1.0, 1.0, True), ("<", 1.0, 1.0, False), (">=", 1.0, 1.0, True), (">", 1.0, 1.0, False),
    ("==", 1.0, 1.0, True), ("==", 1.0, 1.5, False), ("<", 0.5, 1.0, True), (">", 1.5, 1.0, True),
])
def test_every_operator_both_ways(op, value, bound, passed):
    res = evaluate({"c": {"text": "t", "value": "review.v", "op": op, "bound": bound}}, {"review": {"v": value}})
    assert res["c"]["passed"] is passed


def test_missing_value_fails_and_says_so():
    res = evaluate({"none": {"text": "t", "value": "ex1.gd.final_distance", "op": "<=", "bound": 1}},
                   {"ex1": {"gd": {"final_distance": None}}})
    assert not res["none"]["passed"]
    assert failures(res) == ["claim 'none' (t) no longer holds: ex1.gd.final_distance = None, expected <= 1"]


def test_a_value_path_that_does_not_exist_is_an_error_not_a_failure():
    with pytest.raises(ClaimError, match="'ex1.gd.gone'"):
        evaluate({"c": {"text": "t", "value": "ex1.gd.gone", "op": "<=", "bound": 1}}, CTX)


def test_check_declared():
    good = {"a": {"text": "t", "value": "ex1.x", "op": "<=", "bound": 1e-6},
            "b": {"text": "t", "value": "review.y", "op": ">", "bound": "ex3.z"}}
    check_declared(good, ROOTS)
    with pytest.raises(ClaimError, match=r"claims.c.op: '=' is not one of \['<', '<=', '==', '>', '>='\]"):
        check_declared({"c": {"text": "t", "value": "ex1.x", "op": "=", "bound": 1}}, ROOTS)
    with pytest.raises(ClaimError, match=r"claims.d.value: 'results.x' must start with one of \['ex1'"):
        check_declared({"d": {"text": "t", "value": "results.x", "op": "<", "bound": 1}}, ROOTS)
    with pytest.raises(ClaimError, match=r"claims.e.bound: 'cfg.x' must start with one of"):
        check_declared({"e": {"text": "t", "value": "ex1.x", "op": "<", "bound": "cfg.x"}}, ROOTS)


def test_operators_have_sheet_text_that_typst_cannot_read_as_a_heading():
    assert sorted(OPS) == ["<", "<=", "==", ">", ">="]
    assert all(not text.startswith("=") for _, text in OPS.values())
    assert OPS["=="][0](2, 2) and not OPS["<"][0](2, 2)


def configured_claims(*names: str) -> dict:
    """The claims of config/<name>.yaml, each later file an overlay (a claim replaced whole; null removes it), as
    the Snakefile merges them."""
    claims: dict = {}
    for name in names:
        claims |= yaml.safe_load((REPO / "config" / f"{name}.yaml").read_text()).get("claims") or {}
    return {cid: c for cid, c in claims.items() if c is not None}


@pytest.mark.parametrize("names", [("config",), ("config", "test")])
def test_the_configured_claims_are_well_declared(names):
    claims = configured_claims(*names)
    check_declared(claims, ROOTS)
    assert len(claims) >= 8
    for cid, c in claims.items():
        assert sorted(c) == ["bound", "op", "text", "value"] and c["text"], cid
        assert isinstance(c["bound"], (bool, int, float)) or c["bound"].split(".")[0] in ROOTS, cid
        assert not isinstance(c["bound"], bool) or c["op"] == "==", cid  # a flag is compared whole


def test_the_test_overlay_changes_only_claims_the_default_declares():
    """An overlay naming a claim the default no longer has would add a claim (or remove nothing) unnoticed."""
    default = configured_claims("config")
    overlay = yaml.safe_load((REPO / "config" / "test.yaml").read_text())["claims"]
    assert set(overlay) <= set(default), sorted(set(overlay) - set(default))
    merged = configured_claims("config", "test")
    removed = {cid for cid, c in overlay.items() if c is None}
    assert set(merged) == set(default) - removed and removed
    changed = [cid for cid, c in overlay.items() if c is not None]
    assert changed and all(merged[cid] == overlay[cid] != default[cid] for cid in changed)


def test_the_configured_claims_pass_and_fail_with_the_results():
    """Every configured claim against results that meet its bound, and against results that miss it."""
    claims = {cid: c for cid, c in configured_claims("config").items() if not isinstance(c["bound"], str)}
    assert claims

    def results(miss: bool) -> dict:
        ctx: dict = {}
        for c in claims.values():
            *path, last = c["value"].split(".")
            node = ctx
            for part in path:
                node = node.setdefault(part, {})
            b = c["bound"]
            if isinstance(b, bool):
                node[last] = (not b) if miss else b
            else:
                holds = {"<=": b, ">=": b, "==": b, "<": b - 1, ">": b + 1}[c["op"]]
                misses = {"<=": b * 2 + 1, ">=": b / 2 - 1, "==": b + 1, "<": b, ">": b}[c["op"]]
                node[last] = misses if miss else holds
        return ctx

    assert failures(evaluate(claims, results(miss=False))) == []
    msgs = failures(evaluate(claims, results(miss=True)))
    assert [m.split("'")[1] for m in msgs] == list(claims)
    assert all(f"({c['text']}) no longer holds: {c['value']} = " in m for c, m in zip(claims.values(), msgs))
