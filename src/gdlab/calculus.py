"""Exercise 6: the calculus of the sigmoid family, step by step, every step checked by sympy.

The practical's functions are written down once, as sympy expressions at module level
(``SIGMA``, ``ZETA``, ``C1``, ``C2``). From them come

* :func:`derivations`: each answer of parts a), b), c), f), g) as a chain of equalities
  (or of statements), one step per line of the sheet, each with its justification and the
  sympy check that it passed;
* :func:`lambdified`: the same expressions and their sympy derivatives as numpy functions,
  which the tests compare with the hand-written numeric functions below.

The numeric functions (numpy, element-wise, any shape, no overflow) answer part d) and
draw the figures. numpy and sympy only: jobs that import this module stay light (no torch).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import sympy as sp

# --- the practical's functions, defined once -------------------------------------------------

z, x, w = sp.symbols("z x w", real=True)
y = sp.Symbol("y", real=True)  # the label; y = 0 and y = 1 are substituted where it matters
oo = sp.oo


def sigma_of(arg):
    """σ(arg) = 1/(1 + e^{-arg}) as a sympy expression."""
    return 1 / (1 + sp.exp(-arg))


SIGMA = sigma_of(z)  # σ(z)
ZETA = -sp.log(sigma_of(-z))  # ζ(z) = -log σ(-z), softplus
C1 = (sigma_of(x) - 1) ** 2  # c₁(x) = (σ(x) - 1)²
C2 = -(y * sp.log(sigma_of(w * x)) + (1 - y) * sp.log(1 - sigma_of(w * x)))  # c₂ as a function of w

# The forms the derivations arrive at (each checked there against sympy.diff of the above).
SIGMA_PRIME = sp.exp(-z) / (1 + sp.exp(-z)) ** 2  # 6a: σ'(z) in the expected form
SOFTPLUS = sp.log(1 + sp.exp(z))  # 6c: ζ(z) = log(1 + e^z)


# --- numeric functions (numpy, any shape, element-wise, no overflow warnings) ----------------

def sigmoid(z):
    """σ(z) = 1/(1 + exp(−z)), element-wise, for numpy arrays of any shape. exp only
    ever sees −|z| ≤ 0, so it cannot overflow: for z < 0, numerator and denominator
    are multiplied by exp(z)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    """σ'(z) = e^{-z}/(1 + e^{-z})², evaluated at |z| (σ' is even): no overflow, no 1 -
    σ cancellation."""
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return e / (1 + e) ** 2


def softplus(z):
    """ζ(z) = log(1 + e^z) = max(z, 0) + log1p(e^{-|z|}): accurate and overflow-free."""
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def c1(x):
    """c₁(x) = (σ(x) - 1)² = σ(-x)²: the squared error of a sigmoid output against the label 1."""
    return sigmoid(-np.asarray(x, dtype=float)) ** 2


def c1_prime(x):
    """c₁'(x) = -2 σ(x) (1 - σ(x))², with 1 - σ(x) = σ(-x) (no cancellation for large x)."""
    x = np.asarray(x, dtype=float)
    return -2 * sigmoid(x) * sigmoid(-x) ** 2


def c1_second(x):
    """c₁''(x) = 2 σ(x) (1 - σ(x))² (3σ(x) - 1): negative exactly where σ(x) < 1/3, i.e. x < -log 2."""
    x = np.asarray(x, dtype=float)
    s = sigmoid(x)
    return 2 * s * sigmoid(-x) ** 2 * (3 * s - 1)


def lambdified(modules="numpy") -> dict[str, Callable]:
    """The module's sympy expressions and their sympy derivatives as functions.

    ``modules="numpy"`` gives numpy functions; ``modules="mpmath"`` gives arbitrary-precision
    references (set ``mpmath.mp.dps``) for the tests at large |z|.
    """
    def f(args, expr):
        return sp.lambdify(args, expr, modules)

    return {
        "sigmoid": f(z, SIGMA),
        "sigmoid_prime": f(z, sp.diff(SIGMA, z)),
        "softplus": f(z, ZETA),
        "softplus_prime": f(z, sp.diff(ZETA, z)),
        "softplus_second": f(z, sp.diff(ZETA, z, 2)),
        "c1": f(x, C1),
        "c1_prime": f(x, sp.diff(C1, x)),
        "c1_second": f(x, sp.diff(C1, x, 2)),
        "c2": f((w, x, y), C2),
        "c2_grad": f((w, x, y), sp.diff(C2, w)),
        "c2_second": f((w, x, y), sp.diff(C2, w, 2)),
    }


# --- the checker -----------------------------------------------------------------------------

