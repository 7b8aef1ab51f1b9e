"""Exercise 1: linear regression, its cost, its hand-written gradient, its limits.

Convention: ``X1`` is the design matrix with a leading column of ones, so
``theta[0]`` is the bias. The cost is the mean squared error

    J(theta) = (1/n) ||X1 theta - y||²,
    grad J   = (2/n) X1ᵀ (X1 theta - y),
    Hessian  = (2/n) X1ᵀ X1        (constant: J is quadratic).

GD on a quadratic contracts along every eigenvector of the Hessian iff
|1 - lr·λ| < 1, so it converges iff lr < 2/λmax.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from .train import HandGradientModel


def add_bias(X: Tensor) -> Tensor:
    """(n, d) -> (n, d+1) with a leading column of ones."""
    return torch.cat([torch.ones(X.shape[0], 1, dtype=X.dtype), X], dim=1)


def normal_equations(X1: Tensor, y: Tensor) -> Tensor:
    """Solve X1ᵀX1 theta = X1ᵀy (a linear solve; never an explicit inverse)."""
    return torch.linalg.solve(X1.T @ X1, X1.T @ y)


def mse(theta: Tensor, X1: Tensor, y: Tensor) -> Tensor:
    r = X1 @ theta - y
    return (r @ r) / X1.shape[0]


def mse_grad(theta: Tensor, X1: Tensor, y: Tensor) -> Tensor:
    """Hand-written gradient of :func:`mse`: (2/n) X1ᵀ(X1 theta - y)."""
    return (2.0 / X1.shape[0]) * (X1.T @ (X1 @ theta - y))


def mse_hessian(X1: Tensor) -> Tensor:
    return (2.0 / X1.shape[0]) * (X1.T @ X1)


@dataclass(frozen=True)
class Curvature:
    eigenvalues: list[float]  # of the Hessian, ascending
    lambda_max: float
    lambda_min: float
    condition_number: float
    max_lr: float  # 2 / lambda_max
    optimal_lr: float  # 2 / (lambda_min + lambda_max): fastest fixed step on a quadratic


def curvature(X1: Tensor) -> Curvature:
    ev = torch.linalg.eigvalsh(mse_hessian(X1))
    lo, hi = float(ev[0]), float(ev[-1])
    return Curvature(
        eigenvalues=[float(v) for v in ev],
        lambda_max=hi,
        lambda_min=lo,
        condition_number=hi / lo if lo > 0 else float("inf"),
        max_lr=2.0 / hi,
        optimal_lr=2.0 / (lo + hi),
    )


class LinearRegressionGD(HandGradientModel):
    """Hand-gradient linear regression for :func:`gdlab.train.fit`."""

    cost = staticmethod(mse)
    grad = staticmethod(mse_grad)


def gd_diverges(X1: Tensor, y: Tensor, lr: float, epochs: int) -> bool:
    """Empirical test: after ``epochs`` full-batch steps from zero, is the cost above where it started?

    Along the top eigenvector the excess cost is multiplied by (1 - lr·λmax)² each
    epoch, so just above the limit it grows and just below it shrinks; with a few
    hundred epochs a 1 % step in lr already changes it by orders of magnitude.
    """
    model = LinearRegressionGD(torch.zeros(X1.shape[1], dtype=X1.dtype))
    start = float(model.loss(X1, y))
    for _ in range(epochs):
        model.step(X1, y, lr)
    end = float(model.loss(X1, y))
    return not (end == end and end < start)  # NaN/inf counts as diverged


def bisect_max_lr(X1: Tensor, y: Tensor, lr_start: float, epochs: int, rtol: float, max_probes: int = 200):
    """Largest converging lr by experiment: grow lr until a run diverges, then bisect.

    Returns (lo, hi, probes): lo converges, hi diverges, (hi - lo)/lo <= rtol,
    probes lists every (lr, diverged) tried, in order.
    """
    probes: list[tuple[float, bool]] = []

    def diverges(lr: float) -> bool:
        if len(probes) >= max_probes:
            raise RuntimeError(f"bisect_max_lr: no bracket within {max_probes} probes")
        d = gd_diverges(X1, y, lr, epochs)
        probes.append((lr, d))
        return d

    lo = lr_start
    if diverges(lo):
        raise ValueError(f"bisect_max_lr: the starting learning rate {lr_start} already diverges; choose a smaller one")
    hi = 2 * lo
    while not diverges(hi):
        lo, hi = hi, 2 * hi
    while (hi - lo) / lo > rtol:
        mid = 0.5 * (lo + hi)
        if diverges(mid):
            hi = mid
        else:
            lo = mid
    return lo, hi, probes


def distance_to(theta_star: Tensor):
    """A per-epoch metric for :func:`gdlab.train.fit`: the Euclidean distance ‖θ - θ*‖ to the closed form."""

    def metric(model: "LinearRegressionGD", epoch: int) -> dict:
        return {"distance": float(torch.linalg.vector_norm(model.theta - theta_star))}

    return metric


def epochs_to_tolerance(X1: Tensor, y: Tensor, theta0: Tensor, theta_star: Tensor, lr: float, tol: float,
                        max_epochs: int) -> int | None:
    """Full-batch GD at a fixed ``lr``: epochs until ‖θ - θ*‖ <= tol‖θ*‖, or None within ``max_epochs``.

    A plain loop rather than :func:`gdlab.train.fit`: it may run 10^5 epochs and keeps no history.
    """
    model = LinearRegressionGD(theta0)
    target = tol * float(torch.linalg.vector_norm(theta_star))
    for epoch in range(1, max_epochs + 1):
        model.step(X1, y, lr)
        if float(torch.linalg.vector_norm(model.theta - theta_star)) <= target:
            return epoch
    return None


def exact_line_search_steps(X1: Tensor, y: Tensor, theta0: Tensor, theta_star: Tensor, tol: float,
                            max_epochs: int) -> tuple[float, int | None]:
    """Steepest descent with the optimal step ε* = gᵀg / gᵀHg of a quadratic (Goodfellow et al. eq. 4.10).

    Returns (ε* at theta0, epochs until ‖θ - θ*‖ <= tol‖θ*‖ or None).
    """
    H = mse_hessian(X1)
    theta = theta0.clone()
    g0 = mse_grad(theta, X1, y)
    first = float(g0 @ g0 / (g0 @ H @ g0))
    target = tol * float(torch.linalg.vector_norm(theta_star))
    for epoch in range(1, max_epochs + 1):
        g = mse_grad(theta, X1, y)
        gHg = float(g @ H @ g)
        if gHg == 0:
            return first, epoch - 1
        theta = theta - float(g @ g) / gHg * g
        if float(torch.linalg.vector_norm(theta - theta_star)) <= target:
            return first, epoch
    return first, None
