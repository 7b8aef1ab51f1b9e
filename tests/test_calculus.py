"""Exercise 6: every step of every derivation passes, a wrong step fails, and the sympy
expressions agree with the numeric functions, with autograd and with the logistic gradient."""

import json
import re
import subprocess
import sys
import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp
import torch

from gdlab import calculus
from gdlab.calculus import (
    C1, C2, SIGMA, SIGMA_PRIME, ZETA, all_passed, c1, c1_prime, c1_second, derivation, derivations, equal_step,
    equality_chain, is_zero, limit_step, sigmoid, sigmoid_prime, softplus, w, x, y, z,
)

IDS = [
    "6a_sigmoid_prime", "6b_sigmoid_identity",
    "6c_softplus_closed_form", "6c_softplus_prime", "6c_softplus_second", "6c_softplus_asymptote_left",
    "6c_softplus_asymptote_right_slope", "6c_softplus_asymptote_right_offset",
    "6f_c1_prime", "6f_c1_second", "6f_c1_sign", "6f_c1_chord", "6f_c1_vanishing_gradient",
    "6f_c1_gradient_rate", "6f_c1_plateau",
    "6g_dlog_sigma", "6g_dlog_one_minus_sigma", "6g_c2_prime", "6g_c2_second", "6g_c2_labels", "6g_c2_convex",
]
PARTS = {"6a", "6b", "6c", "6f", "6g"}
MID = np.array([-5.0, -1.3, -0.2, 0.0, 0.4, 2.0, 5.0])
WIDE = np.array([-1e4, -800.0, -300.0, -30.0, -5.0, -1.3, -0.2, 0.0, 0.4, 2.0, 7.5, 30.0, 300.0, 800.0, 1e4])
FUNCTIONS = {"sigmoid": sigmoid, "sigmoid_prime": sigmoid_prime, "softplus": softplus,
             "c1": c1, "c1_prime": c1_prime, "c1_second": c1_second}


@pytest.fixture(scope="module")
def derived():
    return derivations()


@pytest.fixture(scope="module")
def sym():
    return calculus.lambdified()


# --- the derivations ----------------------------------------------------------------------

def test_ids_are_stable_and_every_part_is_covered(derived):
    assert list(derived) == IDS
    parts = {d["part"] for d in derived.values()}
    assert parts == PARTS, parts  # every derivation has one of these parts, and each part has one


def test_every_step_passes(derived):
    failed = [(name, s["tex"]) for name, d in derived.items() for s in d["steps"] if not s["passed"]]
    assert not failed, failed
    assert all(d["passed"] for d in derived.values())
    assert all_passed(derived)


def test_derivations_have_the_promised_shape_and_are_json(derived):
    for name, d in derived.items():
        assert set(d) == {"part", "title", "lhs", "steps", "result", "passed"}, name
        assert d["title"] and d["result"] and isinstance(d["lhs"], str), name
        assert len(d["steps"]) >= 2 or d["lhs"] == "", name  # a chain shows its steps
        for s in d["steps"]:
            assert set(s) == {"tex", "why", "check", "checked", "passed"}, name
            assert s["tex"] and s["why"].strip(), name
            assert s["check"] is None or s["check"].startswith("sympy"), (name, s["check"])
            assert s["passed"] is True
    assert json.loads(json.dumps(derived)) == derived


def test_every_checked_step_passed_and_the_unchecked_ones_are_the_two_conclusions(derived):
    """A step is checked exactly when sympy did it (it has a check); the only unchecked steps are the two
    conclusions that apply a theorem to the lines before them: c₁ is not convex, c₂ is strictly convex."""
    steps = [(name, i, s) for name, d in derived.items() for i, s in enumerate(d["steps"])]
    assert all(s["checked"] is (s["check"] is not None) for _, _, s in steps)
    assert all(s["passed"] for _, _, s in steps if s["checked"])
    unchecked = [(name, i, s) for name, i, s in steps if not s["checked"]]
    assert [(name, i) for name, i, _ in unchecked] == [("6f_c1_sign", 5), ("6g_c2_convex", 2)]
    assert r"\text{ is not convex}" in unchecked[0][2]["tex"] and "convex" in unchecked[0][2]["why"]
    assert r"\text{ is strictly convex" in unchecked[1][2]["tex"] and "strictly convex" in unchecked[1][2]["why"]
    # Each conclusion stands on checked steps just before it.
    for name, i, _ in unchecked:
        assert i >= 2 and all(s["checked"] and s["passed"] for s in derived[name]["steps"][:i]), name


def test_step_marks_a_missing_check_as_unchecked():
    assert calculus.step("t", "w", None, True) == {"tex": "t", "why": "w", "check": None, "checked": False,
                                                   "passed": True}
    assert calculus.step("t", "w", "sympy: x", 0)["checked"] is True
    assert calculus.step("t", "w", "sympy: x", 0)["passed"] is False


