"""Facts the prose depends on, computed from results (pure Python): the sheet never decides them itself.

Every sentence of the sheet that could be false on other data is chosen by a value computed here
(a run's outcome, which of two settings is ahead, whether a difference exceeds the spread), and
each function is unit-tested on data going both ways.
"""

from __future__ import annotations

import math

OUTCOMES = ("converged", "still decreasing", "oscillating", "unstable", "diverged")
# Changes smaller than this fraction of the starting cost are floating-point noise, not a trend: a run that
# reaches a minimum cost of 0 jitters there in its last bits, by any relative amount.
NOISE = 1e-12


def tail(values: list[float], tail_fraction: float, min_tail_epochs: int) -> list[float]:
    """The last ``tail_fraction`` of a per-epoch series (at least ``min_tail_epochs`` epochs), with the value
    just before it, so that the tail holds that many *changes*."""
    epochs = len(values) - 1  # values[0] is the start, before any epoch
    k = min(epochs, max(min_tail_epochs, math.ceil(tail_fraction * epochs)))
    return values[len(values) - 1 - k:]


def outcome(costs: list[float], *, tail_fraction: float, min_tail_epochs: int, rtol: float,
            divergence_factor: float) -> str:
    """How a full-batch run ended, one criterion for every exercise (config ``outcome``), checked in this order:

    ``diverged``: the cost became NaN/inf or exceeded ``divergence_factor`` times its start;
    ``unstable``: it does not end below its start — training made nothing better;
    ``oscillating``: in the tail the cost rose, in some epoch, by more than ``rtol`` of its value;
    ``converged``: across the whole tail the cost changed by no more than ``rtol`` of its final value;
    ``still decreasing``: otherwise — it fell through the tail, by more than that.

    Changes below :data:`NOISE` times the starting cost count as no change at all.
    """
    if not all(math.isfinite(c) for c in costs) or max(costs) > divergence_factor * costs[0]:
        return "diverged"
    floor = NOISE * abs(costs[0])
    if costs[-1] >= costs[0] - floor:
        return "unstable"
    t = tail(costs, tail_fraction, min_tail_epochs)
    if any(b - a > max(rtol * abs(a), floor) for a, b in zip(t, t[1:])):
        return "oscillating"
    if abs(t[0] - t[-1]) <= max(rtol * abs(t[-1]), floor):
        return "converged"
    return "still decreasing"


# How a run of Exercise 3's study ended, best first; a point's status is the worst of its seeds'.
STATUSES = ("trained", "unstable", "diverged")


def status(costs, max_cost):
    """How a run of the study ended: "diverged" if its last validation cost is not
    finite or above max_cost, "unstable" if it is not below the first, else "trained"."""
    if not (math.isfinite(costs[-1]) and costs[-1] <= max_cost):
        return "diverged"
    if costs[-1] >= costs[0]:
        return "unstable"
    return "trained"


def error_factors(eigenvalues: list[float], lr: float) -> list[float]:
    """1 − lr·λ per eigenvalue λ of a quadratic's Hessian: what one GD step at ``lr`` multiplies the error by along
    that eigenvector (negative: the error flips its sign; above 1 in size: it grows)."""
    return [1 - lr * lam for lam in eigenvalues]


def mirrored(factors: dict[float, float], rtol: float = 1e-9) -> list[list[float]]:
    """Pairs of rates [η, η'] whose factors have the same size and opposite signs: on a quadratic with one
    curvature their excess costs are equal at every epoch (the error only changes sign)."""
    return [[a, b] for a in sorted(factors) for b in sorted(factors)
            if a < b and factors[a] > 0 > factors[b] and math.isclose(factors[a], -factors[b], rel_tol=rtol)]


def fastest(runs: list[dict], key: str) -> dict | None:
    """The run that needed the fewest epochs ``key`` (None: it never got there), the smaller rate on a tie; None
    when no run got there."""
    arrived = [r for r in runs if r[key] is not None]
    return min(arrived, key=lambda r: (r[key], r["lr"])) if arrived else None


def range_test_facts(probes: list[dict]) -> dict:
    """What a learning-rate range test shows (probes sorted by rate, each with ``lr``, ``final_cost``, ``finite``
    and ``monotone``): the rate with the lowest final cost, the largest rate whose cost fell at every epoch, and the
    first rate whose cost rose in some epoch or became non-finite (None where there is none)."""
    finite = [p for p in probes if p["finite"]]
    return {"best_lr": min(finite, key=lambda p: p["final_cost"])["lr"] if finite else None,
            "largest_monotone_lr": max((p["lr"] for p in finite if p["monotone"]), default=None),
            "first_rising_lr": next((p["lr"] for p in probes if not (p["finite"] and p["monotone"])), None)}


def grid_steps(values: list[float]) -> tuple[float, float]:
    """The smallest and the largest factor between neighbours of a grid of positive values (1, 1 for one value)."""
    grid = sorted(values)
    ratios = [b / a for a, b in zip(grid, grid[1:])] or [1.0]
    return min(ratios), max(ratios)


