"""Exercise 1: linear regression, its cost beside its hand-written gradient, and its limits.

With the design matrix X1 (leading column of ones, ``theta[0]`` the bias) the cost is the mean
squared error

    J(theta) = (1/n) ||X1 theta - y||²,
    grad J   = (2/n) X1ᵀ (X1 theta - y),
    Hessian  = (2/n) X1ᵀ X1        (constant: J is quadratic).

GD on a quadratic contracts along every eigenvector of the Hessian iff |1 - lr·λ| < 1, so it
converges from every start iff lr < 2/λmax.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from .linalg import gram_eigenvalues
from .train import HandGradientModel, fit


def normal_equations(X1: Tensor, y: Tensor) -> Tensor:
    """θ* from X1ᵀX1 θ = X1ᵀy, by a linear solve (never an explicit inverse)."""
    return torch.linalg.solve(X1.T @ X1, X1.T @ y)


def mse(theta: Tensor, X1: Tensor, y: Tensor) -> Tensor:
    """J(θ) = (1/n)‖X1 θ − y‖²."""
    r = X1 @ theta - y
    return (r @ r) / X1.shape[0]


def mse_grad(theta: Tensor, X1: Tensor, y: Tensor) -> Tensor:
    """∇J(θ) = (2/n) X1ᵀ(X1 θ − y), written out by hand (no autograd)."""
    return (2.0 / X1.shape[0]) * (X1.T @ (X1 @ theta - y))


def mse_hessian(X1: Tensor) -> Tensor:
    return (2.0 / X1.shape[0]) * (X1.T @ X1)


class LinearRegressionHand(HandGradientModel):
    """Full-batch GD with the hand-written gradient: θ ← θ − η ∇J(θ), one step per epoch
    in :func:`gdlab.train.fit`."""

    cost = staticmethod(mse)
    grad = staticmethod(mse_grad)


class LinearRegressionLineSearch(LinearRegressionHand):
    """Steepest descent whose step is the exact minimiser along −g of the quadratic:
    ε* = gᵀg / gᵀHg (Goodfellow et al., eq. 4.10); the ``lr`` handed in is ignored."""

    def step(self, X1: Tensor, y: Tensor, lr: float) -> None:
        g = mse_grad(self.theta, X1, y)
        gHg = float(g @ mse_hessian(X1) @ g)
        if gHg > 0:
            self.theta = self.theta - float(g @ g) / gHg * g


@dataclass(frozen=True)
class Curvature:
    eigenvalues: list[float]  # of the Hessian, ascending
    lambda_max: float
    lambda_min: float
    condition_number: float
    max_lr: float  # 2 / lambda_max
    optimal_lr: float  # 2 / (lambda_min + lambda_max): the fastest fixed step on a quadratic


def curvature(X1: Tensor) -> Curvature:
    """The Hessian's spectrum: 2 × the eigenvalues of the Gram matrix X1ᵀX1/n."""
    ev = 2 * gram_eigenvalues(X1)
    lo, hi = float(ev[0]), float(ev[-1])
    return Curvature(eigenvalues=[float(v) for v in ev], lambda_max=hi, lambda_min=lo,
                     condition_number=hi / lo if lo > 0 else float("inf"), max_lr=2.0 / hi, optimal_lr=2.0 / (lo + hi))


def distance_to(theta_star: Tensor, X1: Tensor, y: Tensor):
    """Per-epoch metrics for :func:`gdlab.train.fit`: the cost and the distance ‖θ − θ*‖ to the closed form."""

    def metrics(model: LinearRegressionHand) -> dict:
        return {"loss": float(model.loss(X1, y)),
                "distance": float(torch.linalg.vector_norm(model.theta - theta_star))}

    return metrics


def epochs_to_reach(model: LinearRegressionHand, X1: Tensor, y: Tensor, theta_star: Tensor, lr: float, tol: float,
                    max_epochs: int) -> int | None:
    """Train ``model`` by :func:`gdlab.train.fit` until ‖θ − θ*‖ ≤ tol·‖θ*‖: the epochs it took, or None
    within ``max_epochs`` (the conditioning study, and Exercise 5's line search against the best fixed rate)."""
    target = tol * float(torch.linalg.vector_norm(theta_star))
    hist = fit(model, X1, y, epochs=max_epochs, lr=lr, metrics=distance_to(theta_star, X1, y),
               until=lambda row: row["distance"] <= target)
    return hist.epochs_run if hist.rows[-1]["distance"] <= target else None
