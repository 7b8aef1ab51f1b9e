"""Exercise 3's study of learning rate × batch size, aggregated once (pure pandas: the jobs that aggregate, choose
and draw import no torch).

A *point* is a (learning rate, batch size); a *run* is a point trained from one seed (the seed changes the initial
weights and the batch order, never the data). Each run trains a fixed number of epochs
(:func:`gdlab.softmax.run_setting`) and reports the validation accuracy of the model it returns. With a few seeds
per point, one tie rule serves every comparison (:func:`level`): two points are level when the ranges of their
seeds' accuracies overlap.
"""

from __future__ import annotations

import pandas as pd
from scipy.stats import binomtest

from .facts import STATUSES, grid_steps

POINT = ["lr", "batch_size"]


def runs_table(points: list[dict]) -> pd.DataFrame:
    """One row per run (point and seed), as :func:`gdlab.softmax.run_setting` made it: the validation accuracy it
    reports, its epochs and status, the test metrics (reported only), and its deterministic cost — examples
    processed and gradient steps. This table travels with the notebook as grid.csv."""
    return pd.DataFrame([r["row"] for p in points for r in p["runs"]]).sort_values([*POINT, "seed"], ignore_index=True)


def curves_table(runs) -> pd.DataFrame:
    """One row per run and epoch (lr, batch_size, seed, epoch, val_accuracy), from (row, history) pairs: the row and
    the per-epoch validation (cost, accuracy) of run_setting, epoch 0 the start."""
    return pd.DataFrame([{"lr": row["lr"], "batch_size": row["batch_size"], "seed": row["seed"], "epoch": epoch,
                          "val_accuracy": accuracy}
                         for row, history in runs for epoch, (_, accuracy) in enumerate(history)])


def curves_of(points: list[dict]) -> pd.DataFrame:
    """:func:`curves_table` of the point files (as :func:`runs_table` reads them): every run's validation curve."""
    return curves_table((r["row"], list(zip(r["val_cost"], r["val_accuracy"]))) for p in points for r in p["runs"])


