"""Exercise 3 grid: one run per (learning rate, batch size, seed), summarised over seeds; the favourite's choice.

The grid table is long: one row per run and epoch, with columns lr, batch_size, seed, epoch, the
per-epoch metrics and ``diverged``. A grid point is (lr, batch_size); its seeds differ only in the
initial weights and the batch order, so their spread measures how much a result owes to chance.
"""

from __future__ import annotations

import pandas as pd

POINT = ["lr", "batch_size"]


def final_rows(grid: pd.DataFrame) -> pd.DataFrame:
    """The last recorded epoch of every run (a diverged run stops early)."""
    return grid.sort_values("epoch").groupby([*POINT, "seed"]).tail(1).sort_values([*POINT, "seed"])


def over_seeds(rows: pd.DataFrame, metrics: list[str], by: list[str] = POINT) -> pd.DataFrame:
    """Mean, sample standard deviation (0 for a single seed) and seed count of each metric per group.

    Columns: ``by``, then ``<metric>`` (the mean) and ``<metric>_std`` for each metric, ``n_seeds``,
    and ``diverged`` (true when any seed diverged).
    """
    missing = [c for c in [*by, "seed", "diverged", *metrics] if c not in rows.columns]
    if missing:
        raise KeyError(f"grid table lacks columns {missing}")
    g = rows.groupby(by, sort=True)
    out = g[metrics].mean()
    std = g[metrics].std(ddof=1).fillna(0.0)
    for m in metrics:
        out[f"{m}_std"] = std[m]
    out["n_seeds"] = g["seed"].nunique()
    out["diverged"] = g["diverged"].any()
    return out.reset_index()


def choose_favourite(points: pd.DataFrame, val_tolerance: float) -> pd.Series:
    """Best mean validation accuracy; among the points within ``val_tolerance`` of it, the fastest.

    ``points`` is :func:`over_seeds` of the final rows with metrics val_accuracy and seconds. Points
    where any seed diverged are never chosen.
    """
    ok = points[~points["diverged"]]
    if ok.empty:
        raise ValueError("every grid point diverged; nothing to choose from")
    best = ok["val_accuracy"].max()
    near = ok[ok["val_accuracy"] >= best - val_tolerance]
    return near.sort_values(["seconds", *POINT], kind="stable").iloc[0]