def test_chains_start_from_sympys_own_derivative(derived):
    """The first step of each derivative chain is compared with sympy.diff of the module's expression."""
    for name in ("6a_sigmoid_prime", "6b_sigmoid_identity", "6c_softplus_prime", "6c_softplus_second",
                 "6f_c1_prime", "6f_c1_second", "6g_c2_prime", "6g_c2_second"):
        assert "sympy.diff" in derived[name]["steps"][0]["check"], name
    for name in ("6c_softplus_asymptote_left", "6c_softplus_asymptote_right_slope",
                 "6c_softplus_asymptote_right_offset", "6f_c1_vanishing_gradient"):
        assert any("sympy.limit" in (s["check"] or "") for s in derived[name]["steps"]), name


def test_tex_is_plain_math_for_pandoc(derived):
    for name, d in derived.items():
        for tex in [d["lhs"], d["result"], *(s["tex"] for s in d["steps"])]:
            assert "\\begin" not in tex and "&" not in tex and "\\\\" not in tex and "\\operatorname" not in tex, tex
            assert tex.count("{") == tex.count("}"), (name, tex)
            assert len(re.findall(r"\\left\b", tex)) == len(re.findall(r"\\right\b", tex)), (name, tex)
            depth = 0
            for ch in tex:
                depth += {"{": 1, "}": -1}.get(ch, 0)
                assert depth >= 0, (name, tex)


def test_the_expected_forms_are_on_the_sheet(derived):
    assert derived["6a_sigmoid_prime"]["result"] == r"\sigma'(z) = \frac{e^{-z}}{\left(1+e^{-z}\right)^{2}}"
    assert derived["6b_sigmoid_identity"]["steps"][-1]["tex"] == r"\sigma(z)\left(1-\sigma(z)\right)"
    assert derived["6c_softplus_asymptote_right_slope"]["result"].endswith("= 1")
    assert "-\\log 2" in derived["6f_c1_sign"]["result"]
    assert derived["6g_c2_prime"]["result"] == r"c_2'(w) = x\left(\sigma(wx) - y\right)"


# --- the checker can fail ------------------------------------------------------------------

def test_zero_test_accepts_a_true_and_rejects_a_wrong_identity():
    assert is_zero(sp.diff(SIGMA, z) - SIGMA * (1 - SIGMA))
    assert not is_zero(sp.diff(SIGMA, z) - SIGMA * (1 + SIGMA))
    assert not is_zero(sp.diff(C1, x, 2) - 2 * calculus.SX * (1 - calculus.SX) ** 2 * (3 * calculus.SX + 1))


def test_a_wrong_step_fails_and_so_does_every_step_built_on_it(derived):
    u = 1 + sp.exp(-z)
    steps = equality_chain(sp.diff(SIGMA, z), "sympy.diff(sigma(z), z)", [
        (sp.Derivative(u**-1, z), "a", "fine"),
        (-u**-2 * sp.exp(-z), "b", "sign error: the inner derivative's minus is lost"),
        (SIGMA_PRIME, "c", "back to the right answer, but not equal to the wrong line before it"),
    ])
    assert [s["passed"] for s in steps] == [True, False, False]
    d = derivation("6a", "wrong", r"\sigma'(z)", steps, "")
    assert d["passed"] is False
    assert all_passed({"ok": derived["6a_sigmoid_prime"]}) and not all_passed({"bad": d})


def test_a_wrong_first_step_fails_against_sympys_derivative():
    (first,) = equality_chain(sp.diff(SIGMA, z), "sympy.diff(sigma(z), z)", [(SIGMA * (1 + SIGMA), "t", "")])
    assert first["passed"] is False
    (first,) = equality_chain(sp.diff(C2, w), "sympy.diff(c2(w), w)", [(x * (y - calculus.SWX), "t", "")])
    assert first["passed"] is False  # the sign of c2' flipped


def test_a_wrong_limit_or_rewrite_fails():
    assert limit_step("1", "", z, sp.oo, [(ZETA / z, 1)])["passed"]
    assert not limit_step("2", "", z, sp.oo, [(ZETA / z, 2)])["passed"]
    assert not limit_step("0", "", z, -sp.oo, [(ZETA, 0), (sp.exp(-z), 0)])["passed"]  # one of two is wrong
    assert equal_step("t", "", ZETA - z, sp.log(1 + sp.exp(-z)))["passed"]
    assert not equal_step("t", "", ZETA - z, sp.log(1 + sp.exp(z)))["passed"]


# --- independent numeric cross-checks of the symbolic results -------------------------------

