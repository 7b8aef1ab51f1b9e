"""Exercise 2: binary logistic regression, its cost beside its hand-written gradient.

``X1`` has a leading column of ones (``theta[0]`` is the bias), ``y`` holds 0.0/1.0, z = X1 theta, p = σ(z).

    cost(theta)          = -(1/n) Σ [y log σ(z) + (1-y) log σ(-z)]       (binary cross-entropy)
    gradient_cost(theta) = (1/n) X1ᵀ (σ(z) - y)
    Hessian              = (1/n) X1ᵀ diag(σ(z)(1-σ(z))) X1  ⪯  λmax(X1ᵀX1/n)/4 · I

so the gradient is Lipschitz with L = λmax(X1ᵀX1/n)/4 and GD with lr < 2/L lowers the cost at
every step. The Hessian is positive definite — the cost strictly convex — iff X1 has full column rank.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from .linalg import gram_eigenvalues
from .train import HandGradientModel


def predict(theta: Tensor, X1: Tensor) -> Tensor:
    """P(y = 1 | x) for each row: (n, d+1), (d+1,) -> (n,)."""
    assert X1.ndim == 2 and theta.shape == (X1.shape[1],), (X1.shape, theta.shape)
    return torch.sigmoid(X1 @ theta)


def cost(theta: Tensor, X1: Tensor, y: Tensor) -> Tensor:
    """Mean binary cross-entropy, through logsigmoid: finite for any z (never log(0))."""
    assert y.shape == (X1.shape[0],), (y.shape, X1.shape)
    z = X1 @ theta
    return -(y * F.logsigmoid(z) + (1 - y) * F.logsigmoid(-z)).mean()


def gradient_cost(theta: Tensor, X1: Tensor, y: Tensor) -> Tensor:
    """The gradient of :func:`cost`, written out: (1/n) X1ᵀ(σ(z) − y), shape (d+1,)."""
    return X1.T @ (predict(theta, X1) - y) / X1.shape[0]


def cost_hessian(theta: Tensor, X1: Tensor) -> Tensor:
    p = predict(theta, X1)
    return (X1.T * (p * (1 - p))) @ X1 / X1.shape[0]


def accuracy(theta: Tensor, X1: Tensor, y: Tensor) -> float:
    """Share of rows where the predicted class (P ≥ 0.5 means class 1) equals the label."""
    return float(((predict(theta, X1) >= 0.5).to(y.dtype) == y).to(torch.float64).mean())


def smoothness(X1: Tensor) -> float:
    """L = λmax(X1ᵀX1/n)/4, the largest curvature the cost can have anywhere (σ(1−σ) ≤ 1/4)."""
    return float(gram_eigenvalues(X1)[-1]) / 4


class LogisticRegressionHand(HandGradientModel):
    """Full-batch GD with the hand-written gradient, for :func:`gdlab.train.fit`."""

    cost = staticmethod(cost)
    grad = staticmethod(gradient_cost)


def dummy_check(seed: int, n: int = 5, d: int = 3) -> dict:
    """The practical's test of part c: each function called on dummy values (n rows, d features), with the
    shapes it returns and whether everything is finite — also for weights so large that σ(z) rounds to 0 or 1."""
    gen = torch.Generator().manual_seed(seed)
    X1 = torch.cat([torch.ones(n, 1, dtype=torch.float64), torch.randn(n, d, generator=gen, dtype=torch.float64)], 1)
    y = (torch.arange(n) % 2 == 0).to(torch.float64)
    cases = {"zeros": torch.zeros(d + 1, dtype=torch.float64),
             "random": torch.randn(d + 1, generator=gen, dtype=torch.float64),
             "every weight 1000": 1e3 * torch.ones(d + 1, dtype=torch.float64)}
    rows = []
    for name, theta in cases.items():
        p, c, g = predict(theta, X1), cost(theta, X1, y), gradient_cost(theta, X1, y)
        rows.append({"theta": name, "predict_shape": list(p.shape), "cost": float(c), "gradient_shape": list(g.shape),
                     "gradient_norm": float(torch.linalg.vector_norm(g)), "accuracy": accuracy(theta, X1, y),
                     "finite": bool(torch.isfinite(p).all() and torch.isfinite(c) and torch.isfinite(g).all())})
    return {"n": n, "d": d, "X_shape": list(X1.shape), "y": y.tolist(), "cases": rows}


def lbfgs_optimum(X1: Tensor, y: Tensor) -> dict:
    """The minimiser of :func:`cost` by an independent solver (scipy's L-BFGS-B, tight tolerances), to check GD against."""
    import numpy as np
    from scipy.optimize import minimize

    def f(w):
        theta = torch.from_numpy(w)
        return float(cost(theta, X1, y)), gradient_cost(theta, X1, y).numpy()

    res = minimize(f, np.zeros(X1.shape[1]), jac=True, method="L-BFGS-B",
                   options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 100_000})
    return {"theta": res.x.tolist(), "cost": float(res.fun), "success": bool(res.success), "iterations": int(res.nit),
            "gradient_norm": float(np.linalg.norm(res.jac)), "solver": "scipy L-BFGS-B"}


def null_direction(X1: Tensor) -> Tensor:
    """The unit vector v with the smallest ‖X1 v‖ (the last right singular vector): where X1 is rank-deficient,
    X1 v = 0 and the cost does not change along v — the Hessian is singular, the cost not strictly convex."""
    return torch.linalg.svd(X1, full_matrices=False).Vh[-1]