def is_zero(expr) -> bool:
    """Symbolic zero test: unevaluated derivatives are evaluated, then the expression must
    cancel to 0 as a rational function of its exponentials (fast, exact), or simplify to 0
    in exponential form (cosh/sinh forms hide cancellations)."""
    e = sp.sympify(expr).doit()
    if sp.cancel(e) == 0:
        return True
    return sp.simplify(sp.expand(e.rewrite(sp.exp))) == 0


def step(tex: str, why: str, check: str | None, passed) -> dict:
    """One line of a derivation: its TeX, its justification, what sympy checked, the outcome. A step that only
    draws a conclusion from the lines before it (a theorem applied to them) has ``check`` None: sympy did not do
    that step, so it is never presented as checked."""
    return {"tex": tex, "why": why, "check": check, "checked": check is not None, "passed": bool(passed)}


def derivation(part: str, title: str, lhs: str, steps: Sequence[dict], result: str) -> dict:
    return {"part": part, "title": title, "lhs": lhs, "steps": list(steps), "result": result,
            "passed": bool(steps) and all(s["passed"] for s in steps)}


SAME = "sympy: previous - this simplifies to 0"


def equality_chain(start, start_name: str, items: Sequence[tuple]) -> list[dict]:
    """Steps lhs = e₁ = e₂ = …: e₁ must equal ``start`` (the quantity as sympy computes it,
    named ``start_name`` in the check) and every later eᵢ the one before it.

    ``items`` are ``(expr, tex, why)``; expr may hold unevaluated ``sp.Derivative``s.
    """
    steps, prev = [], start
    for i, (expr, tex, why) in enumerate(items):
        check = f"sympy: this - ({start_name}) simplifies to 0" if i == 0 else SAME
        steps.append(step(tex, why, check, is_zero(prev - expr)))
        prev = expr
    return steps


def equal_step(tex: str, why: str, before, after, check: str = SAME) -> dict:
    """A step that rewrites the expression under a limit: the two expressions must be equal."""
    return step(tex, why, check, is_zero(before - after))


def limit_step(tex: str, why: str, var, point, limits: Sequence[tuple]) -> dict:
    """A step that evaluates limits: each ``(expr, value[, name])`` must satisfy
    sympy.limit(expr, var → point) == value; ``name`` stands for expr in the check text."""
    where = "-oo" if point == -oo else "oo" if point == oo else str(point)
    ok = all(sp.limit(expr, var, point) == sp.sympify(value) for expr, value, *_ in limits)
    check = "; ".join(f"sympy.limit({name[0] if name else sp.sstr(e)}, {var} -> {where}) == {sp.sstr(v)}"
                      for e, v, *name in limits)
    return step(tex, why, check, ok)


def _approx(value, digits: int = 4) -> str:
    """A sympy number, evaluated with 30 digits, rounded for the sheet."""
    return f"{float(sp.N(value, 30)):.{digits}f}"


def _leading_digits(value, digits: int = 5) -> str:
    """A sympy number, evaluated with 30 digits, cut (not rounded) after ``digits`` decimals: "0.03732" for 0.037320…"""
    whole, _, frac = str(sp.N(value, 30)).partition(".")
    return f"{whole}.{frac[:digits]}"


# --- the derivations -------------------------------------------------------------------------

def _sigmoid_prime() -> dict:
    u = 1 + sp.exp(-z)
    steps = equality_chain(sp.diff(SIGMA, z), "sympy.diff(sigma(z), z)", [
        (sp.Derivative(u**-1, z), r"\frac{d}{dz}\left(1+e^{-z}\right)^{-1}",
         "write σ(z) = (1 + exp(−z))⁻¹"),
        (-u**-2 * sp.Derivative(u, z), r"-\left(1+e^{-z}\right)^{-2} \cdot \frac{d}{dz}\left(1+e^{-z}\right)",
         "chain rule: (u⁻¹)′ = −u⁻² · u′ with u = 1 + exp(−z)"),
        (-u**-2 * (-sp.exp(-z)), r"-\left(1+e^{-z}\right)^{-2} \cdot \left(-e^{-z}\right)",
         "(exp(−z))′ = −exp(−z), chain rule with the inner function −z"),
        (SIGMA_PRIME, r"\frac{e^{-z}}{\left(1+e^{-z}\right)^{2}}", "the two minus signs cancel"),
    ])
    return derivation("6a", "The derivative of the sigmoid", r"\sigma'(z)", steps,
                      r"\sigma'(z) = \frac{e^{-z}}{\left(1+e^{-z}\right)^{2}}")


