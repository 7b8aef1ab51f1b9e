"""Exercise 3: softmax regression on MNIST, with the course's names and shapes — by hand, and as a torch.nn.Module.

    x (nb, 1, 28, 28) or (nb, 784) pixels in [0, 1],  W (10, 784),  b (1, 10),  y (nb,) labels,  u (nb, 10) one-hot
    z = x Wᵀ + b,   û = softmax(z),   loss_ce = −log û_y,   cost_ce = mean of loss_ce over the batch
    ∂cost/∂W = (û − u)ᵀ x / nb   (10, 784),   ∂cost/∂b = mean of (û − u) over the batch   (1, 10)

The functions the course names come first; below them the two models' training steps, one run of the
learning-rate × batch-size study (its rate may fall linearly over the run), and the pipeline's helpers (data,
evaluation on a span, timing).
"""

from __future__ import annotations

import math
import statistics
import time
import warnings

import torch
import torch.nn.functional as F
from torch import nn

from .facts import status
from .gd import train
from .io import load_array_dir
from .linalg import add_bias, gram_eigenvalues


def linear_trsf(x, W, b):
    """The logits z = x Wᵀ + b: x (nb, 1, 28, 28), W (10, 784), b (1, 10) -> (nb, 10).
    Computed as (W xᵀ)ᵀ + b by one addmm: the same product."""
    return torch.addmm(b.T, W, x.reshape(len(x), -1).T).T


def softmax(z):
    """Row-wise softmax (nb, 10) -> (nb, 10). The row maximum is subtracted first: the
    same result, but exp never overflows."""
    e = torch.exp(z - z.amax(dim=1, keepdim=True))
    return e / e.sum(dim=1, keepdim=True)


def predict(x, W, b):
    """The class probabilities û = softmax(x Wᵀ + b): (nb, 1, 28, 28) -> (nb, 10)."""
    return softmax(linear_trsf(x, W, b))


def loss_ce(y, uhat):
    """The cross-entropy of each example: y (nb,) labels, uhat (nb, 10) probabilities ->
    (nb,), −log û_{y}."""
    return -torch.log(uhat[torch.arange(len(y)), y])


def cost_ce(y, uhat):
    """The mean cross-entropy over the batch, a number (a 0-d tensor)."""
    return loss_ce(y, uhat).mean()


def grad_loss_ce(x, u, uhat):
    """The gradient of cost_ce with respect to W and b, written out: x (nb, 1, 28, 28),
    u (nb, 10) one-hot labels, uhat (nb, 10) -> gradW (10, 784), gradb (1, 10)."""
    delta = (uhat - u) / len(x)
    return delta.T @ x.reshape(len(x), -1), delta.sum(dim=0, keepdim=True)


@torch.no_grad()
def metrics(X, Y, W, b):
    """(cost, accuracy) on a whole data set. The cost comes from the logits by
    log-sum-exp (log-softmax): the same number as cost_ce(Y, predict(X, W, b)), but
    finite even where a probability rounds to 0."""
    z = linear_trsf(X, W, b)
    cost = (torch.logsumexp(z, dim=1) - z.gather(1, Y[:, None]).squeeze(1)).mean()
    accuracy = (z.argmax(dim=1) == Y).to(torch.float64).mean()
    return cost.item(), accuracy.item()


def init_params(seed, std):
    """W (10, 784) with entries std·N(0, 1) (the course's start is std = 1: W =
    torch.randn(10, 784)), b = 0 (1, 10)."""
    W = std * torch.randn(10, 784, generator=torch.Generator().manual_seed(seed))
    return W, torch.zeros(1, 10)


def hand_step(W, b, lr):
    """One step of mini-batch GD with the hand-written gradient, for train(): updates W
    and b in place."""

    def step(x, y):
        gradW, gradb = grad_loss_ce(x, F.one_hot(y, 10).to(x.dtype), predict(x, W, b))
        W.sub_(lr * gradW)
        b.sub_(lr * gradb)

    return step


