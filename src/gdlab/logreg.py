"""Exercise 2: binary logistic regression on the spine data, with the course's definitions.

X (N, 13) holds the 12 standardised features after a leading column of ones, Y (N, 1) is 1 for Abnormal,
W (1, 13) the weights (W[0, 0] the bias). With z = X Wᵀ:

    Ŷ = σ(z),   C(W) = −1/N Σ_j [Y_j log Ŷ_j + (1 − Y_j) log(1 − Ŷ_j)],   ∇C(W) = 1/N (Ŷ − Y)ᵀ X   (1, 13)
    Hessian = 1/N Xᵀ diag(Ŷ(1 − Ŷ)) X  ⪯  λmax(XᵀX/N)/4 · I

so the gradient is Lipschitz with L = λmax(XᵀX/N)/4 and every GD step with lr < 2/L lowers the cost.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .linalg import gram_eigenvalues


def standardise(X, reference=None):
    """Each column minus its mean, divided by its standard deviation (torch's default:
    unbiased, 1/(N−1)), both taken over ``reference`` (default: X itself; a held-out
    part is standardised with the training part's)."""
    reference = X if reference is None else reference
    return (X - reference.mean(dim=0)) / reference.std(dim=0)


def design(features, labels, reference=None):
    """X (N, 13): a column of ones, then the standardised features; Y (N, 1): the labels
    0/1 as floats."""
    features = torch.tensor(np.asarray(features, dtype=np.float64))
    if reference is None:
        reference = features
    else:
        reference = torch.tensor(np.asarray(reference, dtype=np.float64))
    ones = torch.ones(len(features), 1, dtype=torch.float64)
    X = torch.cat([ones, standardise(features, reference)], dim=1)
    return X, torch.tensor(np.asarray(labels, dtype=np.float64)).reshape(-1, 1)


def predict(X, W):
    """Ŷ = σ(X Wᵀ): X (N, 13), W (1, 13) -> (N, 1), the probability of class 1
    (Abnormal)."""
    return torch.sigmoid(X @ W.T)


def cost(X, Y, W):
    """C(W) = −1/N Σ [Y log Ŷ + (1 − Y) log(1 − Ŷ)], written with logsigmoid: log σ(z)
    and log(1 − σ(z)) = log σ(−z) stay finite where σ(z) rounds to 0 or 1 and log
    would give −inf."""
    z = X @ W.T
    return -(Y * F.logsigmoid(z) + (1 - Y) * F.logsigmoid(-z)).mean()


def gradient_cost(X, Y, W):
    """∇C(W) = 1/N (Ŷ − Y)ᵀ X, shape (1, 13): the formula written out, no autograd."""
    return (predict(X, W) - Y).T @ X / len(X)


def accuracy(Y, Yhat):
    """The share of examples whose predicted class (1 where Ŷ ≥ 0.5) equals the label.
    """
    return ((Yhat >= 0.5).to(Y.dtype) == Y).to(torch.float64).mean().item()


def cost_hessian(X, W):
    """∇²C(W) = 1/N Xᵀ diag(Ŷ(1 − Ŷ)) X, shape (13, 13): the cost's curvature at W."""
    p = predict(X, W)
    return (X.T * (p * (1 - p)).T) @ X / len(X)


def smoothness(X) -> float:
    """L = λmax(XᵀX/N)/4, the largest curvature the cost can have anywhere (σ(1 − σ) ≤ 1/4)."""
    return float(gram_eigenvalues(X)[-1]) / 4


def lbfgs_optimum(X, Y) -> dict:
    """The minimiser of :func:`cost` by an independent solver (scipy's L-BFGS-B, tight tolerances), to check GD."""
    from scipy.optimize import minimize

    def f(w):
        W = torch.from_numpy(w).reshape(1, -1)
        return float(cost(X, Y, W)), gradient_cost(X, Y, W).numpy().ravel()

    res = minimize(f, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B",
                   options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 100_000})
    return {"W": [res.x.tolist()], "cost": float(res.fun), "success": bool(res.success), "iterations": int(res.nit),
            "gradient_norm": float(np.linalg.norm(res.jac)), "solver": "scipy L-BFGS-B"}


def null_direction(X):
    """The unit vector v (1, 13) with the smallest ‖X vᵀ‖ (the last right singular vector): where X is
    rank-deficient, X vᵀ = 0 and the cost does not change along v."""
    return torch.linalg.svd(X, full_matrices=False).Vh[-1:]
