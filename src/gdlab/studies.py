"""A learning rate found by experiment (Exercise 2 e), on top of :func:`gdlab.gd.gradient_descent`."""

from __future__ import annotations

import math
from typing import Callable

from .gd import gradient_descent


def lr_range_test(gradient: Callable, cost: Callable, w0, lrs, nepochs: int) -> list[dict]:
    """Short full-batch runs at each rate: the cost reached, and whether it fell at every epoch."""
    rows = []
    for lr in lrs:
        _, costs = gradient_descent(gradient, w0, float(lr), nepochs, lambda w: float(cost(w)))
        rows.append({"lr": float(lr), "final_cost": costs[-1], "finite": all(math.isfinite(c) for c in costs),
                     "monotone": all(b <= a for a, b in zip(costs, costs[1:]))})
    return rows

