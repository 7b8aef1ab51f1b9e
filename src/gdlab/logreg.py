"""Exercise 2: binary logistic regression, its cost and its hand-written gradient.

Convention: ``X1`` has a leading column of ones (``theta[0]`` is the bias),
``y`` holds 0.0/1.0, z = X1 theta and p = σ(z).

    cost(theta)          = -(1/n) Σ [y log σ(z) + (1-y) log σ(-z)]       (binary cross-entropy)
    gradient_cost(theta) = (1/n) X1ᵀ (σ(z) - y)
    Hessian              = (1/n) X1ᵀ diag(σ(z)(1-σ(z))) X1  ⪯  λmax(X1ᵀX1/n)/4 · I

so the cost is L-smooth with L = λmax(X1ᵀX1/n)/4 and GD with lr < 2/L decreases it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from .train import HandGradientModel


def zscore_fit(X: Tensor) -> tuple[Tensor, Tensor]:
    """Mean and (population) standard deviation per column, from training data only."""
    mean = X.mean(dim=0)
    std = X.std(dim=0, unbiased=False)
    if bool((std == 0).any()):
        raise ValueError(f"constant feature column(s) {torch.nonzero(std == 0).flatten().tolist()}: cannot z-score")
    return mean, std


def zscore_apply(X: Tensor, mean: Tensor, std: Tensor) -> Tensor:
    return (X - mean) / std


def predict(theta: Tensor, X1: Tensor) -> Tensor:
    """P(y = 1 | x) for each row: (n, d+1), (d+1,) -> (n,)."""
    assert X1.ndim == 2 and theta.shape == (X1.shape[1],), (X1.shape, theta.shape)
    return torch.sigmoid(X1 @ theta)


def cost(theta: Tensor, X1: Tensor, y: Tensor) -> Tensor:
    """Mean binary cross-entropy via logsigmoid: finite for any |z| (no log(0))."""
    assert y.shape == (X1.shape[0],), (y.shape, X1.shape)
    z = X1 @ theta
    return -(y * F.logsigmoid(z) + (1 - y) * F.logsigmoid(-z)).mean()


def gradient_cost(theta: Tensor, X1: Tensor, y: Tensor) -> Tensor:
    """Hand-written gradient of :func:`cost`: (1/n) X1ᵀ(σ(z) - y), shape (d+1,)."""
    return X1.T @ (predict(theta, X1) - y) / X1.shape[0]


def cost_hessian(theta: Tensor, X1: Tensor) -> Tensor:
    p = predict(theta, X1)
    return (X1.T * (p * (1 - p))) @ X1 / X1.shape[0]


def accuracy(theta: Tensor, X1: Tensor, y: Tensor, threshold: float = 0.5) -> float:
    return float(((predict(theta, X1) >= threshold).to(y.dtype) == y).to(torch.float64).mean())


def smoothness(X1: Tensor) -> float:
    """L = λmax(X1ᵀX1/n)/4, the largest curvature the cost can have anywhere."""
    return float(torch.linalg.eigvalsh(X1.T @ X1 / X1.shape[0])[-1]) / 4


class LogisticRegressionGD(HandGradientModel):
    """Hand-gradient logistic regression for :func:`gdlab.train.fit`."""

    cost = staticmethod(cost)
    grad = staticmethod(gradient_cost)


def stratified_split(labels: Tensor, test_fraction: float, seed: int) -> tuple[Tensor, Tensor]:
    """Seeded train/test indices with each class split in the same proportion."""
    gen = torch.Generator().manual_seed(seed)
    train, test = [], []
    for c in torch.unique(labels):
        idx = torch.nonzero(labels == c).flatten()
        idx = idx[torch.randperm(len(idx), generator=gen)]
        k = int(round(test_fraction * len(idx)))
        test.append(idx[:k])
        train.append(idx[k:])
    return torch.sort(torch.cat(train)).values, torch.sort(torch.cat(test)).values