class NeuralNetwork(nn.Module):
    """The same model with torch.nn: flatten the image, one linear layer 784 -> 10. The
    softmax is part of the loss (nn.CrossEntropyLoss takes the logits)."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear = nn.Linear(28 * 28, 10)

    def forward(self, x):
        return self.linear(self.flatten(x))


def module_step(model, lr):
    """One step of mini-batch GD for the nn.Module, for train(): autograd computes the
    gradient, SGD updates."""
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    def step(x, y):
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    return step


def module_params(model):
    """The nn.Module's weights in the hand model's shapes: W (10, 784), b (1, 10)
    (views, not copies)."""
    return model.linear.weight.detach(), model.linear.bias.detach()[None, :]


def decaying_step(W, b, lr, total_steps):
    """hand_step with a rate that falls linearly from lr to 0 over total_steps steps:
    step t (from 0) is the same update at the rate lr·(1 − t/total_steps)."""
    t = 0

    def step(x, y):
        nonlocal t
        hand_step(W, b, lr * (1 - t / total_steps))(x, y)
        t += 1

    return step


def run_setting(X, Y, X_val, Y_val, X_test, Y_test, lr, nbatch, seed, init_std,
                epochs, schedule, max_cost_factor):
    """One run of the study: the hand-gradient model from small random weights, trained
    for `epochs` epochs at the rate lr — constant (schedule "constant") or falling
    linearly to 0 over the run (schedule "linear") — and stopped early only if its
    validation cost leaves the finite numbers or exceeds max_cost_factor × its start
    (diverged). The run returns its last W, b; the row reports that model: its validation
    accuracy, and on the test set, scored once at the end for the report only — it
    chooses nothing. The run computes in the data's dtype (float32; float64 to see how
    much rounding matters). Returns W, b, the per-epoch validation (cost, accuracy) and
    the row."""
    W, b = (t.to(X.dtype) for t in init_params(seed, init_std))
    steps_per_epoch = math.ceil(len(X) / nbatch)

    def evaluate():
        return metrics(X_val, Y_val, W, b)

    max_cost = max_cost_factor * evaluate()[0]
    step = decaying_step(W, b, lr, epochs * steps_per_epoch) if schedule == "linear" else hand_step(W, b, lr)
    history = train(step, X, Y, epochs, nbatch, seed, evaluate,
                    stop=lambda h: not (math.isfinite(h[-1][0]) and h[-1][0] <= max_cost))
    costs = [c for c, _ in history]
    test_cost, test_accuracy = metrics(X_test, Y_test, W, b)
    row = {"lr": lr, "batch_size": nbatch, "seed": seed, "epochs": len(history) - 1,
           "status": status(costs, max_cost), "val_accuracy": history[-1][1],
           "start_cost": costs[0], "val_cost": costs[-1],
           "test_accuracy": test_accuracy, "test_cost": test_cost,
           "examples": (len(history) - 1) * len(X), "steps": (len(history) - 1) * steps_per_epoch}
    return W, b, history, row


def split(n, val_size, seed):
    """A seeded split of n training examples into (training indices, validation
    indices), each sorted."""
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return order[val_size:].sort().values, order[:val_size].sort().values


# --- the pipeline's helpers (not in the notebooks) ------------------------------------------------------------

def load_mnist(folder, device: torch.device | str = "cpu") -> dict[str, torch.Tensor]:
    """The prepared MNIST arrays (``mnist_prepare``): X_train (60000, 784) and X_test (10000, 784) float32 pixels in
    [0, 1] with int64 labels y_train, y_test, and the split of the training images into X_fit, y_fit (what the study
    trains on) and X_val, y_val (what it chooses on), made by :func:`split` — on the CPU without a copy: the tensors
    share the memory-mapped files."""
    return {k: torch.from_numpy(v).to(device) for k, v in load_array_dir(folder).items()}


def with_split(data: dict, val_size: int, seed: int) -> dict:
    """The MNIST arrays and the study's split of the training images by :func:`split` (X_fit, y_fit, X_val, y_val)."""
    fit, val = split(len(data["y_train"]), val_size, seed)
    return data | {"X_fit": data["X_train"][fit], "y_fit": data["y_train"][fit],
                   "X_val": data["X_train"][val], "y_val": data["y_train"][val]}


