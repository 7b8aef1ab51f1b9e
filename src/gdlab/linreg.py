"""Exercise 1: linear regression of the rent on the living area (the week-1 data), with the course's definitions.

    ŷ_j = α + β x_j,   C(a) = 1/(2N) Σ_j (y_j − ŷ_j)²,   X (N, 2) = [1, x],  Y (N, 1),  a = (α, β)ᵀ (2, 1)
    ∇C(a) = (1/N) Xᵀ (X a − Y),   Hessian H = XᵀX / N   (constant: C is quadratic)

Along each eigenvector of H, GD multiplies the error a − a* by 1 − lr·λ per epoch: it converges from every start
iff lr < 2/λmax. Standardising x makes XᵀX/N the identity, so there 2/λmax = 2 and lr = 1 lands in one step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from .facts import error_factors
from .gd import gradient_descent
from .linreg_data import read_rents, standardise


def design(x, y):
    """The design matrix X (N, 2) — a column of ones first, then x — and the targets Y
    (N, 1), as float64 tensors."""
    x = torch.tensor(np.asarray(x, dtype=np.float64)).reshape(-1, 1)
    X = torch.cat([torch.ones_like(x), x], dim=1)
    Y = torch.tensor(np.asarray(y, dtype=np.float64)).reshape(-1, 1)
    return X, Y


def normal_equations(X, Y):
    """The closed form a* = (XᵀX)⁻¹ XᵀY, computed as the solution of XᵀX a = XᵀY (never
    an explicit inverse)."""
    return torch.linalg.solve(X.T @ X, X.T @ Y)


def cost(X, Y, a):
    """C(a) = 1/(2N) Σ_j (y_j − ŷ_j)² with ŷ = X a."""
    return ((Y - X @ a) ** 2).sum() / (2 * len(X))


def gradient_cost(X, Y, a):
    """∇C(a) = (1/N) Xᵀ (X a − Y), shape (2, 1): the formula written out, no autograd.
    """
    return X.T @ (X @ a - Y) / len(X)


def hessian(X):
    """H = XᵀX / N, the same at every a."""
    return X.T @ X / len(X)


@dataclass(frozen=True)
class Curvature:
    eigenvalues: list[float]  # of the Hessian, ascending
    lambda_min: float
    lambda_max: float
    condition_number: float
    max_lr: float  # 2 / lambda_max: GD converges from every start iff lr is below it
    optimal_lr: float  # 2 / (lambda_min + lambda_max): the fastest fixed rate on a quadratic


def curvature(X) -> Curvature:
    ev = torch.linalg.eigvalsh(hessian(X.to(torch.float64)))
    lo, hi = float(ev[0]), float(ev[-1])
    return Curvature(eigenvalues=[float(v) for v in ev], lambda_min=lo, lambda_max=hi,
                     condition_number=hi / lo if lo > 0 else math.inf, max_lr=2 / hi, optimal_lr=2 / (lo + hi))


def contraction(curv: Curvature, lr: float) -> float:
    """max_i |1 − lr·λ_i|: the factor by which one epoch at ``lr`` shrinks the error (above 1: grows it)."""
    return max(abs(f) for f in error_factors(curv.eigenvalues, lr))


def optimal_step(X, Y, a):
    """The exact minimiser of C along −g from a: ε* = gᵀg / gᵀHg (Goodfellow et al., eq. 4.10); 0 at a minimum."""
    g = gradient_cost(X, Y, a)
    gHg = float(g.T @ hessian(X) @ g)
    return float(g.T @ g) / gHg if gHg > 0 else 0.0


def run(X, Y, lr, nepochs, a0=None):
    """GD from a0 (default 0) with the hand-written gradient: the last a and [(cost, a)] per epoch (epoch 0 first)."""
    a0 = torch.zeros(X.shape[1], 1, dtype=X.dtype) if a0 is None else a0
    return gradient_descent(lambda a: gradient_cost(X, Y, a), a0, lr, nepochs,
                            track=lambda a: (float(cost(X, Y, a)), a.flatten().tolist()))


def epochs_to_reach(gradient, a_star, lr, tol, max_epochs, chunk=1000):
    """How many GD epochs from 0 until ‖a − a*‖ ≤ tol·‖a*‖ (None if not within
    ``max_epochs``), run in chunks so that a run that arrives early stops early.
    ``gradient(a)`` is the step direction (times ``lr``)."""
    target = tol * float(torch.linalg.vector_norm(a_star))
    a, done = torch.zeros_like(a_star), 0

    def distance(w):
        return float(torch.linalg.vector_norm(w - a_star))

    if distance(a) <= target:
        return 0
    while done < max_epochs:
        n = min(chunk, max_epochs - done)
        a, dist = gradient_descent(gradient, a, lr, n, distance)
        hit = next((i for i, d in enumerate(dist) if d <= target), None)
        if hit is not None:
            return done + hit
        done += n
    return None


def predicted_epochs(curv_eigen: tuple[np.ndarray, np.ndarray], e0: np.ndarray, lr: float, target: float,
                     max_epochs: int = 10**9) -> int | None:
    """Theory's count for :func:`epochs_to_reach`: with H = V diag(λ) Vᵀ the error after t epochs is
    Σ_i (1 − lr λ_i)^t (v_iᵀ e0) v_i; the first t at which its length is at most ``target`` — by bisection over t,
    since a sum of several modes' powers has no closed-form inverse (the length falls monotonically when every
    |1 − lr λ_i| < 1). None when it never gets there."""
    lam, V = curv_eigen
    c2 = (V.T @ e0.reshape(-1)) ** 2
    q = np.abs(1 - lr * lam)
    c2, q = c2[c2 > 0], q[c2 > 0]  # a mode the error has no part in never grows it, whatever its factor

    def length(t: int) -> float:
        return float(np.sqrt(np.sum(c2 * q ** (2 * t))))

    if length(0) <= target:
        return 0
    if np.any(q >= 1) or length(max_epochs) > target:
        return None
    lo, hi = 0, max_epochs  # length(lo) > target >= length(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if length(mid) <= target else (mid, hi)
    return hi


# --- the pipeline's helpers (not in the notebook) ------------------------------------------------------------

def feature_variant(x, variant):
    """The feature as it is ("raw"), minus its mean ("centred"), divided by its std
    ("scaled"), or both ("standardised", the course's choice): the study of what
    standardising does to GD."""
    x = np.asarray(x, dtype=np.float64)
    variants = {"raw": x, "centred": x - x.mean(), "scaled": x / x.std(),
                "standardised": standardise(x)}
    return variants[variant]


def load(path, feature: str, target: str, variant: str = "standardised"):
    """X (N, 2), Y (N, 1) from the week-1 CSV: the target standardised as in the course, the feature as ``variant``."""
    frame = read_rents(path, feature, target)
    return design(feature_variant(frame[feature].to_numpy(), variant), standardise(frame[target].to_numpy(dtype=float)))
