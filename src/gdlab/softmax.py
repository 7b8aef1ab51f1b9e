"""Exercise 3: softmax (multinomial logistic) regression, by hand and as an ``nn.Module``.

Shapes (n samples, d = 784 pixels, k = 10 classes):
    X (n, d) float, y (n,) int64, W (d, k), b (k,), logits Z = X W + b (n, k).

    cost_ce = (1/n) Σ_i [logsumexp(Z_i) - Z_{i, y_i}]
    ∂cost/∂Z = (softmax(Z) - onehot(y)) / n,   ∂cost/∂W = Xᵀ ∂Z,   ∂cost/∂b = Σ_i ∂Z_i
"""

from __future__ import annotations

import statistics

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .io import load_array_dir
from .linalg import add_bias, gram_eigenvalues
from .train import AutogradModel, fit

N_CLASSES = 10


def _check(X: Tensor, W: Tensor, b: Tensor) -> None:
    assert X.ndim == 2 and W.ndim == 2 and b.ndim == 1, (X.shape, W.shape, b.shape)
    assert X.shape[1] == W.shape[0] and W.shape[1] == b.shape[0], (X.shape, W.shape, b.shape)


def linear_trsf(X: Tensor, W: Tensor, b: Tensor) -> Tensor:
    """Logits Z = XW + b: (n, d), (d, k), (k,) -> (n, k)."""
    _check(X, W, b)
    return torch.addmm(b, X, W)


def softmax(Z: Tensor) -> Tensor:
    """Row-wise softmax (n, k) -> (n, k); the row maximum is subtracted first, so exp never
    overflows."""
    assert Z.ndim == 2, Z.shape
    E = torch.exp(Z - Z.amax(dim=1, keepdim=True))
    return E / E.sum(dim=1, keepdim=True)


def predict(X: Tensor, W: Tensor, b: Tensor) -> Tensor:
    """The most probable class of each row: (n, d) -> (n,) int64 (softmax is monotone: the argmax
    of the logits)."""
    return linear_trsf(X, W, b).argmax(dim=1)


def loss_ce(Z: Tensor, y: Tensor) -> Tensor:
    """Per-sample cross-entropy from logits, (n, k), (n,) -> (n,): logsumexp(Z_i) − Z_{i,y_i}
    (stable)."""
    assert Z.ndim == 2 and y.shape == (Z.shape[0],), (Z.shape, y.shape)
    return torch.logsumexp(Z, dim=1) - Z.gather(1, y[:, None]).squeeze(1)


def cost_ce(X: Tensor, y: Tensor, W: Tensor, b: Tensor) -> Tensor:
    """Mean cross-entropy over the batch, a 0-d tensor."""
    return loss_ce(linear_trsf(X, W, b), y).mean()