def library_model(X, y, max_iter: int, threads: int = 1):
    """The same model fitted by a library, to compare with: scikit-learn's LogisticRegression on X (n, 784) and y
    (n,), numpy arrays — a softmax regression fitted by L-BFGS with the library's defaults (an L2 penalty, C = 1)
    for at most ``max_iter`` iterations (its default: 100), after which it stops with a warning, silenced here. On
    one thread by default: the same result on every machine."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    with threadpool_limits(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LogisticRegression(max_iter=max_iter).fit(X, y)


def smoothness(X) -> float:
    """A bound L on the Hessian of the mean cross-entropy in (W, b): λmax([X 1]ᵀ[X 1]/n) / 2 (the Hessian of the
    cross-entropy in the logits, diag(p) − ppᵀ, has eigenvalues at most 1/2)."""
    return float(gram_eigenvalues(add_bias(X.reshape(len(X), -1)))[-1]) / 2


class SpanEvaluation:
    """:func:`metrics` on fixed data (X, Y) for weights that full-batch GD trains from ``W0`` on a few training
    images ``X_train`` — the same numbers, for n·k instead of d·k multiplications per image.

    Every GD step subtracts from W a multiple of (û − u)ᵀ X_train, whose rows are combinations of the n training
    images: W − W₀ never leaves their span. With Q an orthonormal basis of it (d × n), X Wᵀ = X W₀ᵀ + (X Q)(Qᵀ(W −
    W₀)ᵀ), and X W₀ᵀ and X Q are computed once. Weights that have left the span are refused, not mis-evaluated.
    """

    def __init__(self, X_train, X, Y, W0, rtol: float = 1e-3):
        X_train, X = X_train.reshape(len(X_train), -1), X.reshape(len(X), -1)
        self.Q = torch.linalg.qr(X_train.T).Q  # (d, min(n, d))
        self.XQ = X @ self.Q
        self.XW0 = X @ W0.T
        self.W0, self.Y, self.rtol = W0.clone(), Y, rtol

    @torch.no_grad()
    def __call__(self, W, b) -> tuple[float, float]:
        coords = (W - self.W0) @ self.Q  # (k, n): the rows of W − W₀ in the basis Q
        outside = torch.linalg.norm(W - self.W0 - coords @ self.Q.T)
        if outside > self.rtol * torch.linalg.norm(W - self.W0):
            raise ValueError(f"SpanEvaluation: W − W0 has left the span of the training images "
                             f"(|residual| {float(outside):.3g}); use metrics() instead")
        z = torch.addmm(self.XW0 + b, self.XQ, coords.T)
        cost = (torch.logsumexp(z, dim=1) - z.gather(1, self.Y[:, None]).squeeze(1)).mean()
        return cost.item(), (z.argmax(dim=1) == self.Y).to(torch.float64).mean().item()


def common_rate(X, sizes, lr_fraction):
    """The rate for subsets of the first m images, m in ``sizes``: ``lr_fraction`` of the smallest of their bounds
    2/L — inside every one of them, so the cost falls at every epoch; one rate for several sizes, so that runs on
    different sizes differ in their data only (``sizes=[n]``: the rate of one subset)."""
    if max(sizes) > len(X):
        raise ValueError(f"ex4: {max(sizes)} training images asked for, only {len(X)} in the training part")
    return lr_fraction * 2 / max(smoothness(X[:m]) for m in sizes)


def full_batch_subset(X, Y, n, epochs, lr, init_std, seed, evaluate=None):
    """Full-batch GD with the hand gradient on the first ``n`` training images (Exercise 4's evidence), at ``lr``
    (:func:`common_rate`). ``evaluate(W, b)`` (default: training cost and accuracy) is recorded per epoch. Returns
    (W, b, history)."""
    if n > len(Y):
        raise ValueError(f"ex4: {n} training images asked for, only {len(Y)} in the training part")
    X, Y = X[:n], Y[:n]
    W, b = init_params(seed, init_std)
    evaluate = evaluate or (lambda W, b: metrics(X, Y, W, b))
    history = train(hand_step(W, b, lr), X, Y, epochs, n, seed, lambda: evaluate(W, b))
    return W, b, history


def epoch_seconds(step, X, Y, nbatch: int, repeats: int) -> float:
    """Training time of one epoch of :func:`gdlab.gd.train` (the shuffle and every step, no evaluation): the
    median of ``repeats`` epochs after one warm-up epoch."""
    marks = []
    train(step, X, Y, repeats + 1, nbatch, 0, lambda: marks.append(time.perf_counter()))
    return statistics.median(b - a for a, b in zip(marks[1:], marks[2:]))