def _sigmoid_identity() -> dict:
    e = sp.exp(-z)
    steps = equality_chain(sp.diff(SIGMA, z), "sympy.diff(sigma(z), z)", [
        (SIGMA_PRIME, r"\frac{e^{-z}}{\left(1+e^{-z}\right)^{2}}", "part a)"),
        (1 / (1 + e) * (e / (1 + e)), r"\frac{1}{1+e^{-z}} \cdot \frac{e^{-z}}{1+e^{-z}}",
         "split the square in the denominator"),
        (1 / (1 + e) * (1 - 1 / (1 + e)), r"\frac{1}{1+e^{-z}} \cdot \left(1 - \frac{1}{1+e^{-z}}\right)",
         "add and subtract 1 in the numerator: exp(−z) = (1 + exp(−z)) − 1"),
        (SIGMA * (1 - SIGMA), r"\sigma(z)\left(1-\sigma(z)\right)", "σ(z) = 1/(1 + exp(−z))"),
    ])
    return derivation("6b", "The derivative fulfils σ′ = σ(1 − σ)", r"\sigma'(z)", steps,
                      r"\sigma'(z) = \sigma(z)\left(1-\sigma(z)\right)")


def _softplus_form() -> dict:
    steps = equality_chain(ZETA, "zeta(z)", [
        (-sp.log(sigma_of(-z)), r"-\log \sigma(-z)", "definition"),
        (-sp.log(1 / (1 + sp.exp(z))), r"-\log \frac{1}{1+e^{z}}", "σ(−z) = 1/(1 + exp(z))"),
        (SOFTPLUS, r"\log\left(1+e^{z}\right)", "−log(1/u) = log u"),
    ])
    return derivation("6c", "Softplus in closed form", r"\zeta(z)", steps,
                      r"\zeta(z) = -\log \sigma(-z) = \log\left(1+e^{z}\right)")


def _softplus_prime() -> dict:
    steps = equality_chain(sp.diff(ZETA, z), "sympy.diff(zeta(z), z)", [
        (sp.Derivative(SOFTPLUS, z), r"\frac{d}{dz}\log\left(1+e^{z}\right)", "ζ(z) = log(1 + exp(z)), from above"),
        (1 / (1 + sp.exp(z)) * sp.exp(z), r"\frac{1}{1+e^{z}} \cdot e^{z}",
         "chain rule: (log u)′ = u′/u with u = 1 + exp(z)"),
        (sp.exp(z) / (1 + sp.exp(z)), r"\frac{e^{z}}{1+e^{z}}", "multiply out"),
        (1 / (sp.exp(-z) + 1), r"\frac{1}{e^{-z}+1}", "divide numerator and denominator by exp(z)"),
        (SIGMA, r"\sigma(z)", "definition of σ"),
    ])
    return derivation("6c", "The first derivative of softplus", r"\zeta'(z)", steps,
                      r"\zeta'(z) = \frac{e^{z}}{1+e^{z}} = \sigma(z)")


def _softplus_second() -> dict:
    steps = equality_chain(sp.diff(ZETA, z, 2), "sympy.diff(zeta(z), z, 2)", [
        (sp.Derivative(SIGMA, z), r"\frac{d}{dz}\sigma(z)", "ζ′ = σ, from above"),
        (SIGMA * (1 - SIGMA), r"\sigma(z)\left(1-\sigma(z)\right)", "part b)"),
        (SIGMA_PRIME, r"\frac{e^{-z}}{\left(1+e^{-z}\right)^{2}}", "part a)"),
    ])
    return derivation("6c", "The second derivative of softplus", r"\zeta''(z)", steps,
                      r"\zeta''(z) = \sigma'(z) = \sigma(z)\left(1-\sigma(z)\right)")


def _softplus_left() -> dict:
    steps = [
        equal_step(r"\lim_{z \to -\infty} \log\left(1+e^{z}\right)", "ζ(z) = log(1 + exp(z))", ZETA, SOFTPLUS),
        limit_step(r"\log\left(1+0\right)", "exp(z) → 0 for z → −∞, and log is continuous", z, -oo,
                   [(sp.exp(z), 0)]),
        limit_step(r"0", "log 1 = 0", z, -oo, [(ZETA, 0, "zeta(z)")]),
    ]
    return derivation("6c", "Softplus for z → −∞: the horizontal asymptote y = 0",
                      r"\lim_{z \to -\infty} \zeta(z)", steps, r"\lim_{z \to -\infty} \zeta(z) = 0")


