"""Exercise 3: softmax (multinomial logistic) regression, by hand and as an nn.Module.

Shapes (n samples, d = 784 pixels, k = 10 classes):
    X (n, d) float, y (n,) int64, W (d, k), b (k,), logits Z = X W + b (n, k).

    cost_ce = (1/n) Σ_i [logsumexp(Z_i) - Z_{i, y_i}]
    ∂cost/∂Z = (softmax(Z) - onehot(y)) / n,   ∂cost/∂W = Xᵀ ∂Z,   ∂cost/∂b = Σ_i ∂Z_i
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .train import AutogradModel, fit


def _check(X: Tensor, W: Tensor, b: Tensor) -> None:
    assert X.ndim == 2 and W.ndim == 2 and b.ndim == 1, (X.shape, W.shape, b.shape)
    assert X.shape[1] == W.shape[0] and W.shape[1] == b.shape[0], (X.shape, W.shape, b.shape)


def linear_trsf(X: Tensor, W: Tensor, b: Tensor) -> Tensor:
    """Logits: (n, d) @ (d, k) + (k,) -> (n, k)."""
    _check(X, W, b)
    return X @ W + b


def softmax(Z: Tensor) -> Tensor:
    """Row-wise softmax (n, k) -> (n, k); the row maximum is subtracted first so exp never overflows."""
    assert Z.ndim == 2, Z.shape
    E = torch.exp(Z - Z.max(dim=1, keepdim=True).values)
    return E / E.sum(dim=1, keepdim=True)


def predict(X: Tensor, W: Tensor, b: Tensor) -> Tensor:
    """Most probable class per row: (n, d) -> (n,) int64."""
    return linear_trsf(X, W, b).argmax(dim=1)


def loss_ce(Z: Tensor, y: Tensor) -> Tensor:
    """Per-sample cross-entropy from logits, (n, k), (n,) -> (n,): logsumexp(Z_i) - Z_{i,y_i} (stable)."""
    assert Z.ndim == 2 and y.shape == (Z.shape[0],), (Z.shape, y.shape)
    return torch.logsumexp(Z, dim=1) - Z.gather(1, y[:, None]).squeeze(1)


def cost_ce(X: Tensor, y: Tensor, W: Tensor, b: Tensor) -> Tensor:
    """Mean cross-entropy over the batch, a 0-d tensor."""
    return loss_ce(linear_trsf(X, W, b), y).mean()


def grad_cost_ce(X: Tensor, y: Tensor, W: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """Hand-written gradient of :func:`cost_ce`: (dW (d, k), db (k,))."""
    Z = linear_trsf(X, W, b)
    dZ = softmax(Z)
    dZ[torch.arange(len(y), device=y.device), y] -= 1.0  # softmax - onehot, without building the one-hot
    dZ /= X.shape[0]
    return X.T @ dZ, dZ.sum(dim=0)


def init_params(d: int, k: int, std: float, seed: int, dtype=torch.float32) -> tuple[Tensor, Tensor]:
    """Seeded small random weights and zero biases, shared by both implementations."""
    gen = torch.Generator().manual_seed(seed)
    return std * torch.randn(d, k, generator=gen, dtype=dtype), torch.zeros(k, dtype=dtype)


class SoftmaxRegressionGD:
    """Hand-gradient softmax regression for :func:`gdlab.train.fit`."""

    def __init__(self, W: Tensor, b: Tensor):
        self.W, self.b = W.clone(), b.clone()

    def loss(self, X: Tensor, y: Tensor) -> Tensor:
        return cost_ce(X, y, self.W, self.b)

    def step(self, X: Tensor, y: Tensor, lr: float) -> None:
        dW, db = grad_cost_ce(X, y, self.W, self.b)
        self.W.sub_(lr * dW)
        self.b.sub_(lr * db)

    def params(self) -> tuple[Tensor, Tensor]:
        return self.W, self.b

    def logits(self, X: Tensor) -> Tensor:
        return linear_trsf(X, self.W, self.b)


class SoftmaxRegression(nn.Module):
    """The same model as a ``torch.nn.Module``: one ``nn.Linear``; softmax lives in the loss."""

    def __init__(self, W: Tensor, b: Tensor):
        super().__init__()
        self.linear = nn.Linear(W.shape[0], W.shape[1], dtype=W.dtype)
        with torch.no_grad():
            self.linear.weight.copy_(W.T)  # nn.Linear stores (k, d)
            self.linear.bias.copy_(b)

    def forward(self, X: Tensor) -> Tensor:
        return self.linear(X)

    def params(self) -> tuple[Tensor, Tensor]:
        return self.linear.weight.detach().T, self.linear.bias.detach()


class SoftmaxModuleModel(AutogradModel):
    """:class:`SoftmaxRegression` stepped by autograd and ``torch.optim.SGD`` in :func:`gdlab.train.fit`,
    with the ``params``/``logits`` interface that :func:`evaluate` and the scripts share with the hand model."""

    def __init__(self, W: Tensor, b: Tensor):
        super().__init__(SoftmaxRegression(W, b), F.cross_entropy)

    def params(self) -> tuple[Tensor, Tensor]:
        return self.module.params()

    def logits(self, X: Tensor) -> Tensor:
        return self.module(X)


def evaluate(model, X: Tensor, y: Tensor, batch: int = 10_000) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of any model with ``logits``, in chunks to bound memory."""
    total_loss, correct = 0.0, 0
    with torch.no_grad():
        for s in range(0, X.shape[0], batch):
            Z = model.logits(X[s : s + batch])
            total_loss += float(loss_ce(Z, y[s : s + batch]).sum())
            correct += int((Z.argmax(1) == y[s : s + batch]).sum())
    return total_loss / X.shape[0], correct / X.shape[0]