def grad_cost_ce(X: Tensor, y: Tensor, W: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """The gradient of :func:`cost_ce`, written out: (∂cost/∂W (d, k), ∂cost/∂b (k,))."""
    dZ = softmax(linear_trsf(X, W, b))
    # softmax − onehot(y), without building the one-hot:
    dZ[torch.arange(len(y), device=y.device), y] -= 1.0
    dZ /= X.shape[0]
    # Xᵀ dZ, computed as (dZᵀ X)ᵀ: the same matrix, but the product walks X in memory order
    # (6× faster on a CPU).
    return (dZ.T @ X).T, dZ.sum(dim=0)


def init_params(d: int, k: int, std: float, seed: int, dtype=torch.float32) -> tuple[Tensor, Tensor]:
    """Seeded small random weights W ~ N(0, std²) of shape (d, k) and zero biases, shared by both implementations.

    W is stored as the transpose of a (k, d) tensor — nn.Linear's layout — so that X @ W runs at the
    speed of nn.Linear (1.4× faster on a CPU than a row-major (d, k) W); the values are the same either way.
    """
    gen = torch.Generator().manual_seed(seed)
    return std * torch.randn(k, d, generator=gen, dtype=dtype).T, torch.zeros(k, dtype=dtype)


class SoftmaxRegressionHand:
    """Softmax regression trained with the hand-written gradient, for :func:`gdlab.train.fit`."""

    def __init__(self, W: Tensor, b: Tensor):
        self.W, self.b = W.clone(memory_format=torch.preserve_format), b.clone()

    def loss(self, X: Tensor, y: Tensor) -> Tensor:
        return cost_ce(X, y, self.W, self.b)

    def step(self, X: Tensor, y: Tensor, lr: float) -> None:
        dW, db = grad_cost_ce(X, y, self.W, self.b)
        self.W.sub_(dW, alpha=lr)
        self.b.sub_(db, alpha=lr)

    def params(self) -> tuple[Tensor, Tensor]:
        return self.W, self.b

    def logits(self, X: Tensor) -> Tensor:
        return linear_trsf(X, self.W, self.b)


class SoftmaxRegression(nn.Module):
    """The same model as a ``torch.nn.Module``: one ``nn.Linear``; the softmax lives in the loss
    (``F.cross_entropy``)."""

    def __init__(self, W: Tensor, b: Tensor):
        super().__init__()
        self.linear = nn.Linear(W.shape[0], W.shape[1], dtype=W.dtype, device=W.device)
        with torch.no_grad():
            self.linear.weight.copy_(W.T)  # nn.Linear stores (k, d)
            self.linear.bias.copy_(b)

    def forward(self, X: Tensor) -> Tensor:
        return self.linear(X)


class SoftmaxModuleModel(AutogradModel):
    """:class:`SoftmaxRegression` stepped by ``loss.backward()`` and ``torch.optim.SGD`` in
    :func:`gdlab.train.fit`, with the ``params``/``logits`` interface that :func:`evaluate` shares
    with the hand model."""

    def __init__(self, W: Tensor, b: Tensor):
        super().__init__(SoftmaxRegression(W, b), F.cross_entropy)

    def params(self) -> tuple[Tensor, Tensor]:
        return self.module.linear.weight.detach().T, self.module.linear.bias.detach()

    def logits(self, X: Tensor) -> Tensor:
        return self.module(X)


IMPLEMENTATIONS = {"hand": SoftmaxRegressionHand, "module": SoftmaxModuleModel}


def make_model(impl: str, W: Tensor, b: Tensor):
    """``hand``: the hand-gradient model; ``module``: the ``nn.Module`` trained by autograd."""
    if impl not in IMPLEMENTATIONS:
        raise ValueError(f"unknown implementation {impl!r}: expected one of {sorted(IMPLEMENTATIONS)}")
    return IMPLEMENTATIONS[impl](W, b)


def evaluate(model, X: Tensor, y: Tensor, chunk: int = 10_000) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of any model with ``logits``, in one pass, in chunks to bound memory."""
    total, correct = 0.0, 0
    with torch.no_grad():
        for s in range(0, X.shape[0], chunk):
            Z, yc = model.logits(X[s : s + chunk]), y[s : s + chunk]
            total += float(loss_ce(Z, yc).sum(dtype=torch.float64))
            correct += int((Z.argmax(1) == yc).sum())
    return total / X.shape[0], correct / X.shape[0]


class SpanEvaluation:
    """:func:`evaluate` on fixed data (X, y) for a model that full-batch GD trains from ``W0`` on a few
    training images ``X_train`` — the same numbers, for n·k instead of d·k multiplications per image.

    Every GD step subtracts from W a multiple of ∂cost/∂W = X_trainᵀ ∂Z, whose columns are combinations of
    the n training images: W − W₀ never leaves their span. With Q an orthonormal basis of it (d × n),
    X W = X W₀ + (X Q)(Qᵀ(W − W₀)), and X W₀ and X Q are computed once. Weights that have left the span
    (another optimiser, weight noise) are refused, not mis-evaluated.
    """

    def __init__(self, X_train: Tensor, X: Tensor, y: Tensor, W0: Tensor, rtol: float = 1e-3):
        self.Q = torch.linalg.qr(X_train.T).Q  # (d, min(n, d))
        # Logits are formed transposed, (k, N): the skinny product runs about 3× faster in that layout.
        self.XQ_T = (X @ self.Q).T.contiguous()
        self.XW0_T = (X @ W0).T.contiguous()
        self.W0, self.y, self.rtol = W0.clone(), y, rtol

    def __call__(self, model) -> tuple[float, float]:
        W, b = model.params()
        coords = self.Q.T @ (W - self.W0)  # (n, k): W − W₀ in the basis Q
        outside = torch.linalg.norm(W - self.W0 - self.Q @ coords)
        if outside > self.rtol * torch.linalg.norm(W - self.W0):
            raise ValueError(f"SpanEvaluation: W − W0 has left the span of the training images "
                             f"(|residual| {float(outside):.3g}); evaluate the model directly")
        Z = torch.addmm(self.XW0_T + b[:, None], coords.T, self.XQ_T).T  # (N, k), a view
        n = len(self.y)
        return (float(loss_ce(Z, self.y).sum(dtype=torch.float64)) / n,
                int((Z.max(1).indices == self.y).sum()) / n)  # max's indices: argmax's first-maximum rule, faster here


def confusion_matrix(pred: Tensor, y: Tensor, k: int = N_CLASSES) -> Tensor:
    """(k, k) counts: rows the true class, columns the predicted class."""
    return torch.bincount(y * k + pred, minlength=k * k).reshape(k, k)


def smoothness(X: Tensor) -> float:
    """A bound L on the Hessian of the mean cross-entropy in (W, b): λmax([X 1]ᵀ[X 1]/n) / 2.

    The Hessian of the cross-entropy in the logits, diag(p) − ppᵀ, has eigenvalues at most 1/2.
    """
    return float(gram_eigenvalues(add_bias(X))[-1]) / 2


def load_mnist(folder, device: torch.device) -> dict[str, Tensor]:
    """The prepared MNIST arrays (:func:`gdlab.mnist.prepare`, saved by :func:`gdlab.io.save_array_dir`) as
    tensors on ``device`` — on the CPU without a copy: they share the memory-mapped files."""
    return {k: torch.from_numpy(v).to(device) for k, v in load_array_dir(folder).items() if k[:2] in ("X_", "y_")}


def epoch_seconds(impl: str, X: Tensor, y: Tensor, batch_size: int, repeats: int, init_std: float) -> float:
    """Training time of one epoch — the shuffle and every mini-batch step, as :func:`gdlab.train.fit` runs
    them, evaluation excluded: the median of ``repeats`` epochs, after one warm-up epoch."""
    W, b = init_params(X.shape[1], N_CLASSES, init_std, seed=0, dtype=X.dtype)
    model = make_model(impl, W.to(X.device), b.to(X.device))
    hist = fit(model, X, y, epochs=repeats + 1, lr=0.0, batch_size=batch_size, generator=torch.Generator().manual_seed(0),
               metrics=lambda m: {"loss": 0.0})
    seconds = hist.column("seconds")
    return statistics.median(b - a for a, b in zip(seconds[1:], seconds[2:]))


def full_batch_subset(data: dict[str, Tensor], n: int, epochs: int, lr_fraction: float, init_std: float, seed: int,
                      *, test_every_epoch: bool = False):
    """Full-batch GD with the hand gradient on the first ``n`` training images (Exercise 4's evidence), at
    ``lr_fraction`` of 2/L — inside the smoothness bound, so the cost falls at every epoch whatever n is.

    Each epoch's row holds the training cost (``loss``); with ``test_every_epoch`` also the training accuracy
    and the cost and accuracy on the test part (through :class:`SpanEvaluation`). Returns (model, history, lr).
    """
    if n > len(data["y_train"]):
        raise ValueError(f"ex4: {n} training images asked for, only {len(data['y_train'])} in the training part")
    X, y = data["X_train"][:n], data["y_train"][:n]
    lr = lr_fraction * 2 / smoothness(X)
    W, b = init_params(X.shape[1], N_CLASSES, init_std, seed)
    model = SoftmaxRegressionHand(W.to(X.device), b.to(X.device))
    metrics = None
    if test_every_epoch:
        test = SpanEvaluation(X, data["X_test"], data["y_test"], model.W)

        def metrics(m):
            (cost, acc), (test_cost, test_acc) = evaluate(m, X, y), test(m)
            return {"loss": cost, "train_accuracy": acc, "test_cost": test_cost, "test_accuracy": test_acc}

    hist = fit(model, X, y, epochs=epochs, lr=lr, metrics=metrics)
    return model, hist, lr


def dummy_check(seed: int, n: int = 4, d: int = 6, k: int = N_CLASSES) -> dict:
    """The practical's hint for part b: each function on dummy tensors of the required shapes — the shape it
    returns and whether it holds no NaN — also on logits so large that a naive softmax would overflow."""
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=gen)
    y = torch.randint(0, k, (n,), generator=gen)
    W, b = init_params(d, k, 1.0, seed)
    Z = linear_trsf(X, W, b)
    huge = 1e4 * Z
    calls = {"linear_trsf(X, W, b)": Z, "softmax(Z)": softmax(Z), "softmax(10⁴·Z)": softmax(huge),
             "predict(X, W, b)": predict(X, W, b), "loss_ce(Z, y)": loss_ce(Z, y), "loss_ce(10⁴·Z, y)": loss_ce(huge, y),
             "cost_ce(X, y, W, b)": cost_ce(X, y, W, b)}
    return {"n": n, "d": d, "k": k, "rows": [{"call": name, "shape": list(t.shape), "dtype": str(t.dtype).removeprefix("torch."),
                                              "no_nan": bool(not torch.isnan(t.float()).any())}
                                             for name, t in calls.items()],
            "softmax_rows_sum_to_one": bool(torch.allclose(softmax(huge).sum(1), torch.ones(n)))}