def _softplus_right_slope() -> dict:
    tail = sp.log(1 + sp.exp(-z))
    steps = [
        equal_step(r"\lim_{z \to \infty} \frac{z + \log\left(1+e^{-z}\right)}{z}",
                   "log(1 + exp(z)) = log(exp(z) · (exp(−z) + 1)) = z + log(1 + exp(−z))", ZETA / z, (z + tail) / z),
        equal_step(r"\lim_{z \to \infty} \left(1 + \frac{\log\left(1+e^{-z}\right)}{z}\right)", "divide by z",
                   (z + tail) / z, 1 + tail / z),
        limit_step(r"1 + 0", "log(1 + exp(−z)) → log 1 = 0 while z → ∞", z, oo, [(tail, 0), (tail / z, 0)]),
        limit_step(r"1", "add", z, oo, [(ZETA / z, 1, "zeta(z)/z")]),
    ]
    return derivation("6c", "Softplus for z → +∞: the slope of the asymptote",
                      r"\lim_{z \to \infty} \frac{\zeta(z)}{z}", steps, r"\lim_{z \to \infty} \frac{\zeta(z)}{z} = 1")


def _softplus_right_offset() -> dict:
    tail = sp.log(1 + sp.exp(-z))
    steps = [
        equal_step(r"\lim_{z \to \infty} \log\left(1+e^{-z}\right)", "ζ(z) = z + log(1 + exp(−z)), from above",
                   ZETA - z, tail),
        limit_step(r"\log\left(1+0\right)", "exp(−z) → 0 for z → ∞", z, oo, [(sp.exp(-z), 0)]),
        limit_step(r"0", "so ζ(z) − z → 0: the asymptote for z → ∞ is y = z", z, oo, [(ZETA - z, 0, "zeta(z) - z")]),
    ]
    return derivation("6c", "Softplus for z → +∞: the asymptote y = z",
                      r"\lim_{z \to \infty} \left(\zeta(z) - z\right)", steps,
                      r"\lim_{z \to \infty} \left(\zeta(z) - z\right) = 0")


SX = sigma_of(x)  # σ(x), for part f)
DSX = sp.Derivative(SX, x)  # σ'(x), unevaluated: the steps show where it is replaced


def _c1_prime() -> dict:
    steps = equality_chain(sp.diff(C1, x), "sympy.diff(c1(x), x)", [
        (2 * (SX - 1) * DSX, r"2\left(\sigma(x)-1\right)\sigma'(x)", "chain rule: (u²)′ = 2u · u′ with u = σ(x) − 1"),
        (2 * (SX - 1) * SX * (1 - SX), r"2\left(\sigma(x)-1\right)\sigma(x)\left(1-\sigma(x)\right)",
         "σ′ = σ(1 − σ), part b)"),
        (-2 * SX * (1 - SX) ** 2, r"-2\sigma(x)\left(1-\sigma(x)\right)^{2}", "σ − 1 = −(1 − σ)"),
    ])
    return derivation("6f", "The first derivative of c₁", r"c_1'(x)", steps,
                      r"c_1'(x) = -2\sigma(x)\left(1-\sigma(x)\right)^{2}")


def _c1_second() -> dict:
    steps = equality_chain(sp.diff(C1, x, 2), "sympy.diff(c1(x), x, 2)", [
        (sp.Derivative(-2 * SX * (1 - SX) ** 2, x), r"\frac{d}{dx}\left(-2\sigma(x)\left(1-\sigma(x)\right)^{2}\right)",
         "c₁′ from above"),
        (-2 * DSX * (1 - SX) ** 2 + 4 * SX * (1 - SX) * DSX,
         r"-2\sigma'(x)\left(1-\sigma(x)\right)^{2} + 4\sigma(x)\left(1-\sigma(x)\right)\sigma'(x)",
         "product rule, and the chain rule on (1 − σ)²"),
        (-2 * SX * (1 - SX) ** 3 + 4 * SX**2 * (1 - SX) ** 2,
         r"-2\sigma(x)\left(1-\sigma(x)\right)^{3} + 4\sigma(x)^{2}\left(1-\sigma(x)\right)^{2}", "σ′ = σ(1 − σ)"),
        (2 * SX * (1 - SX) ** 2 * (-(1 - SX) + 2 * SX),
         r"2\sigma(x)\left(1-\sigma(x)\right)^{2}\left(-\left(1-\sigma(x)\right) + 2\sigma(x)\right)",
         "factor out 2σ(1 − σ)²"),
        (2 * SX * (1 - SX) ** 2 * (3 * SX - 1), r"2\sigma(x)\left(1-\sigma(x)\right)^{2}\left(3\sigma(x)-1\right)",
         "collect the terms in σ"),
    ])
    return derivation("6f", "The second derivative of c₁", r"c_1''(x)", steps,
                      r"c_1''(x) = 2\sigma(x)\left(1-\sigma(x)\right)^{2}\left(3\sigma(x)-1\right)")


