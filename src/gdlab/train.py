"""One training loop for every model of the practical (d2l's habit).

A *model* here is anything with ``loss(X, y)`` (the cost on a batch, a 0-d
tensor) and ``step(X, y, lr)`` (one parameter update on that batch). The
hand-gradient models implement ``step`` with their written-out gradient; the
``torch.nn.Module`` models go through :class:`AutogradModel`, which uses
``backward()`` and an optimizer. Same loop, same batches, same bookkeeping.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Protocol

import torch
from torch import Tensor


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


def epoch_batches(X: Tensor, y: Tensor, batch_size: int | None, generator: torch.Generator | None):
    """The (X, y) mini-batches of one epoch: the whole set (full batch, ``batch_size`` None or
    at least n) or a seeded shuffle cut into mini-batches of ``batch_size`` (the last may be smaller).

    The data are permuted once per epoch and then sliced: one gather of the whole
    matrix is much cheaper than one small gather per mini-batch.
    """
    n = X.shape[0]
    if batch_size is None or batch_size >= n:
        yield X, y
        return
    order = torch.randperm(n, generator=generator).to(X.device)
    Xs, ys = X[order], y[order]
    for start in range(0, n, batch_size):
        yield Xs[start : start + batch_size], ys[start : start + batch_size]


def fit(
    model: Model,
    X: Tensor,
    y: Tensor,
    *,
    epochs: int,
    lr: float | Callable[[int], float],
    batch_size: int | None = None,
    generator: torch.Generator | None = None,
    on_epoch: Callable[[Model, int], dict] | None = None,
    divergence_factor: float = math.inf,
) -> History:
    """Train ``model`` for ``epochs`` epochs; record ``on_epoch`` metrics after each (and before the first).

    ``lr`` is a number or a function of the epoch (1-based) for schedules.
    Divergence is not a crash: when the cost becomes NaN/inf or exceeds
    ``divergence_factor`` times its initial value, training stops and the
    history says ``diverged``.
    """
    hist = History()
    train_seconds = 0.0

    def record(epoch: int) -> float:
        row = {"epoch": epoch, "seconds": train_seconds}  # training time only, evaluation excluded
        with torch.no_grad():
            row["loss"] = float(model.loss(X, y))
        if on_epoch is not None:
            row.update(on_epoch(model, epoch))
        hist.rows.append(row)
        return row["loss"]

    initial = record(0)
    for epoch in range(1, epochs + 1):
        rate = lr(epoch) if callable(lr) else lr
        t0 = time.perf_counter()
        for Xb, yb in epoch_batches(X, y, batch_size, generator):
            model.step(Xb, yb, rate)
        if X.is_cuda:
            torch.cuda.synchronize()
        train_seconds += time.perf_counter() - t0
        current = record(epoch)
        hist.epochs_run = epoch
        if not math.isfinite(current) or current > divergence_factor * max(initial, 1e-300):
            hist.diverged = True
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

    def state(self) -> list[float]:
        return self.theta.tolist()


class AutogradModel:
    """Adapter: a ``torch.nn.Module`` plus a loss function, stepped by autograd and ``torch.optim.SGD``."""

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
