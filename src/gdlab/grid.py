"""Exercise 3: every run aggregated once into tables, the favourite's choice, and the facts the prose states.

A *setting* is (impl, schedule, lr, batch_size, epochs); a *run* is a setting trained with one seed (the
seed changes only the initial weights and the batch order). The grid points are the constant-rate settings
of ``ex3.grid``; the favourite is chosen among the grid points and the configured candidates. Pure pandas:
the jobs that aggregate, choose and draw import no torch.
"""

from __future__ import annotations

import pandas as pd

from .facts import largest_rise, outcome, spread_verdict

SETTING = ["impl", "schedule", "lr", "batch_size", "epochs"]
POINT = ["lr", "batch_size"]
# The worst outcome among a setting's seeds is the setting's outcome.
SEVERITY = {"converged": 0, "still decreasing": 1, "oscillating": 2, "diverged": 3}


def epochs_table(runs: list[dict]) -> pd.DataFrame:
    """One row per run and epoch: the setting, the seed, and the per-epoch metrics."""
    frames = []
    for run in runs:
        h = pd.DataFrame(run["history"])
        for key in [*SETTING, "seed"][::-1]:
            h.insert(0, key, run[key])
        frames.append(h)
    return pd.concat(frames, ignore_index=True).sort_values([*SETTING, "seed", "epoch"], ignore_index=True)