def _positive_factors(arg) -> bool:
    """σ(arg) > 0 and 1 − σ(arg) > 0 for real arg: sympy proves both (1 − σ via e^{-arg}/(1 + e^{-arg}))."""
    one_minus = sp.exp(-arg) / (1 + sp.exp(-arg))
    s = sigma_of(arg)
    return bool(s.is_positive) and is_zero(1 - s - one_minus) and bool(one_minus.is_positive)


CONCAVE_AT = -2  # a point left of -log 2, where c₁ is concave (6 f)
CHORD = (-4, -2)  # a chord of c₁ with both ends left of -log 2: it lies below the graph (6 f)


def _c1_sign() -> dict:
    c1dd = sp.diff(C1, x, 2)
    k = CONCAVE_AT
    at_neg, at_zero = c1dd.subs(x, k), c1dd.subs(x, 0)
    negative_set = sp.solveset(c1dd < 0, x, sp.S.Reals)
    steps = [
        step(r"2\sigma(x)\left(1-\sigma(x)\right)^{2} > 0 \quad \text{for all } x \in \mathbb{R}", "0 < σ(x) < 1",
             "sympy: sigma(x) and 1 - sigma(x) = exp(-x)/(1 + exp(-x)) are positive for real x (is_positive)",
             _positive_factors(x)),
        step(r"c_1''(x) < 0 \iff 3\sigma(x) - 1 < 0 \iff \sigma(x) < \frac{1}{3} \iff 1 + e^{-x} > 3 \iff x < -\log 2",
             "the sign of c₁″ is the sign of 3σ(x) − 1; σ is increasing",
             "sympy: solveset(c1''(x) < 0, x, Reals) == Interval.open(-oo, -log(2))",
             negative_set == sp.Interval.open(-oo, -sp.log(2))),
        step(r"c_1''(-\log 2) = 0", "σ(−log 2) = 1/(1 + 2) = 1/3",
             "sympy: c1''(-log 2) simplifies to 0", is_zero(c1dd.subs(x, -sp.log(2)))),
        step(rf"c_1''({k}) = 2\sigma({k})\left(1-\sigma({k})\right)^{{2}}\left(3\sigma({k})-1\right) \approx {_approx(at_neg)} < 0",
             f"σ({k}) ≈ {_approx(sigma_of(k), 3)} < 1/3".replace("-", "−"),
             f"sympy: c1''({k}), exact in e, is_negative", bool(at_neg.is_negative)),
        step(r"c_1''(0) = 2 \cdot \frac{1}{2} \cdot \frac{1}{4} \cdot \left(\frac{3}{2} - 1\right) = \frac{1}{8} > 0",
             "σ(0) = 1/2", "sympy: c1''(0) == 1/8", is_zero(at_zero - sp.Rational(1, 8))),
        step(r"c_1'' \text{ changes sign, so } c_1 \text{ is not convex}",
             "a twice-differentiable function is convex only if its second derivative is ≥ 0 everywhere",
             None, bool(at_neg.is_negative) and bool(at_zero.is_positive)),
    ]
    return derivation("6f", "Where c₁ is concave", "", steps, r"c_1''(x) < 0 \iff x < -\log 2")


def _c1_chord(a: int = CHORD[0], b: int = CHORD[1]) -> dict:
    """Convexity would need c₁((a+b)/2) ≤ (c₁(a) + c₁(b))/2; for a, b < -log 2 it fails."""
    m = sp.Rational(a + b, 2)
    gap = C1.subs(x, m) - (C1.subs(x, a) + C1.subs(x, b)) / 2

    def sq(t):  # (σ(t) − 1)² = (e^{-t}/(1 + e^{-t}))², as TeX and sympy, for integer t < 0
        return (rf"\left(\frac{{e^{{{-t}}}}}{{1+e^{{{-t}}}}}\right)^{{2}}",
                (sp.exp(-t) / (1 + sp.exp(-t))) ** 2)

    (tm, em), (ta, ea), (tb, eb) = sq(m), sq(a), sq(b)
    steps = equality_chain(gap, f"c1({m}) - (c1({a}) + c1({b}))/2", [
        ((sigma_of(m) - 1) ** 2 - ((sigma_of(a) - 1) ** 2 + (sigma_of(b) - 1) ** 2) / 2,
         rf"\left(\sigma({m})-1\right)^{{2}} - \frac{{\left(\sigma({a})-1\right)^{{2}} + \left(\sigma({b})-1\right)^{{2}}}}{{2}}",
         "definition of c₁"),
        (em - (ea + eb) / 2, rf"{tm} - \frac{{1}}{{2}}{ta} - \frac{{1}}{{2}}{tb}",
         "σ(t) − 1 = −exp(−t)/(1 + exp(−t))"),
    ])
    steps.append(step(rf"{_leading_digits(gap)}\ldots > 0",
                      f"(2) evaluated; positive, as it must be: both points lie left of −log 2 ≈ −{_approx(sp.log(2), 3)}, "
                      "where c₁ is concave",
                      "sympy: the exact difference is_positive (digits from evalf with 30 digits)",
                      bool(gap.is_positive)))
    return derivation("6f", "A chord below the graph: c₁ is not convex",
                      rf"c_1\left({m}\right) - \frac{{c_1({a}) + c_1({b})}}{{2}}", steps,
                      rf"c_1\left(\frac{{({a}) + ({b})}}{{2}}\right) > \frac{{c_1({a}) + c_1({b})}}{{2}}")