def test_the_results_agree_with_sympy_diff_at_points():
    """The checker is symbolic; here the same results are compared numerically, as a second opinion."""
    pts = [-3.7, -0.9, 0.0, 0.6, 2.5]
    f = sp.lambdify(z, sp.diff(SIGMA, z) - SIGMA_PRIME)
    assert max(abs(f(p)) for p in pts) < 1e-15
    sx = calculus.SX
    f = sp.lambdify(x, sp.diff(C1, x, 2) - 2 * sx * (1 - sx) ** 2 * (3 * sx - 1))
    assert max(abs(f(p)) for p in pts) < 1e-14
    for label in (0, 1):
        sw = calculus.SWX
        g1 = sp.lambdify((w, x), sp.diff(C2.subs(y, label), w) - x * (sw - label))
        g2 = sp.lambdify((w, x), sp.diff(C2.subs(y, label), w, 2) - x**2 * sw * (1 - sw))
        for ww, xx in [(0.7, 1.5), (-2.0, 0.3), (3.0, -4.0)]:
            assert abs(g1(ww, xx)) < 1e-12 and abs(g2(ww, xx)) < 1e-12


def test_lambdified_has_the_promised_keys(sym):
    assert {"sigmoid", "sigmoid_prime", "softplus", "softplus_prime", "c1", "c1_second", "c2_grad"} <= sym.keys()
    assert sym["c2_grad"](0.0, 2.0, 1.0) == pytest.approx(2.0 * (0.5 - 1.0))  # args (w, x, y)


def test_numeric_functions_equal_numpy_lambdified_sympy(sym):
    for name, f in FUNCTIONS.items():
        np.testing.assert_allclose(f(MID), sym[name](MID), rtol=1e-12, atol=1e-15, err_msg=name)
    # far out, where the naive formulas are still exact in float64
    far = np.array([-700.0, -300.0, 300.0, 700.0])
    np.testing.assert_allclose(sigmoid(far), sym["sigmoid"](far), rtol=1e-13, atol=0)
    np.testing.assert_allclose(sigmoid_prime(far[1:3]), sym["sigmoid_prime"](far[1:3]), rtol=1e-12, atol=0)
    np.testing.assert_allclose(softplus(far[2:]), sym["softplus"](far[2:]), rtol=1e-15)
    np.testing.assert_allclose(sigmoid_prime(MID), sym["softplus_second"](MID), rtol=1e-12)  # ζ'' = σ'
    np.testing.assert_allclose(sigmoid(MID), sym["softplus_prime"](MID), rtol=1e-12)  # ζ' = σ


def test_numeric_functions_equal_sympy_in_high_precision_at_any_z():
    """mpmath evaluates the exact sympy expressions with 400 digits (enough for the 1 - σ(z) cancellations
    in the naive formulas down to e^-800): a reference even at |z| = 1e4."""
    ref = calculus.lambdified("mpmath")
    with mpmath.workdps(400):
        for name, f in FUNCTIONS.items():
            want = np.array([float(ref[name](mpmath.mpf(p))) for p in WIDE])
            np.testing.assert_allclose(f(WIDE), want, rtol=1e-12, atol=1e-300, err_msg=name)


# --- autograd and the logistic-regression code ----------------------------------------------

def _autograd(fn, pts, order):
    t = torch.tensor(pts, dtype=torch.float64, requires_grad=True)
    g = fn(t)
    for _ in range(order):
        (g,) = torch.autograd.grad(g.sum(), t, create_graph=True)
    return g.detach().numpy()


def test_sigmoid_prime_and_c1_derivatives_equal_autograd():
    # torch's backward forms σ(1 - σ), exact only where 1 - σ does not cancel: z ≤ 10
    pts = np.array([-700.0, -30.0, -5.0, -1.3, -0.2, 0.0, 0.4, 2.0, 7.5, 10.0])
    np.testing.assert_allclose(sigmoid_prime(pts), _autograd(torch.sigmoid, pts, 1), rtol=1e-10, atol=0)
    c1_torch = lambda t: (torch.sigmoid(t) - 1) ** 2  # noqa: E731
    np.testing.assert_allclose(c1_prime(pts), _autograd(c1_torch, pts, 1), rtol=1e-10, atol=0)
    np.testing.assert_allclose(c1_second(pts), _autograd(c1_torch, pts, 2), rtol=1e-9, atol=1e-300)


def _c2_torch(w, x, y):
    return -(y * torch.nn.functional.logsigmoid(w * x) + (1 - y) * torch.nn.functional.logsigmoid(-w * x))


CASES = [(0.7, 1.5, 1.0), (-2.0, 0.3, 0.0), (3.0, -4.0, 1.0), (0.25, -2.0, 0.0), (1.0, 0.0, 1.0)]


