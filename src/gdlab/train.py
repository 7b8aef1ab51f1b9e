"""One training loop for every model of the practical (d2l's habit), and what is built on it.

A *model* here is anything with ``loss(X, y)`` (the cost on a batch, a 0-d tensor) and
``step(X, y, lr)`` (one parameter update on that batch). The hand-gradient models implement
``step`` with their written-out gradient; the ``torch.nn.Module`` models go through
:class:`AutogradModel`, which uses ``backward()`` and an optimizer. Same loop, same batches,
same bookkeeping — and the learning-rate searches of Exercises 1 and 2 are built on it too.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Protocol

import torch
from torch import Tensor

# A learning rate: a number, or a schedule giving the rate at each step from the fraction of training done.
Rate = float | Callable[[float], float]


class Model(Protocol):
    def loss(self, X: Tensor, y: Tensor) -> Tensor: ...
    def step(self, X: Tensor, y: Tensor, lr: float) -> None: ...


@dataclass
class History:
    rows: list[dict] = field(default_factory=list)
    diverged: bool = False
    epochs_run: int = 0

    def column(self, key: str) -> list:
        return [r[key] for r in self.rows]


def epoch_batches(X: Tensor, y: Tensor, batch_size: int | None, generator: torch.Generator | None,
                  out: tuple[Tensor, Tensor] | None = None):
    """The (X, y) mini-batches of one epoch: the whole set (full batch, ``batch_size`` None or
    at least n) or a seeded shuffle cut into mini-batches of ``batch_size`` (the last may be
    smaller).

    The data are permuted once per epoch and then sliced: one gather of the whole matrix is cheaper
    than one small gather per mini-batch. ``out`` (tensors shaped like X and y) receives the
    permuted copy: reusing it saves allocating the whole training set again every epoch (on MNIST
    that allocation costs 8× the copy itself).
    """
    n = X.shape[0]
    if batch_size is None or batch_size >= n:
        yield X, y
        return
    order = torch.randperm(n, generator=generator).to(X.device)
    if out is None:
        Xs, ys = X[order], y[order]
    else:
        Xs = torch.index_select(X, 0, order, out=out[0])
        ys = torch.index_select(y, 0, order, out=out[1])
    for start in range(0, n, batch_size):
        yield Xs[start : start + batch_size], ys[start : start + batch_size]


def schedule(kind: str, lr: float) -> Rate:
    """``constant``: lr throughout; ``linear``: from lr down towards 0, step by step, over the whole run."""
    if kind == "constant":
        return lr
    if kind == "linear":
        return lambda progress: lr * (1.0 - progress)
    raise ValueError(f"unknown learning-rate schedule {kind!r}: expected 'constant' or 'linear'")


def fit(
    model: Model,
    X: Tensor,
    y: Tensor,
    *,
    epochs: int,
    lr: Rate,
    batch_size: int | None = None,
    generator: torch.Generator | None = None,
    metrics: Callable[[Model], dict] | None = None,
    divergence_factor: float = math.inf,
    until: Callable[[dict], bool] | None = None,
) -> History:
    """Train ``model`` for ``epochs`` epochs, recording a row of metrics before the first and after
    each.

    ``metrics(model)`` returns the row; it must hold ``loss``, the training cost (default: the cost
    on all of ``X``). ``lr`` is a number or a schedule (see :func:`schedule`). Divergence is not a
    crash: when the training cost becomes NaN/inf or exceeds ``divergence_factor`` times its initial
    value, training stops and the history says ``diverged``. ``until(row)`` true stops training early
    too (a tolerance reached). ``seconds`` is training time only, evaluation excluded.
    """
    if metrics is None:
        def metrics(m):
            return {"loss": float(m.loss(X, y))}
    hist = History()
    full_batch = batch_size is None or batch_size >= X.shape[0]
    steps_per_epoch = 1 if full_batch else -(-X.shape[0] // batch_size)
    total_steps, step = epochs * steps_per_epoch, 0
    train_seconds = 0.0

    def record(epoch: int) -> dict:
        with torch.no_grad():
            row = {"epoch": epoch, "seconds": train_seconds} | metrics(model)
        hist.rows.append(row)
        return row

    first = record(0)
    initial = first["loss"]
    if until is not None and until(first):
        return hist  # already there before any step
    shuffled = (torch.empty_like(X), torch.empty_like(y)) if steps_per_epoch > 1 else None
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        for Xb, yb in epoch_batches(X, y, batch_size, generator, shuffled):
            model.step(Xb, yb, lr(step / total_steps) if callable(lr) else lr)
            step += 1
        if X.is_cuda:
            torch.cuda.synchronize()
        train_seconds += time.perf_counter() - t0
        row = record(epoch)
        hist.epochs_run = epoch
        if not math.isfinite(row["loss"]) or row["loss"] > divergence_factor * max(initial, 1e-300):
            hist.diverged = True
            break
        if until is not None and until(row):
            break
    return hist


class HandGradientModel:
    """A parameter vector stepped by a hand-written gradient: theta ← theta − lr·grad(theta, X, y).

    Subclasses name their cost and its gradient (micrograd's habit: each loss next to its gradient).
    """

    @staticmethod
    def cost(theta: Tensor, X: Tensor, y: Tensor) -> Tensor:
        raise NotImplementedError

    @staticmethod
    def grad(theta: Tensor, X: Tensor, y: Tensor) -> Tensor:
        raise NotImplementedError

    def __init__(self, theta0: Tensor):
        self.theta = theta0.clone()

    def loss(self, X: Tensor, y: Tensor) -> Tensor:
        return self.cost(self.theta, X, y)

    def step(self, X: Tensor, y: Tensor, lr: float) -> None:
        self.theta = self.theta - lr * self.grad(self.theta, X, y)


class AutogradModel:
    """Adapter: a ``torch.nn.Module`` plus a loss function, stepped by autograd and
    ``torch.optim.SGD``."""

    def __init__(self, module: torch.nn.Module, loss_fn: Callable[[Tensor, Tensor], Tensor]):
        self.module = module
        self.loss_fn = loss_fn
        self.optimizer = torch.optim.SGD(module.parameters(), lr=0.0)

    def loss(self, X: Tensor, y: Tensor) -> Tensor:
        return self.loss_fn(self.module(X), y)

    def step(self, X: Tensor, y: Tensor, lr: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.optimizer.zero_grad(set_to_none=True)
        self.loss(X, y).backward()
        self.optimizer.step()


# --- learning rates found by experiment (Exercises 1 e and 2 e) -------------------------------------

def cost_grows(make_model: Callable[[], Model], X: Tensor, y: Tensor, lr: float, epochs: int) -> bool:
    """After ``epochs`` full-batch steps at ``lr``, is the cost at least where it started (or non-finite)?"""
    hist = fit(make_model(), X, y, epochs=epochs, lr=lr)
    start, end = hist.rows[0]["loss"], hist.rows[-1]["loss"]
    return not (math.isfinite(end) and end < start)


def bisect_max_lr(diverges: Callable[[float], bool], lr_start: float, rtol: float, max_probes: int = 200):
    """Largest converging learning rate by experiment: double from ``lr_start`` until a run diverges, then bisect.

    Returns (lo, hi, probes): lo converges, hi diverges, (hi - lo)/lo <= rtol, and
    probes lists every (lr, diverged) tried, in order.
    """
    probes: list[tuple[float, bool]] = []

    def probe(lr: float) -> bool:
        if len(probes) >= max_probes:
            raise RuntimeError(f"bisect_max_lr: no bracket within {max_probes} probes")
        d = diverges(lr)
        probes.append((lr, d))
        return d

    lo = lr_start
    if probe(lo):
        raise ValueError(f"bisect_max_lr: the starting learning rate {lr_start} already diverges; choose a smaller one")
    hi = 2 * lo
    while not probe(hi):
        lo, hi = hi, 2 * hi
    while (hi - lo) / lo > rtol:
        mid = 0.5 * (lo + hi)
        if probe(mid):
            hi = mid
        else:
            lo = mid
    return lo, hi, probes


def lr_range_test(make_model: Callable[[], Model], X: Tensor, y: Tensor, lrs, epochs: int,
                  divergence_factor: float) -> list[dict]:
    """Short full-batch runs at each rate: the cost reached, whether it diverged, whether it fell at every epoch."""
    rows = []
    for lr in lrs:
        hist = fit(make_model(), X, y, epochs=epochs, lr=float(lr), divergence_factor=divergence_factor)
        costs = hist.column("loss")
        rows.append({"lr": float(lr), "final_cost": costs[-1], "diverged": hist.diverged,
                     "monotone": all(b <= a for a, b in zip(costs, costs[1:]))})
    return rows


def resolve_device(name: str) -> torch.device:
    """``auto``: the GPU when one is present, else the CPU; ``cpu``/``cuda`` as asked."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("config ex3.device is 'cuda' but no GPU is available (use 'auto' or 'cpu')")
    return torch.device(name)