def _c1_vanishing_gradient() -> dict:
    c1d = sp.diff(C1, x)
    steps = [
        equal_step(r"\lim_{x \to -\infty} \left(-2\sigma(x)\left(1-\sigma(x)\right)^{2}\right)", "c₁′ from above",
                   c1d, -2 * SX * (1 - SX) ** 2),
        limit_step(r"-2 \cdot 0 \cdot \left(1-0\right)^{2}", "σ(x) → 0 for x → −∞", x, -oo, [(SX, 0, "sigma(x)")]),
        limit_step(r"0", "where the prediction is confidently wrong (σ ≈ 0 for the label 1), the gradient vanishes",
                   x, -oo, [(c1d, 0, "sympy.diff(c1(x), x)")]),
    ]
    return derivation("6f", "The gradient of c₁ vanishes for x → −∞", r"\lim_{x \to -\infty} c_1'(x)", steps,
                      r"\lim_{x \to -\infty} c_1'(x) = 0")


def _c1_gradient_rate() -> dict:
    c1d = sp.diff(C1, x)
    steps = [
        equal_step(r"\lim_{x \to -\infty} \frac{-2\left(1-\sigma(x)\right)^{2}}{1+e^{x}}",
                   "c₁′ from above, and σ(x)/exp(x) = 1/(1 + exp(x))", c1d / sp.exp(x),
                   -2 * (1 - SX) ** 2 / (1 + sp.exp(x))),
        limit_step(r"\frac{-2\left(1-0\right)^{2}}{1+0}", "σ(x) → 0 and exp(x) → 0 for x → −∞", x, -oo,
                   [(SX, 0, "sigma(x)"), (sp.exp(x), 0)]),
        limit_step(r"-2", "so c₁′(x) ≈ −2 exp(x): exponentially small steps far left", x, -oo,
                   [(c1d / sp.exp(x), -2, "sympy.diff(c1(x), x)/exp(x)")]),
    ]
    return derivation("6f", "How fast the gradient of c₁ vanishes", r"\lim_{x \to -\infty} \frac{c_1'(x)}{e^{x}}",
                      steps, r"\lim_{x \to -\infty} \frac{c_1'(x)}{e^{x}} = -2")


def _c1_plateau() -> dict:
    steps = [
        limit_step(r"\left(0-1\right)^{2}", "σ(x) → 0 for x → −∞", x, -oo, [(SX, 0, "sigma(x)")]),
        limit_step(r"1", "the cost sits near its supremum 1 on a flat plateau", x, -oo, [(C1, 1, "c1(x)")]),
    ]
    return derivation("6f", "c₁ on the left: a plateau at the worst cost", r"\lim_{x \to -\infty} c_1(x)", steps,
                      r"\lim_{x \to -\infty} c_1(x) = 1")


SWX = sigma_of(w * x)  # σ(wx), for part g)
DSWX = sp.diff(SIGMA, z).subs(z, w * x)  # σ'(wx), from sympy's σ'


def _dlog_sigma() -> dict:
    steps = equality_chain(sp.diff(sp.log(SWX), w), "sympy.diff(log(sigma(w*x)), w)", [
        (1 / SWX * DSWX * x, r"\frac{1}{\sigma(wx)} \cdot \sigma'(wx) \cdot x",
         "chain rule: (log u)′ = u′/u, and (σ(wx))′ = σ′(wx) · x"),
        (1 / SWX * SWX * (1 - SWX) * x, r"\frac{1}{\sigma(wx)} \cdot \sigma(wx)\left(1-\sigma(wx)\right) \cdot x",
         "σ′ = σ(1 − σ), part b)"),
        (x * (1 - SWX), r"x\left(1-\sigma(wx)\right)", "cancel σ(wx) > 0"),
    ])
    return derivation("6g", "The derivative of log σ(wx)", r"\frac{d}{dw}\log\sigma(wx)", steps,
                      r"\frac{d}{dw}\log\sigma(wx) = x\left(1-\sigma(wx)\right)")