def test_sympy_c2_derivatives_equal_autograd(sym):
    for wv, xv, yv in CASES:
        d1 = _autograd(lambda t: _c2_torch(t, xv, yv), [wv], 1)[0]
        d2 = _autograd(lambda t: _c2_torch(t, xv, yv), [wv], 2)[0]
        assert d1 == pytest.approx(sym["c2_grad"](wv, xv, yv), rel=1e-12, abs=1e-15)
        assert d2 == pytest.approx(sym["c2_second"](wv, xv, yv), rel=1e-12, abs=1e-15)


def test_sympy_c2_gradient_equals_the_logistic_cost_gradient(sym):
    """c2 is the one-example, one-weight logistic cost: sympy's c2 and c2' equal gdlab.logreg's cost and
    gradient_cost with X (1, 1), Y (1, 1), W (1, 1)."""
    from gdlab.logreg import cost, gradient_cost

    for wv, xv, yv in CASES:
        X = torch.tensor([[xv]], dtype=torch.float64)
        Y = torch.tensor([[yv]], dtype=torch.float64)
        W = torch.tensor([[wv]], dtype=torch.float64)
        g = gradient_cost(X, Y, W)
        assert g.shape == (1, 1)
        assert float(g[0, 0]) == pytest.approx(sym["c2_grad"](wv, xv, yv), rel=1e-12, abs=1e-15)
        assert cost(X, Y, W).item() == pytest.approx(sym["c2"](wv, xv, yv), rel=1e-12)


# --- part d) and the numeric facts of part f) -----------------------------------------------

@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 2), (2, 3, 4)])
def test_numeric_functions_any_shape_no_overflow_warning(shape):
    rng = np.random.default_rng(0)
    a = rng.choice([-1e4, -800.0, -3.0, 0.0, 2.0, 800.0, 1e4], size=shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, f in FUNCTIONS.items():
            out = f(a)
            assert out.shape == a.shape and np.all(np.isfinite(out)), name
            np.testing.assert_array_equal(out.ravel(), [f(v) for v in a.ravel()], err_msg=name)  # element-wise


def test_sigmoid_extremes_and_list_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid([[-1e4, -700.0], [0.0, 1e4]])
        sp_ = softplus(np.array([-1e4, 1e4]))
    assert s[0, 0] == 0.0 and s[1, 1] == 1.0 and s[1, 0] == 0.5 and 0 < s[0, 1] < 1e-300  # σ(-700) ≈ 9.9e-305
    assert sp_[0] == 0.0 and sp_[1] == 1e4
    with pytest.warns(RuntimeWarning):  # the naive formula does warn: the filter above would have caught it
        1 / (1 + np.exp(-np.array([-1e4])))


def test_c1_second_changes_sign_at_minus_log_2():
    x0 = -np.log(2)
    assert c1_second(x0 - 1e-3) < 0 < c1_second(x0 + 1e-3)
    assert abs(c1_second(x0)) < 1e-16
    grid = np.linspace(-12, 12, 2001)
    grid = grid[np.abs(grid - x0) > 1e-6]
    np.testing.assert_array_equal(c1_second(grid) < 0, grid < x0)


def test_c1_chord_and_plateau_numerically():
    assert c1(-3.0) > (c1(-4.0) + c1(-2.0)) / 2
    assert np.all(np.diff(c1(np.linspace(-10, 10, 50))) < 0)  # c1 decreases towards 0 as σ -> 1
    assert c1_prime(-30.0) == pytest.approx(-2 * np.exp(-30.0), rel=1e-12)  # the vanishing gradient
    assert c1(-30.0) == pytest.approx(1.0, abs=1e-12)


def test_calculus_does_not_import_torch():
    code = "import sys, gdlab.calculus; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_c1_progress_stuck_slow_and_fast_each_way():
    stuck = {"x": [-8.0, -7.99], "c1": [1.0, 0.95]}  # fell by 5 %
    assert calculus.c1_progress(stuck, 0.1) == "stuck" and calculus.c1_progress(stuck, 0.04) == "slow"
    slow = {"x": [-3.0, -1.0], "c1": [0.9, 0.5]}  # fell by 44 %, still left of -log 2
    assert calculus.c1_progress(slow, 0.1) == "slow"
    fast = {"x": [-3.0, -0.5], "c1": [0.9, 0.3]}  # out of the concave region
    assert calculus.c1_progress(fast, 0.1) == "fast"
    # On the real paths: the far-left start is stuck, the start at 0 is not.
    paths = calculus.c1_descent([-8.0, 0.0], 1.0, 200)
    assert [calculus.c1_progress(p, 0.1) for p in paths] == ["stuck", "fast"]