def runs_table(runs: list[dict], n_train: int, summary_epochs: int, outcome_rule: dict) -> pd.DataFrame:
    """One row per run: its setting and seed; ``val_accuracy``, the mean validation accuracy of its last
    ``summary_epochs`` epochs (one bounce does not decide it); final cost and accuracies; its outcome
    (:func:`gdlab.facts.outcome` of the training cost); and its deterministic cost: examples processed
    and gradient steps."""
    rows = []
    for run in runs:
        h = run["history"]
        last = slice(-min(summary_epochs, run["epochs_run"]), None)
        rows.append({**{k: run[k] for k in (*SETTING, "seed")},
                     "val_accuracy": sum(h["val_accuracy"][last]) / len(h["val_accuracy"][last]),
                     "final_val_accuracy": h["val_accuracy"][-1], "cost": h["loss"][-1],
                     "train_accuracy": h["train_accuracy"][-1], "test_accuracy": run["test_accuracy"],
                     "epochs_run": run["epochs_run"], "diverged": run["diverged"],
                     "outcome": outcome(h["loss"], run["diverged"], **outcome_rule),
                     "largest_rise": largest_rise(h["loss"], outcome_rule["tail_fraction"], outcome_rule["min_tail_epochs"]),
                     "above_start": h["loss"][-1] > h["loss"][0],
                     "examples": run["epochs"] * n_train,
                     "steps": run["epochs"] * -(-n_train // run["batch_size"])})
    return pd.DataFrame(rows).sort_values([*SETTING, "seed"], ignore_index=True)


METRICS = ["val_accuracy", "final_val_accuracy", "cost", "train_accuracy", "test_accuracy"]


def settings_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per setting: mean and sample standard deviation (0 for one seed) of each metric over its seeds,
    ``n_seeds``, ``diverged`` (any seed), ``outcome`` (the worst of its seeds), ``largest_rise`` (the largest of
    its seeds), ``above_start`` (any seed ended above its starting cost) and ``seeds_above_start`` (how many),
    ``examples`` and ``steps``."""
    g = runs.groupby(SETTING, sort=True)
    out = g[METRICS].mean()
    std = g[METRICS].std(ddof=1).fillna(0.0)
    for m in METRICS:
        out[f"{m}_std"] = std[m]
    out["n_seeds"] = g["seed"].nunique()
    out["diverged"] = g["diverged"].any()
    out["outcome"] = g["outcome"].agg(lambda s: max(s, key=SEVERITY.__getitem__))
    out["largest_rise"] = g["largest_rise"].max()
    out["above_start"] = g["above_start"].any()
    out["seeds_above_start"] = g["above_start"].sum().astype(int)
    out["examples"] = g["examples"].first()
    out["steps"] = g["steps"].first()
    return out.reset_index()


def choose_favourite(settings: pd.DataFrame, val_tolerance: float) -> pd.Series:
    """Best mean validation accuracy; among the settings within ``val_tolerance`` of it, the one that processes
    the fewest examples, then takes the fewest steps, then has the smaller rate (then the smaller batch, the
    fewer epochs) — a deterministic cost, never a measured time, so the same results always give the same
    favourite, whatever the order of the rows. A setting where a seed diverged is never chosen."""
    ok = settings[~settings["diverged"]]
    if ok.empty:
        raise ValueError("every setting diverged; nothing to choose from")
    best = ok["val_accuracy"].max()
    near = ok[ok["val_accuracy"] >= best - val_tolerance]
    # The setting's own columns come last: two settings are never tied on all of them.
    return near.sort_values(["examples", "steps", "lr", "batch_size", "epochs", "impl", "schedule"]).iloc[0]


def _point(row: pd.Series) -> dict:
    keys = [*POINT, "val_accuracy", "val_accuracy_std", "outcome", "largest_rise", "above_start", "seeds_above_start",
            "n_seeds"]
    return {k: (row[k].item() if hasattr(row[k], "item") else row[k]) for k in keys}


def ranked(grid: pd.DataFrame) -> pd.DataFrame:
    """The points that did not diverge (all of them, if every point diverged: the least bad first) by mean
    validation accuracy, worst first; ties by rate, then batch size — the last row is the best point."""
    ok = grid[~grid["diverged"]]
    return (ok if len(ok) else grid).sort_values(["val_accuracy", *POINT], kind="stable")


def grid_facts(grid: pd.DataFrame) -> dict:
    """What the prose of part g states, decided here from the grid's settings table:

    ``best`` and ``worst`` points (mean validation accuracy) with their outcome — the worst is "still
    decreasing" when its rate was too small to get anywhere in the epochs given, "oscillating"/"diverged"
    when it was too large; ``best_lr_by_batch``: the best rate at each batch size, and whether it grows
    with the batch size; ``batch_effect``: at the smallest and the largest rate, the largest batch against
    the smallest, with :func:`gdlab.facts.spread_verdict` (a difference within the seeds' spread is no
    difference).
    """
    ok = grid[~grid["diverged"]]
    order = ranked(grid)
    best, worst = order.iloc[-1], order.iloc[0]
    by_batch = []
    for bs, g in ok.groupby("batch_size", sort=True):
        top = g.loc[g["val_accuracy"].idxmax()]
        by_batch.append({"batch_size": int(bs), "lr": float(top["lr"]), "val_accuracy": float(top["val_accuracy"])})
    lrs = [b["lr"] for b in by_batch]
    bss = [b["batch_size"] for b in by_batch]
    effects = []
    for lr in sorted(grid["lr"].unique()):
        at = grid[grid["lr"] == lr].sort_values("batch_size")
        small, large = at.iloc[0], at.iloc[-1]
        verdict = ("large diverged" if large["diverged"] and not small["diverged"] else
                   "small diverged" if small["diverged"] and not large["diverged"] else
                   "both diverged" if small["diverged"] else
                   spread_verdict(large["val_accuracy"], large["val_accuracy_std"], small["val_accuracy"],
                                  small["val_accuracy_std"]))
        effects.append({"lr": float(lr), "small": _point(small), "large": _point(large), "large_vs_small": verdict})
    return {
        "best": _point(best), "worst": _point(worst), "n_diverged": int(grid["diverged"].sum()),
        "any_diverged": bool(grid["diverged"].any()),
        "best_lr_by_batch": by_batch,
        "best_lr_grows_with_batch": len(lrs) > 1 and all(a <= b for a, b in zip(lrs, lrs[1:])) and lrs[-1] > lrs[0],
        # Linear scaling (η ∝ B) would multiply the best rate by the ratio of the batch sizes.
        "best_lr_grows_less_than_batch": len(lrs) > 1 and lrs[-1] / lrs[0] < bss[-1] / bss[0],
        "worst_at": ("the largest rate" if worst["lr"] == grid["lr"].max() else
                     "the smallest rate" if worst["lr"] == grid["lr"].min() else "a middle rate"),
        "batch_effect": effects,
    }


def compare(a: pd.Series, b: pd.Series) -> str:
    """Setting a against setting b on mean validation accuracy, with the seeds' spread."""
    return spread_verdict(a["val_accuracy"], a["val_accuracy_std"], b["val_accuracy"], b["val_accuracy_std"])