def _dlog_one_minus_sigma() -> dict:
    steps = equality_chain(sp.diff(sp.log(1 - SWX), w), "sympy.diff(log(1 - sigma(w*x)), w)", [
        (1 / (1 - SWX) * (-DSWX * x), r"\frac{1}{1-\sigma(wx)} \cdot \left(-\sigma'(wx) \cdot x\right)",
         "chain rule, as above"),
        (-SWX * (1 - SWX) * x / (1 - SWX), r"\frac{-\sigma(wx)\left(1-\sigma(wx)\right) x}{1-\sigma(wx)}",
         "σ′ = σ(1 − σ)"),
        (-x * SWX, r"-x\,\sigma(wx)", "cancel 1 − σ(wx) > 0"),
    ])
    return derivation("6g", "The derivative of log(1 − σ(wx))", r"\frac{d}{dw}\log\left(1-\sigma(wx)\right)", steps,
                      r"\frac{d}{dw}\log\left(1-\sigma(wx)\right) = -x\,\sigma(wx)")


def _c2_prime() -> dict:
    steps = equality_chain(sp.diff(C2, w), "sympy.diff(c2(w), w)", [
        (-(y * x * (1 - SWX) + (1 - y) * (-x * SWX)),
         r"-\left(y \cdot x\left(1-\sigma(wx)\right) + (1-y) \cdot \left(-x\,\sigma(wx)\right)\right)",
         "linearity, and the two derivatives above"),
        (-x * (y - y * SWX - SWX + y * SWX), r"-x\left(y - y\,\sigma(wx) - \sigma(wx) + y\,\sigma(wx)\right)",
         "expand and factor out x"),
        (x * (SWX - y), r"x\left(\sigma(wx) - y\right)", "the y σ(wx) terms cancel"),
    ])
    return derivation("6g", "The first derivative of c₂ with respect to w", r"c_2'(w)", steps,
                      r"c_2'(w) = x\left(\sigma(wx) - y\right)")


def _c2_second() -> dict:
    steps = equality_chain(sp.diff(C2, w, 2), "sympy.diff(c2(w), w, 2)", [
        (sp.Derivative(x * (SWX - y), w), r"\frac{d}{dw}\, x\left(\sigma(wx) - y\right)", "c₂′ from above"),
        (x * DSWX * x, r"x \cdot \sigma'(wx) \cdot x", "chain rule; x and y do not depend on w"),
        (x**2 * SWX * (1 - SWX), r"x^{2}\sigma(wx)\left(1-\sigma(wx)\right)", "σ′ = σ(1 − σ)"),
    ])
    return derivation("6g", "The second derivative of c₂ with respect to w", r"c_2''(w)", steps,
                      r"c_2''(w) = x^{2}\sigma(wx)\left(1-\sigma(wx)\right)")


def _c2_labels() -> dict:
    second = x**2 * SWX * (1 - SWX)
    cases = {0: (-sp.log(1 - SWX), r"-\log\left(1-\sigma(wx)\right)", x * SWX, r"x\,\sigma(wx)"),
             1: (-sp.log(SWX), r"-\log\sigma(wx)", -x * (1 - SWX), r"-x\left(1-\sigma(wx)\right)")}
    steps = []
    for label, (cost, cost_tex, grad, grad_tex) in cases.items():
        c2 = C2.subs(y, label)
        ok = is_zero(c2 - cost) and is_zero(sp.diff(c2, w) - grad) and is_zero(sp.diff(c2, w, 2) - second)
        steps.append(step(
            rf"y = {label}: \quad c_2(w) = {cost_tex}, \quad c_2'(w) = {grad_tex}, \quad "
            r"c_2''(w) = x^{2}\sigma(wx)\left(1-\sigma(wx)\right)",
            f"substitute y = {label} in the general results",
            f"sympy: c2 with y = {label}, and its first and second sympy.diff in w, minus these simplify to 0", ok))
    return derivation("6g", "The two labels separately", "", steps,
                      r"c_2''(w) = x^{2}\sigma(wx)\left(1-\sigma(wx)\right) \quad \text{for } y = 0 \text{ and } y = 1")