def within_one_step(lr: float, other: float, lrs: list[float]) -> bool:
    """Whether two rates lie no further apart (by ratio) than the widest step between neighbours of the grid ``lrs``:
    what a test on that grid cannot tell apart."""
    return max(lr, other) / min(lr, other) <= grid_steps(lrs)[1] * (1 + 1e-12)


def epochs_falling(values: list[float]) -> int:
    """How many epochs a series fell before its minimum (0: it never fell)."""
    return min(range(len(values)), key=values.__getitem__)


def peak(values: list[float]) -> dict:
    """A series' largest value, the first index (epoch) where it is reached, and whether the series ends below it."""
    top = max(values)
    return {"value": top, "epoch": values.index(top), "ends_below": values[-1] < top}


def strictly_increasing(values: list[float]) -> bool:
    return all(a < b for a, b in zip(values, values[1:]))


def first_at_or_below(values: list[float], threshold: float) -> int | None:
    """The first index (epoch) where a series is at or below ``threshold``; None if it never is."""
    return next((i for i, v in enumerate(values) if v <= threshold), None)


# Two measured times are called different only when they differ by more than this fraction: a timing
# repeated on a busy 2-core machine varies by about 10 %, so a smaller gap could flip between builds.
TIME_MARGIN = 0.2


def time_verdict(a: float, b: float, margin: float = TIME_MARGIN) -> str:
    """``faster`` / ``slower`` when time a is below / above time b by more than ``margin`` of b, else ``about the same``."""
    if a < (1 - margin) * b:
        return "faster"
    if a > (1 + margin) * b:
        return "slower"
    return "about the same"


def largest_rise(costs: list[float], tail_fraction: float, min_tail_epochs: int) -> float:
    """The largest rise of the cost from one epoch to the next in the tail, relative to the value it rose from
    (0 when it never rose): how strongly a run oscillates, not just whether it does."""
    t = tail(costs, tail_fraction, min_tail_epochs)
    return max([0.0] + [(b - a) / abs(a) for a, b in zip(t, t[1:]) if a != 0 and b > a])


def splits(bound: float, settled: list[float], cycling: list[float]) -> bool:
    """Whether ``bound`` lies above every rate that settled and below every rate caught in a 2-cycle, with rates of
    both kinds: the bound tells the two outcomes apart."""
    return bool(settled) and bool(cycling) and max(settled) < bound < min(cycling)


def period_two(costs: list[float], rtol: float, last: int = 10) -> bool:
    """Whether the last ``last`` costs alternate between two values: each equals the one two epochs before it
    (within rtol) and differs from its neighbour by more than that — a run caught in a 2-cycle."""
    t = costs[-last:]
    if len(t) < 4:
        return False
    return (all(abs(c - p) <= rtol * abs(c) for p, c in zip(t, t[2:]))
            and all(abs(c - p) > rtol * abs(c) for p, c in zip(t, t[1:])))


def across_seeds(rises: list[float]) -> dict:
    """How one run's rise after its minimum came out over its seeds: ``verdict`` ``every`` (each seed's rose),
    ``some`` or ``none``; how many rose, and the smallest and largest rise."""
    rising = sum(r > 0 for r in rises)
    return {"n_seeds": len(rises), "rising_seeds": rising,
            "verdict": "every" if rising == len(rises) else "some" if rising else "none",
            "error_rise_min": min(rises), "error_rise_max": max(rises)}


def direction(before: float, after: float) -> str:
    """``rises`` / ``falls`` / ``unchanged``: how a quantity moved from one time to a later one."""
    return "rises" if after > before else "falls" if after < before else "unchanged"


def best_heldout(runs: list[dict], n: int) -> dict:
    """Which run of a learning-rate study has the best held-out accuracy, and does a run that did not converge
    beat every converged one? ``runs``: dicts with ``lr``, ``outcome`` and ``test_accuracy``. The best is the
    first among equals (runs in the order given). ``converged_accuracy`` is the best converged run's (None when
    none converged); ``verdict``: "unconverged ahead" (the best run did not converge and is strictly ahead of
    every converged one), "converged best" or "none converged"; ``gap_count``: the gap in held-out examples, of ``n``."""
    best = max(runs, key=lambda r: r["test_accuracy"])  # max keeps the first of equals
    converged = [r["test_accuracy"] for r in runs if r["outcome"] == "converged"]
    top = max(converged, default=None)
    verdict = ("none converged" if top is None else
               "unconverged ahead" if best["outcome"] != "converged" and best["test_accuracy"] > top else "converged best")
    return {"lr": best["lr"], "outcome": best["outcome"], "accuracy": best["test_accuracy"],
            "converged_accuracy": top, "verdict": verdict,
            "gap": None if top is None else best["test_accuracy"] - top,
            "gap_count": None if top is None else round((best["test_accuracy"] - top) * n), "n": n}