def confusion_matrix(pred: Tensor, y: Tensor, k: int = 10) -> Tensor:
    """(k, k) counts: rows true class, columns predicted class."""
    return torch.bincount(y * k + pred, minlength=k * k).reshape(k, k)


def prepare_mnist(tensors: dict, val_size: int, seed: int, device: torch.device):
    """Pixels to [0, 1] floats, standardised by the training part's mean and std; seeded train/val split.

    The 10 000 test images are transformed with the training statistics and kept
    apart: they are only ever used to report accuracy.
    """
    images = tensors["train_images"].reshape(len(tensors["train_images"]), -1).to(torch.float32) / 255
    labels = tensors["train_labels"]
    if not 0 < val_size < len(images):
        raise ValueError(f"ex3.val_size must be between 1 and {len(images) - 1}, got {val_size}")
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))
    val_idx, train_idx = order[:val_size], order[val_size:]
    mean, std = images[train_idx].mean(), images[train_idx].std()
    test = tensors["test_images"].reshape(len(tensors["test_images"]), -1).to(torch.float32) / 255

    def norm(a):
        return ((a - mean) / std).to(device)

    return {
        "X_train": norm(images[train_idx]), "y_train": labels[train_idx].to(device),
        "X_val": norm(images[val_idx]), "y_val": labels[val_idx].to(device),
        "X_test": norm(test), "y_test": tensors["test_labels"].to(device),
        "mean": float(mean), "std": float(std),
    }


def resolve_device(name: str) -> torch.device:
    """``auto``: the GPU when one is present, else the CPU; ``cpu``/``cuda`` as asked."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("config ex3.device is 'cuda' but no GPU is available (use 'auto' or 'cpu')")
    return torch.device(name)


def lr_schedule(lr: float, decay: float):
    """Exponential decay per epoch: lr · decay^(epoch-1); decay = 1 keeps it constant."""
    return lambda epoch: lr * decay ** (epoch - 1)


def train_run(impl: str, data: dict, *, lr: float, batch_size: int, epochs: int, decay: float, init_std: float,
              seed: int, divergence_factor: float):
    """One softmax-regression run through the shared loop; ``impl`` is 'manual' or 'module'.

    Both implementations start from the same seeded weights and see the same
    seeded batch order, so their trajectories can be compared step by step.
    """
    device = data["X_train"].device
    W, b = init_params(data["X_train"].shape[1], 10, init_std, seed)
    W, b = W.to(device), b.to(device)
    if impl == "manual":
        model = SoftmaxRegressionGD(W, b)
    elif impl == "module":
        model = SoftmaxModuleModel(W, b)
    else:
        raise ValueError(f"unknown implementation {impl!r}: expected 'manual' or 'module'")

    def metrics(m, epoch):
        _, train_acc = evaluate(m, data["X_train"], data["y_train"])
        val_cost, val_acc = evaluate(m, data["X_val"], data["y_val"])
        return {"train_accuracy": train_acc, "val_accuracy": val_acc, "val_cost": val_cost}

    hist = fit(model, data["X_train"], data["y_train"], epochs=epochs, lr=lr_schedule(lr, decay),
               batch_size=batch_size, generator=torch.Generator().manual_seed(seed), on_epoch=metrics,
               divergence_factor=divergence_factor)
    return model, hist


def smoothness(X: Tensor) -> float:
    """A bound L on the Hessian of the mean softmax cross-entropy in (W, b): λmax([X 1]ᵀ[X 1]/n) / 2.

    The Hessian of the cross-entropy in the logits, diag(p) - ppᵀ, has eigenvalues at most 1/2.
    """
    X1 = torch.cat([X, torch.ones(X.shape[0], 1, dtype=X.dtype, device=X.device)], 1).to(torch.float64)
    return float(torch.linalg.eigvalsh(X1.T @ X1 / X.shape[0])[-1]) / 2