def _c2_convex() -> dict:
    xn = sp.Symbol("x", real=True, nonzero=True)
    second = (x**2 * sp.exp(-w * x) / (1 + sp.exp(-w * x)) ** 2).subs(x, xn)
    positive = is_zero(sp.diff(C2, w, 2).subs(x, xn) - second) and bool(second.is_positive)
    steps = [
        step(r"0 < \sigma(wx) < 1 \quad \text{for all } w, x \in \mathbb{R}", "exp(−wx) > 0",
             "sympy: sigma(w*x) and 1 - sigma(w*x) = exp(-w*x)/(1 + exp(-w*x)) are positive (is_positive)",
             _positive_factors(w * x)),
        step(r"c_2''(w) = x^{2}\sigma(wx)\left(1-\sigma(wx)\right) > 0 \quad \text{for } x \neq 0",
             "x² > 0 for x ≠ 0, times two positive factors",
             "sympy: c2'' = x^2 exp(-w*x)/(1 + exp(-w*x))^2 (simplifies) and is_positive for real nonzero x",
             positive),
        step(r"c_2 \text{ is strictly convex in } w \text{ for } x \neq 0",
             "a twice-differentiable function with c″ > 0 on all of ℝ is strictly convex",
             None, positive),
        step(r"x = 0: \quad c_2(w) = -\left(y\log\frac{1}{2} + (1-y)\log\frac{1}{2}\right) = \log 2",
             "σ(0) = 1/2: c₂ does not depend on w (convex, but not strictly)",
             "sympy: c2 at x = 0 minus log 2 simplifies to 0", is_zero(C2.subs(x, 0) - sp.log(2))),
    ]
    return derivation("6g", "c₂ is convex for x ≠ 0", "", steps,
                      r"c_2''(w) > 0 \text{ for all } w \text{ when } x \neq 0")


_DERIVATIONS = {
    "6a_sigmoid_prime": _sigmoid_prime,
    "6b_sigmoid_identity": _sigmoid_identity,
    "6c_softplus_closed_form": _softplus_form,
    "6c_softplus_prime": _softplus_prime,
    "6c_softplus_second": _softplus_second,
    "6c_softplus_asymptote_left": _softplus_left,
    "6c_softplus_asymptote_right_slope": _softplus_right_slope,
    "6c_softplus_asymptote_right_offset": _softplus_right_offset,
    "6f_c1_prime": _c1_prime,
    "6f_c1_second": _c1_second,
    "6f_c1_sign": _c1_sign,
    "6f_c1_chord": _c1_chord,
    "6f_c1_vanishing_gradient": _c1_vanishing_gradient,
    "6f_c1_gradient_rate": _c1_gradient_rate,
    "6f_c1_plateau": _c1_plateau,
    "6g_dlog_sigma": _dlog_sigma,
    "6g_dlog_one_minus_sigma": _dlog_one_minus_sigma,
    "6g_c2_prime": _c2_prime,
    "6g_c2_second": _c2_second,
    "6g_c2_labels": _c2_labels,
    "6g_c2_convex": _c2_convex,
}


def derivations() -> dict[str, dict]:
    """Ordered dict id -> derivation, for parts a), b), c), f), g) of Exercise 6.

    A derivation is ``{"part", "title", "lhs", "steps", "result", "passed"}``; each step is
    ``{"tex", "why", "check", "checked", "passed"}`` (``check`` None, ``checked`` False: a conclusion drawn
    from the steps above, which sympy did not do). With ``lhs`` set, the steps are the right-hand
    sides of ``lhs = step₁ = step₂ = …``; with ``lhs == ""`` each step is a full statement.
    """
    return {name: make() for name, make in _DERIVATIONS.items()}


def all_passed(ds) -> bool:
    return bool(ds) and all(d["passed"] and all(s["passed"] for s in d["steps"]) for d in ds.values())


def c1_progress(path: dict, stuck_fraction: float) -> str:
    """How far GD on c₁ got from one start (a path of :func:`c1_descent`): "stuck" where c₁ fell by less than
    ``stuck_fraction`` of its start, "slow" where it fell more but x is still in the concave region x < −log 2,
    "fast" where x got out of it."""
    if path["c1"][0] - path["c1"][-1] < stuck_fraction * path["c1"][0]:
        return "stuck"
    return "slow" if path["x"][-1] < -math.log(2) else "fast"


def c1_descent(starts: Sequence[float], lr: float, steps: int) -> list[dict]:
    """Part f: gradient descent on c₁ from each start, x ← x − lr·c₁'(x): the path of x and of c₁(x)."""
    paths = []
    for x0 in starts:
        xs = [float(x0)]
        for _ in range(steps):
            xs.append(xs[-1] - lr * float(c1_prime(xs[-1])))
        paths.append({"start": float(x0), "x": xs, "c1": [float(c1(v)) for v in xs]})
    return paths
