"""The grid's summary over seeds and the favourite's choice (gdlab.grid)."""

import numpy as np
import pandas as pd
import pytest

from gdlab.grid import choose_favourite, final_rows, over_seeds


def long_table():
    """Two points × two seeds × epochs 0..2; point (1.0, 64) seed 2 diverges after epoch 1."""
    rows = []
    for lr, bs in [(0.1, 64), (1.0, 64)]:
        for seed in (1, 2):
            last = 1 if (lr, seed) == (1.0, 2) else 2
            for epoch in range(last + 1):
                rows.append({"lr": lr, "batch_size": bs, "seed": seed, "epoch": epoch,
                             "val_accuracy": 0.5 + 0.1 * epoch + 0.01 * seed + (0.2 if lr == 1.0 else 0.0),
                             "seconds": epoch * (2.0 if lr == 0.1 else 1.0) + seed * 0.1,
                             "diverged": (lr, seed) == (1.0, 2)})
    return pd.DataFrame(rows).sample(frac=1.0, random_state=0)  # row order must not matter


def test_final_rows_takes_each_runs_last_epoch():
    f = final_rows(long_table())
    assert len(f) == 4
    assert f.set_index(["lr", "seed"])["epoch"].to_dict() == {(0.1, 1): 2, (0.1, 2): 2, (1.0, 1): 2, (1.0, 2): 1}


def test_over_seeds_matches_numpy_mean_and_sample_std():
    f = final_rows(long_table())
    s = over_seeds(f, ["val_accuracy", "seconds"]).set_index(["lr", "batch_size"])
    a = f[f["lr"] == 0.1]["val_accuracy"].to_numpy()
    assert s.loc[(0.1, 64), "val_accuracy"] == pytest.approx(a.mean())
    assert s.loc[(0.1, 64), "val_accuracy_std"] == pytest.approx(np.std(a, ddof=1))
    assert s.loc[(0.1, 64), "n_seeds"] == 2
    assert not s.loc[(0.1, 64), "diverged"] and s.loc[(1.0, 64), "diverged"]  # one diverged seed is enough


def test_single_seed_has_zero_spread():
    f = final_rows(long_table())
    s = over_seeds(f[f["seed"] == 1], ["val_accuracy"])
    assert (s["val_accuracy_std"] == 0).all() and (s["n_seeds"] == 1).all()


def test_over_seeds_names_missing_columns():
    with pytest.raises(KeyError, match="seed"):
        over_seeds(long_table().drop(columns="seed"), ["val_accuracy"])


def test_favourite_skips_points_where_any_seed_diverged():
    pts = over_seeds(final_rows(long_table()), ["val_accuracy", "seconds"])
    # lr 1.0 has the higher mean accuracy but one of its seeds diverged.
    assert choose_favourite(pts, 0.0)["lr"] == 0.1


def test_favourite_prefers_the_fastest_within_tolerance():
    pts = pd.DataFrame({"lr": [0.1, 0.2, 0.3], "batch_size": [64, 64, 64], "val_accuracy": [0.90, 0.899, 0.85],
                        "seconds": [10.0, 5.0, 1.0], "diverged": [False, False, False]})
    assert choose_favourite(pts, 0.002)["lr"] == 0.2   # within 0.2 points of the best, and faster
    assert choose_favourite(pts, 0.0)["lr"] == 0.1     # no tolerance: the best
    with pytest.raises(ValueError, match="every grid point diverged"):
        choose_favourite(pts.assign(diverged=True), 0.002)
