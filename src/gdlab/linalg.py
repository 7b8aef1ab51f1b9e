"""The design matrix shared by the three models, and the curvature it sets.

``X1`` is a design matrix with a leading column of ones (so ``theta[0]`` is the bias). The
Hessians of all three costs are built from the Gram matrix X1ᵀX1/n: the mean squared error's is
2·X1ᵀX1/n, the logistic cost's is at most X1ᵀX1/(4n), the softmax cross-entropy's at most
X1ᵀX1/(2n) (per class block). Its eigenvalues therefore bound every learning rate on this sheet.
"""

from __future__ import annotations

import torch
from torch import Tensor


def add_bias(X: Tensor) -> Tensor:
    """(n, d) -> (n, d+1) with a leading column of ones."""
    return torch.cat([torch.ones(X.shape[0], 1, dtype=X.dtype, device=X.device), X], dim=1)


def gram_eigenvalues(X1: Tensor) -> Tensor:
    """Eigenvalues of X1ᵀX1/n, ascending, in float64."""
    X1 = X1.to(torch.float64)
    return torch.linalg.eigvalsh(X1.T @ X1 / X1.shape[0])
