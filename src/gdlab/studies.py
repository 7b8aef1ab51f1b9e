"""Learning rates found by experiment (Exercises 1 e and 2 e), on top of :func:`gdlab.gd.gradient_descent`. The
pipeline's tools; the notebooks show the loop these call."""

from __future__ import annotations

import math
from typing import Callable

from .gd import gradient_descent


def cost_grows(gradient: Callable, cost: Callable, w0, lr: float, nepochs: int) -> bool:
    """After ``nepochs`` full-batch steps at ``lr``, is the cost at least where it started (or not finite)?"""
    _, costs = gradient_descent(gradient, w0, lr, nepochs, lambda w: float(cost(w)))
    return not (math.isfinite(costs[-1]) and costs[-1] < costs[0])


def bisect_max_lr(grows: Callable[[float], bool], lr_start: float, rtol: float, max_probes: int = 200):
    """The largest learning rate that still lowers the cost, by experiment: double from ``lr_start`` until a run's
    cost grows, then bisect. Returns (lo, hi, probes): lo lowers the cost, hi does not, (hi − lo)/lo ≤ rtol, and
    probes lists every (lr, grew) tried, in order."""
    probes: list[tuple[float, bool]] = []

    def probe(lr: float) -> bool:
        if len(probes) >= max_probes:
            raise RuntimeError(f"bisect_max_lr: no bracket within {max_probes} probes")
        grew = grows(lr)
        probes.append((lr, grew))
        return grew

    lo = lr_start
    if probe(lo):
        raise ValueError(f"bisect_max_lr: the cost already grows at the starting rate {lr_start}; choose a smaller one")
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


def lr_range_test(gradient: Callable, cost: Callable, w0, lrs, nepochs: int) -> list[dict]:
    """Short full-batch runs at each rate: the cost reached, and whether it fell at every epoch."""
    rows = []
    for lr in lrs:
        _, costs = gradient_descent(gradient, w0, float(lr), nepochs, lambda w: float(cost(w)))
        rows.append({"lr": float(lr), "final_cost": costs[-1], "finite": all(math.isfinite(c) for c in costs),
                     "monotone": all(b <= a for a, b in zip(costs, costs[1:]))})
    return rows

