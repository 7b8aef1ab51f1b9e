"""Exercise 6: the calculus of the sigmoid family, derived by sympy, and the numeric functions it checks.

Each derivation returns a record ``{"latex": ..., "check": ..., "passed": bool}``;
the ``calculus`` rule fails the build when any check fails.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

z, x, w = sp.symbols("z x w", real=True)


def sigma_expr(arg):
    return 1 / (1 + sp.exp(-arg))


# --- numeric functions (numpy, any shape, element-wise, no overflow warnings) ----------------

def sigmoid(a):
    """σ(a) for arrays of any shape: exp is only ever taken of -|a|, so it cannot overflow."""
    a = np.asarray(a, dtype=float)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(a):
    """σ'(a) = e^-|a| / (1 + e^-|a|)²: symmetric, and no 1 - σ cancellation for large |a|."""
    e = np.exp(-np.abs(np.asarray(a, dtype=float)))
    return e / (1 + e) ** 2


def softplus(a):
    """ζ(a) = log(1 + e^a) = max(a, 0) + log1p(e^-|a|), exact and overflow-free."""
    a = np.asarray(a, dtype=float)
    return np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))


def c1(a):
    """(σ(a) - 1)²: the squared error of a sigmoid output against the label 1."""
    return (sigmoid(a) - 1) ** 2


def c1_second(a):
    """c1''(a) = 2σ'² + 2(σ - 1)σ'', with σ'' = σ(1-σ)(1-2σ)."""
    s = sigmoid(a)
    d1 = s * (1 - s)
    d2 = d1 * (1 - 2 * s)
    return 2 * d1**2 + 2 * (s - 1) * d2


# --- sympy derivations -----------------------------------------------------------------------

def is_zero(expr) -> bool:
    """Symbolic zero test: simplify in exponential form (cosh/sinh forms hide cancellations)."""
    return sp.simplify(sp.expand(expr.rewrite(sp.exp))) == 0 or bool(expr.equals(0))


def _rec(latex: str, check: str, passed) -> dict:
    return {"latex": latex, "check": check, "passed": bool(passed)}


def derive() -> dict:
    s = sigma_expr(z)
    out: dict[str, dict] = {}

    ds = sp.diff(s, z)
    out["a_sigmoid_prime"] = _rec(
        rf"\sigma'(z) = {sp.latex(sp.simplify(ds))}", "sympy.diff of 1/(1+e^{-z})", ds.free_symbols == {z})
    out["b_sigmoid_identity"] = _rec(
        r"\sigma'(z) - \sigma(z)\,(1-\sigma(z)) = " + sp.latex(sp.simplify(ds - s * (1 - s))),
        "sympy.simplify of the difference is 0", is_zero(ds - s * (1 - s)))

    zeta = -sp.log(sigma_expr(-z))
    dzeta, ddzeta = sp.diff(zeta, z), sp.diff(zeta, z, 2)
    out["c_softplus_prime"] = _rec(r"\zeta'(z) = " + sp.latex(sp.simplify(dzeta)) + r" = \sigma(z)",
                                   "simplify(zeta' - sigma) == 0", is_zero(dzeta - s))
    out["c_softplus_second"] = _rec(r"\zeta''(z) = " + sp.latex(sp.simplify(ddzeta)) + r" = \sigma(z)(1-\sigma(z))",
                                    "simplify(zeta'' - sigma(1-sigma)) == 0", is_zero(ddzeta - s * (1 - s)))
    lim_neg = sp.limit(zeta, z, -sp.oo)
    lim_ratio = sp.limit(zeta / z, z, sp.oo)
    lim_diff = sp.limit(zeta - z, z, sp.oo)
    out["c_softplus_asymptote_left"] = _rec(r"\lim_{z\to-\infty} \zeta(z) = " + sp.latex(lim_neg),
                                            "sympy.limit == 0", lim_neg == 0)
    out["c_softplus_asymptote_right"] = _rec(
        r"\lim_{z\to\infty} \zeta(z)/z = " + sp.latex(lim_ratio) + r",\quad \lim_{z\to\infty} (\zeta(z) - z) = "
        + sp.latex(lim_diff), "sympy.limit == 1 and == 0: the asymptote is y = z", lim_ratio == 1 and lim_diff == 0)

    c1e = (sigma_expr(x) - 1) ** 2
    c1dd = sp.diff(c1e, x, 2)
    sx = sigma_expr(x)
    factored = 2 * sx * (1 - sx) ** 2 * (3 * sx - 1)
    out["f_c1_second"] = _rec(
        r"c_1''(x) = 2\,\sigma(x)\,(1-\sigma(x))^2\,(3\sigma(x) - 1)",
        "simplify(c1'' - 2 sigma (1-sigma)^2 (3 sigma - 1)) == 0", is_zero(c1dd - factored))
    neg_at, pos_at = -2, 0
    v_neg, v_pos = c1dd.subs(x, neg_at), c1dd.subs(x, pos_at)
    root = sp.solve(sp.Eq(sx, sp.Rational(1, 3)), x)
    out["f_c1_nonconvex"] = _rec(
        rf"c_1''({neg_at}) \approx {float(v_neg):.4f} < 0 < c_1''({pos_at}) = {sp.latex(sp.nsimplify(sp.simplify(v_pos)))}"
        rf";\ c_1'' < 0 \iff \sigma(x) < 1/3 \iff x < {sp.latex(root[0])}",
        "exact sign of c1'' at two points, and where sigma = 1/3", v_neg < 0 < v_pos and len(root) == 1)

    for label in (0, 1):
        c2 = -(label * sp.log(sigma_expr(w * x)) + (1 - label) * sp.log(1 - sigma_expr(w * x)))
        d1, d2 = sp.simplify(sp.diff(c2, w)), sp.simplify(sp.diff(c2, w, 2))
        target = x**2 * sigma_expr(w * x) * (1 - sigma_expr(w * x))
        out[f"g_c2_y{label}_first"] = _rec(rf"y={label}:\ c_2'(w) = " + sp.latex(d1),
                                           "simplify(c2' - x(sigma(wx) - y)) == 0",
                                           is_zero(d1 - x * (sigma_expr(w * x) - label)))
        out[f"g_c2_y{label}_second"] = _rec(
            rf"y={label}:\ c_2''(w) = " + sp.latex(d2) + r" = x^2\sigma(wx)(1-\sigma(wx)) > 0 \text{ for } x \ne 0",
            "simplify(c2'' - x^2 sigma(1-sigma)) == 0", is_zero(d2 - target))
    return out


def lambdified() -> dict:
    """The sympy expressions as numpy functions, for tests against the numeric code."""
    s = sigma_expr(z)
    zeta = -sp.log(sigma_expr(-z))
    return {
        "sigmoid": sp.lambdify(z, s, "numpy"),
        "sigmoid_prime": sp.lambdify(z, sp.diff(s, z), "numpy"),
        "softplus": sp.lambdify(z, zeta, "numpy"),
        "c1_second": sp.lambdify(x, sp.diff((sigma_expr(x) - 1) ** 2, x, 2), "numpy"),
        "c2_grad": sp.lambdify((w, x, sp.Symbol("y")), sp.diff(
            -(sp.Symbol("y") * sp.log(sigma_expr(w * x)) + (1 - sp.Symbol("y")) * sp.log(1 - sigma_expr(w * x))), w),
            "numpy"),
    }
