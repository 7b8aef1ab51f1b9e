"""Exercise 3's study of learning rate × batch size, aggregated once (pure pandas: the jobs that aggregate, choose
and draw import no torch).

A *point* is a (learning rate, batch size); a *run* is a point trained from one seed (the seed changes the initial
weights and the batch order, never the data). Each run trains until its validation accuracy stops
improving (:func:`gdlab.softmax.stopped_improving`) and reports the mean validation accuracy of its last epochs.
"""

from __future__ import annotations

import pandas as pd

from .facts import STATUSES

POINT = ["lr", "batch_size"]


def runs_table(points: list[dict]) -> pd.DataFrame:
    """One row per run (point and seed), as :func:`gdlab.softmax.run_setting` made it: the validation accuracy it
    reports, its epochs and status, the test metrics (reported only), and its deterministic cost — examples
    processed and gradient steps. This table travels with the notebook as grid.csv."""
    return pd.DataFrame([r["row"] for p in points for r in p["runs"]]).sort_values([*POINT, "seed"], ignore_index=True)


def points_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per point: mean, sample standard deviation (0 for one seed) and range
    (largest minus smallest) of the validation accuracy over its seeds, the mean test accuracy, the median and
    largest epoch count, the median examples and steps, the worst status and how many
    seeds ended unstable or diverged."""
    g = runs.groupby(["lr", "batch_size"], sort=True)
    out = pd.DataFrame({
        "val_accuracy": g["val_accuracy"].mean(),
        "val_accuracy_std": g["val_accuracy"].std(ddof=1).fillna(0.0),
        "val_accuracy_range": g["val_accuracy"].max() - g["val_accuracy"].min(),
        "test_accuracy": g["test_accuracy"].mean(),
        "epochs": g["epochs"].median(),
        "max_epochs": g["epochs"].max(),
        "examples": g["examples"].median(),
        "steps": g["steps"].median(),
        "n_seeds": g.size(),
        "status": g["status"].agg(lambda s: max(s, key=STATUSES.index)),
        "seeds_unstable": g["status"].agg(
            lambda s: int(s.isin(["unstable", "diverged"]).sum())),
    }).reset_index()
    return out


def ranked(points: pd.DataFrame) -> pd.DataFrame:
    """The points from worst to best mean validation accuracy (ties kept in grid order: a stable sort)."""
    return points.sort_values("val_accuracy", kind="stable")


def choose_favourite(points: pd.DataFrame, val_tolerance: float) -> pd.Series:
    """The best mean validation accuracy; a point counts as tied with it when its mean
    is within one standard deviation of the best point's seeds (the one-standard-error
    rule) or within ``val_tolerance``, whichever is larger — a noisy point does not
    widen the margin for itself. Among the tied points the one that processes the
    fewest examples, then takes the fewest steps, then has the smaller rate and batch
    wins — a total order on deterministic quantities, so the same results always give
    the same favourite. A point where a seed ended unstable or diverged is never
    chosen."""
    ok = points[points["seeds_unstable"] == 0]
    if ok.empty:
        raise ValueError("no point of the grid trained without an unstable or diverged "
                         "seed: nothing to choose from")
    best = ok.loc[ok["val_accuracy"].idxmax()]
    tied = ok[best["val_accuracy"] - ok["val_accuracy"] <= max(val_tolerance, best["val_accuracy_std"])]
    cheapest = tied.sort_values(["examples", "steps", "lr", "batch_size"], kind="stable")
    return cheapest.iloc[0]


def best_by_batch(points: pd.DataFrame) -> list[dict]:
    """For each batch size: the rate with the best mean validation accuracy, and every rate that is level with it
    within the spread (its mean differs from the best by no more than the two standard deviations together).
    Points where a seed ended unstable or diverged are never the best."""
    out = []
    for bs, rows in points[points["seeds_unstable"] == 0].groupby("batch_size", sort=True):
        best = ranked(rows).iloc[-1]
        level = rows[best["val_accuracy"] - rows["val_accuracy"] <= best["val_accuracy_std"] + rows["val_accuracy_std"]]
        out.append({"batch_size": int(bs), "lr": float(best["lr"]), "val_accuracy": float(best["val_accuracy"]),
                    "val_accuracy_std": float(best["val_accuracy_std"]),
                    "val_accuracy_range": float(best["val_accuracy_range"]), "epochs": float(best["epochs"]),
                    "level_lrs": sorted(float(v) for v in level["lr"])})
    return out


def trend(best: list[dict]) -> str:
    """How the best rate moves as the batch grows, as far as the spread lets one say: ``grows`` when the best rates
    never fall from one batch size to the next and the rates level with the best at the largest batch all lie
    above those at the smallest; ``shrinks`` the other way round; else ``unclear``."""
    lrs = [b["lr"] for b in best]
    first, last = best[0]["level_lrs"], best[-1]["level_lrs"]
    if all(a <= b for a, b in zip(lrs, lrs[1:])) and min(last) > max(first):
        return "grows"
    if all(a >= b for a, b in zip(lrs, lrs[1:])) and max(last) < min(first):
        return "shrinks"
    return "unclear"


def grid_facts(points: pd.DataFrame) -> dict:
    """What the sheet says about the grid, computed here: the best and worst points, the best rate per batch size
    and its trend, and how many points ended each way."""
    r = ranked(points)
    best, worst = ranked(points[points["seeds_unstable"] == 0]).iloc[-1], r.iloc[0]
    per_batch = best_by_batch(points)
    lrs = sorted(points["lr"].unique())
    best_acc = {b["batch_size"]: b["val_accuracy"] for b in per_batch}
    best_range = max(b["val_accuracy_range"] for b in per_batch)

    def end_of_range(lr) -> dict:
        """How the points at one rate compare with the best of their batch size: the batch sizes where it is the
        best, its largest shortfall elsewhere (and where), how many of its points ran out of epochs still
        improving, and the largest difference between two seeds of one point."""
        rows = points[points["lr"] == lr]
        gaps = {int(r.batch_size): best_acc[int(r.batch_size)] - r.val_accuracy for r in rows.itertuples()
                if int(r.batch_size) in best_acc}
        worst = max(gaps, key=gaps.get)
        return {"lr": float(lr), "best_at": [bs for bs, g in gaps.items() if g <= 0],
                "max_gap": float(gaps[worst]), "max_gap_batch": worst, "points": len(rows),
                "still_improving": int((rows["status"] == "still improving").sum()),
                "max_range": float(rows["val_accuracy_range"].max()),
                "noisier_than_best": bool(rows["val_accuracy_range"].max() > best_range)}

    return {
        "smallest_rate": end_of_range(lrs[0]), "largest_rate": end_of_range(lrs[-1]), "best_max_range": best_range,
        "best": _row(best), "worst": _row(worst), "worst_at": where(worst, points), "best_at": where(best, points),
        "best_by_batch": per_batch, "trend": trend(per_batch),
        "status_counts": {s: int((points["status"] == s).sum()) for s in STATUSES},
        # The rates at which some seed ended unstable or diverged (its validation cost above its start, or beyond).
        "unstable_lrs": sorted(float(v) for v in points.loc[points["seeds_unstable"] > 0, "lr"].unique()),
        "n_points": len(points),
        "best_at_edge": any(b["lr"] in (lrs[0], lrs[-1]) for b in per_batch),
    }


def where(row, points: pd.DataFrame) -> str:
    """Where a point lies in the grid: at which end of each axis, if any (``inside`` when at neither)."""
    lrs, sizes = sorted(points["lr"].unique()), sorted(points["batch_size"].unique())
    on = []
    if row["lr"] in (lrs[0], lrs[-1]):
        on.append("the smallest rate" if row["lr"] == lrs[0] else "the largest rate")
    if row["batch_size"] in (sizes[0], sizes[-1]):
        on.append("the smallest batch" if row["batch_size"] == sizes[0] else "the largest batch")
    return " and ".join(on) if on else "inside"


def _row(r: pd.Series) -> dict:
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