def points_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per point: mean, smallest, largest and range (largest minus smallest) of the validation accuracy over
    its seeds, the mean test accuracy, the median and largest epoch count, the median examples and steps, the worst
    status, how many seeds ended unstable or diverged, and how many of those diverged."""
    g = runs.groupby(["lr", "batch_size"], sort=True)
    out = pd.DataFrame({
        "val_accuracy": g["val_accuracy"].mean(),
        "val_accuracy_min": g["val_accuracy"].min(),
        "val_accuracy_max": g["val_accuracy"].max(),
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
        "seeds_diverged": g["status"].agg(lambda s: int((s == "diverged").sum())),
    }).reset_index()
    return out


def table_cells(points: pd.DataFrame) -> pd.DataFrame:
    """The study's table: per learning rate (rows, "2" not "2.0") and batch size (columns) the mean validation
    accuracy over the seeds and, in brackets, the smallest and the largest seed, in % with two decimals; where a seed
    ended unstable or diverged, no mean (of a failed and a trained run it means nothing), only the range, marked *."""
    def cell(mean, low, high, failed):
        spread = f"({100 * low:.2f}–{100 * high:.2f})"
        return f"— {spread}*" if failed else f"{100 * mean:.2f} {spread}"

    cells = points.assign(text=[cell(*r) for r in zip(points["val_accuracy"], points["val_accuracy_min"],
                                                      points["val_accuracy_max"], points["seeds_unstable"] > 0)])
    table = cells.pivot(index="lr", columns="batch_size", values="text")
    table.index = [f"{lr:g}" for lr in table.index]
    return table.rename_axis("lr")


def table_text(points: pd.DataFrame) -> str:
    """:func:`table_cells` as the notebook prints it, under a line that says what the cells hold."""
    note = "; *: a seed ended unstable or diverged (no mean)" if (points["seeds_unstable"] > 0).any() else ""
    return ("validation accuracy (%): the mean over the seeds (the smallest–the largest seed); rows: learning rate, "
            "columns: batch size" + note + "\n" + table_cells(points).to_string())


def ranked(points: pd.DataFrame) -> pd.DataFrame:
    """The points from worst to best mean validation accuracy (ties kept in grid order: a stable sort)."""
    return points.sort_values("val_accuracy", kind="stable")


def best_point(points: pd.DataFrame) -> pd.Series:
    """The point with the best mean validation accuracy among those whose seeds all trained (:func:`ranked`'s last)."""
    return ranked(points[points["seeds_unstable"] == 0]).iloc[-1]


def overlap(low, high, other_low, other_high):
    """The one tie rule of the study (3 g and 3 h): two sets of seeds are level when the
    ranges [low, high] of their validation accuracies overlap — with two seeds per point,
    nothing finer can be said. Numbers, or Series element-wise."""
    return (low <= other_high) & (other_low <= high)


def shared_images(low, high, other_low, other_high, n_images: int) -> int:
    """How many of the ``n_images`` validation images the overlap of two ranges of accuracies spans: 0 where they
    only touch (a single accuracy, one image from splitting them), negative where they do not overlap."""
    return round((min(high, other_high) - max(low, other_low)) * n_images)


def paired(right, other_right, confidence: float) -> dict:
    """Two models scored on the same images (``right``, ``other_right``: per image, whether each got it right): the
    images only the first gets right, those only the other gets right, and the exact McNemar test of that split — the
    two-sided binomial test of an even split, which the images both get right or both wrong cannot sway. ``verdict``:
    "level" unless p < 1 − ``confidence``, else "first" or "other", the model that is right more often."""
    first, other = int((right & ~other_right).sum()), int((~right & other_right).sum())
    p = binomtest(first, first + other).pvalue if first + other else 1.0
    verdict = "level" if p >= 1 - confidence else "first" if first > other else "other"
    return {"only_first": first, "only_other": other, "p_value": float(p), "verdict": verdict}


def level(points: pd.DataFrame, best: pd.Series) -> pd.Series:
    """Each point against ``best`` by the tie rule (:func:`overlap`): True where level."""
    return overlap(points["val_accuracy_min"], points["val_accuracy_max"],
                   best["val_accuracy_min"], best["val_accuracy_max"])


def choose_favourite(points: pd.DataFrame) -> pd.Series:
    """The best mean validation accuracy; the points level with it (:func:`level`: their
    seeds' ranges overlap) count as tied. Among the tied points the one that processes
    the fewest examples, then takes the fewest steps, then has the smaller rate and batch
    wins — a total order on deterministic quantities, so the same results always give
    the same favourite. A point where a seed ended unstable or diverged is never
    chosen."""
    ok = points[points["seeds_unstable"] == 0]
    if ok.empty:
        raise ValueError("no point of the grid trained without an unstable or diverged "
                         "seed: nothing to choose from")
    best = ok.loc[ok["val_accuracy"].idxmax()]
    tied = ok[level(ok, best)]
    cheapest = tied.sort_values(["examples", "steps", "lr", "batch_size"], kind="stable")
    return cheapest.iloc[0]


def best_by_batch(points: pd.DataFrame) -> list[dict]:
    """For each batch size: the rate with the best mean validation accuracy, every rate level
    with it (:func:`level`: their seeds' ranges overlap), and those other than the best.
    Points where a seed ended unstable or diverged are never the best, nor level with it."""
    out = []
    for bs, rows in points[points["seeds_unstable"] == 0].groupby("batch_size", sort=True):
        best = ranked(rows).iloc[-1]
        tied = rows[level(rows, best)]
        out.append({"batch_size": int(bs), "lr": float(best["lr"]), "val_accuracy": float(best["val_accuracy"]),
                    "val_accuracy_min": float(best["val_accuracy_min"]),
                    "val_accuracy_max": float(best["val_accuracy_max"]),
                    "val_accuracy_range": float(best["val_accuracy_range"]), "epochs": float(best["epochs"]),
                    "level_lrs": sorted(float(v) for v in tied["lr"]),
                    "tied_lrs": sorted(float(v) for v in tied["lr"] if v != best["lr"])})
    return out


def versus(before: list[float], after: list[float]) -> str:
    """Two sets of seeds compared by the study's tie rule (:func:`overlap`): "level", else "higher" or "lower"
    (``after`` against ``before``)."""
    if overlap(min(after), max(after), min(before), max(before)):
        return "level"
    return "higher" if min(after) > max(before) else "lower"


LAST_EPOCHS = 2  # the last epochs of a run, where a linearly falling rate is near 0: told apart from the rest


def falls(curves: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """How far each point's validation accuracy (its seeds' mean) fell from one epoch to the next, from epoch 1 on:
    one row per point whose seeds all trained, column e the fall from epoch e to e + 1 (negative: it rose)."""
    stable = points.loc[points["seeds_unstable"] == 0, POINT]
    mean = curves.merge(stable, on=POINT).groupby([*POINT, "epoch"])["val_accuracy"].mean().unstack()
    return (mean - mean.shift(-1, axis=1)).iloc[:, 1:-1]


def jumps(curves: pd.DataFrame, points: pd.DataFrame, n_images: int, last: int = LAST_EPOCHS) -> dict:
    """How erratic training was: per point (its seeds' mean curve, from epoch 1 on), the largest fall of the
    validation accuracy from one epoch to the next, except in the last ``last`` epochs, where a linearly falling rate
    is near 0; and the largest fall within those. Points with a seed unstable or diverged are left out. Per rate:
    its largest fall (and where); the rates that fell (``falling``), and those that never fell by more than the
    smallest change a mean curve can make (one of the ``n_images`` validation images, of one seed), which counts as
    steady (``steady_lrs``); and whether the last epochs were steady by the same measure (``late_steady``)."""
    step = 1 / (curves["seed"].nunique() * n_images)

    def steady(fall: float) -> bool:  # no fall by more than one step, give or take rounding
        return round(fall / step) <= 1

    fall = falls(curves, points)
    if fall.shape[1] == 0:  # one epoch: no epoch to fall from
        return {"by_rate": [], "late_fall": 0.0, "late_steady": True, "last_epochs": 0, "falling": [],
                "steady_lrs": []}
    last = min(last, fall.shape[1] - 1)  # a short run: at least one fall counts as early
    early = fall.iloc[:, : fall.shape[1] - last].max(axis=1)
    late = fall.iloc[:, fall.shape[1] - last:].max(axis=1) if last > 0 else early * 0
    by_rate = []
    for lr, f in early.groupby(level="lr"):
        f = f.droplevel("lr")
        by_rate.append({"lr": float(lr), "fall": float(f.max()), "fall_pp": 100 * float(f.max()),
                        "batch_size": int(f.idxmax())})
    falling = [r for r in by_rate if not steady(r["fall"])]
    return {"by_rate": by_rate, "late_fall": float(late.max()), "late_steady": steady(late.max()),
            "last_epochs": last, "falling": falling,
            "steady_lrs": [r["lr"] for r in by_rate if steady(r["fall"])]}


def enough_epochs(seeds_at, first: list, epochs: int, doublings: int) -> list[dict]:
    """Trains a point until more epochs no longer help, as far as its seeds can tell. ``first`` holds its seeds'
    runs of ``epochs`` epochs; ``seeds_at(e)`` trains them again for e epochs. Each run is (W, b, history, row),
    as run_setting returns it. The epochs double while a doubling is higher than the epochs
    before it by the study's tie rule (:func:`versus`), at most ``doublings`` times. Returns every budget tried,
    ``{"epochs", "runs", "verdict"}`` (the verdict against the budget before; None for the first)."""
    budgets = [{"epochs": epochs, "runs": first, "verdict": None}]
    while len(budgets) <= doublings and budgets[-1]["verdict"] in (None, "higher"):
        e = 2 * budgets[-1]["epochs"]
        runs = seeds_at(e)
        accuracy = [[run[3]["val_accuracy"] for run in b] for b in (budgets[-1]["runs"], runs)]
        budgets.append({"epochs": e, "runs": runs, "verdict": versus(*accuracy)})
    return budgets


def moved_images(before: list[float], after: list[float], n_images: int) -> list[int]:
    """Seed by seed, how many of ``n_images`` validation images a run's accuracy gained (negative: lost) from
    ``before`` to ``after`` — the size of a doubling's change, in the unit the validation set counts in."""
    return [round((a - b) * n_images) for b, a in zip(before, after, strict=True)]


def enough(budgets: list[dict]) -> dict:
    """The budget the favourite keeps (of :func:`enough_epochs`): the last one a doubling improved on — the one
    before the first doubling that was not higher; the last tried when every doubling was higher."""
    return budgets[-2] if budgets[-1]["verdict"] not in (None, "higher") else budgets[-1]


def rounding(float32: float, float64: float, seeds_range: float) -> str:
    """What recomputing a run in float64 does to its accuracy: "none" (the same), "within the seeds" (a change no
    larger than the range between the point's seeds) or "beyond the seeds" (the run depends on rounding more than
    on its seed)."""
    change = abs(float64 - float32)
    return "none" if change == 0 else "within the seeds" if change <= seeds_range else "beyond the seeds"


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


def move(before: dict, after: dict) -> str:
    """How the best rate changes from one batch size to the next (two rows of :func:`best_by_batch`): "none", a
    "tie" (it changes, but the old best rate is level with the new one at the new batch size, or the other way
    round, by the tie rule) or "clear"."""
    if before["lr"] == after["lr"]:
        return "none"
    return "tie" if before["lr"] in after["level_lrs"] or after["lr"] in before["level_lrs"] else "clear"


def shortfalls(points: pd.DataFrame) -> pd.DataFrame:
    """How far each point's mean validation accuracy falls short of the best point of its batch size (0 at the
    best): a table, learning rate × batch size. A point where a seed ended unstable or diverged has none (NaN): it is
    left out of every comparison."""
    best = {b["batch_size"]: b["val_accuracy"] for b in best_by_batch(points)}
    gap = (points["batch_size"].map(best) - points["val_accuracy"]).where(points["seeds_unstable"] == 0)
    return points.assign(shortfall=gap).pivot(index="lr", columns="batch_size", values="shortfall")


def grid_facts(points: pd.DataFrame) -> dict:
    """What the sheet says about the grid, computed here: the best and worst points, the best rate per batch size
    and its trend, and how many points ended each way."""
    r = ranked(points)
    best, worst = best_point(points), r.iloc[0]
    per_batch = best_by_batch(points)
    lrs = sorted(points["lr"].unique())
    short = shortfalls(points)
    unstable, diverged = int(points["seeds_unstable"].sum()), int(points["seeds_diverged"].sum())
    moves = [move(a, b) for a, b in zip(per_batch, per_batch[1:])]

    def end_of_range(lr) -> dict:
        """How the points at one rate compare with the best of their batch size, among its points whose seeds all
        trained (a point with a seed unstable or diverged is left out, as from every comparison): the batch sizes
        where it is the best, its largest shortfall elsewhere (and where); and how many of its points were left out.
        With every point left out, ``compared`` is false and the shortfall is 0 (nothing to compare)."""
        rows = points[points["lr"] == lr]
        kept = rows[rows["seeds_unstable"] == 0]
        stable = set(kept["batch_size"].astype(int))
        gaps = {int(bs): float(g) for bs, g in short.loc[lr].dropna().items() if int(bs) in stable}
        worst = max(gaps, key=gaps.get) if gaps else None
        bad, gone = int(rows["seeds_unstable"].sum()), int(rows["seeds_diverged"].sum())
        return {"lr": float(lr), "compared": bool(gaps), "best_at": [bs for bs, g in gaps.items() if g <= 0],
                "max_gap": float(gaps[worst]) if gaps else 0.0, "max_gap_batch": worst, "points": len(rows),
                "unstable": int((rows["seeds_unstable"] > 0).sum()),
                # How its seeds that did not train ended (as runs_ended below; "none" where all trained).
                "ended": "none" if bad == 0 else "diverged" if gone == bad else "unstable" if gone == 0 else "both"}

    return {
        "smallest_rate": end_of_range(lrs[0]), "largest_rate": end_of_range(lrs[-1]),
        "best": _row(best), "worst": _row(worst), "worst_at": where(worst, points), "best_at": where(best, points),
        "best_by_batch": per_batch, "trend": trend(per_batch),
        # At how many of the steps from one batch size to the next the best rate changes clearly (each best rate is
        # not level with the other at the other's batch size), at how many only within a tie, of how many steps.
        "trend_moves": moves.count("clear"),
        "trend_ties": moves.count("tie"),
        "trend_steps": len(per_batch) - 1,
        # The smallest and the largest factor between neighbouring rates of the grid.
        "rate_steps": [float(s) for s in grid_steps(lrs)],
        # How far each batch size's best rate leads its next-best (mean validation accuracy), smallest and largest
        # over the batch sizes with two rates whose seeds all trained; None without any.
        "pick_lead": _leads(short),
        "status_counts": {s: int((points["status"] == s).sum()) for s in STATUSES},
        # The rates at which some seed ended unstable or diverged (its validation cost above its start, or beyond),
        # and how many runs did.
        "unstable_lrs": sorted(float(v) for v in points.loc[points["seeds_unstable"] > 0, "lr"].unique()),
        "unstable_runs": unstable,
        # How those runs ended: every one "diverged", every one "unstable", or "both" kinds.
        "runs_ended": "diverged" if diverged == unstable else "unstable" if diverged == 0 else "both",
        "diverged_runs": diverged,
        "n_points": len(points),
        "best_at_edge": any(b["lr"] in (lrs[0], lrs[-1]) for b in per_batch),
    }


def _leads(short: pd.DataFrame) -> list[float] | None:
    """[smallest, largest] lead of a batch size's best rate over its next-best, from :func:`shortfalls` (the
    next-best's shortfall, per column with two points left in)."""
    leads = [float(col.nsmallest(2).iloc[-1]) for _, col in short.items() if col.count() > 1]
    return [min(leads), max(leads)] if leads else None


def where(row, points: pd.DataFrame) -> str:
    """Where a point lies in the grid: at which end of each axis, if any (``inside`` when at neither)."""
    lrs, sizes = sorted(points["lr"].unique()), sorted(points["batch_size"].unique())
    on = []
    if row["lr"] in (lrs[0], lrs[-1]):
        on.append("the smallest rate" if row["lr"] == lrs[0] else "the largest rate")
    if row["batch_size"] in (sizes[0], sizes[-1]):
        on.append("the smallest batch" if row["batch_size"] == sizes[0] else "the largest batch")
    return " and ".join(on) if on else "inside"


def neighbours(row, points: pd.DataFrame) -> dict:
    """The points next to ``row`` along each axis of the grid: the next rate on either side at its batch size
    (``by_rate``) and the next batch size on either side at its rate (``by_batch``), each with its verdict against
    ``row`` by the study's tie rule (:func:`versus` on the seeds' ranges: "higher", "level" or "lower"; "unstable"
    when one of its seeds ended unstable or diverged). ``none_better``: no neighbour is higher."""
    lrs, sizes = sorted(points["lr"].unique()), sorted(points["batch_size"].unique())

    def near(axis: str, values: list) -> list[dict]:
        i = values.index(row[axis])
        other = "batch_size" if axis == "lr" else "lr"
        out = []
        for v in values[max(i - 1, 0):i] + values[i + 1:i + 2]:
            p = points[(points[axis] == v) & (points[other] == row[other])].iloc[0]
            verdict = ("unstable" if p["seeds_unstable"] > 0 else
                       versus([row["val_accuracy_min"], row["val_accuracy_max"]],
                              [p["val_accuracy_min"], p["val_accuracy_max"]]))
            out.append({"lr": float(p["lr"]), "batch_size": int(p["batch_size"]),
                        "val_accuracy": float(p["val_accuracy"]), "verdict": verdict})
        return out

    by_rate, by_batch = near("lr", lrs), near("batch_size", sizes)
    return {"by_rate": by_rate, "by_batch": by_batch,
            "none_better": all(n["verdict"] != "higher" for n in by_rate + by_batch)}


def _row(r: pd.Series) -> dict:
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
