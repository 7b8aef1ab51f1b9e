"""gdlab.grid: Exercise 3's learning-rate × batch-size study aggregated — runs into points, the favourite's
deterministic choice, the best rate per batch size and its trend, and the grid's facts."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from gdlab.facts import STATUSES
from gdlab.grid import (POINT, best_by_batch, falls, choose_favourite, curves_table, enough, enough_epochs, grid_facts, jumps, moved_images,
                        level, move, neighbours, overlap, paired, points_table, ranked, rounding, runs_table, shared_images, shortfalls,
                        table_text, trend, versus)

N_TRAIN = 100


def row(lr=0.1, batch_size=64, seed=1, epochs=10, status="trained", val_accuracy=0.9, test_accuracy=0.88):
    """One run's row as gdlab.softmax.run_setting makes it."""
    return {"lr": lr, "batch_size": batch_size, "seed": seed, "epochs": epochs, "status": status,
            "val_accuracy": val_accuracy, "start_cost": 2.3, "val_cost": 0.4, "test_accuracy": test_accuracy,
            "test_cost": 0.45, "examples": epochs * N_TRAIN, "steps": epochs * -(-N_TRAIN // batch_size)}


def points_of(rows):
    """rows grouped as the point files hold them: {"lr", "batch_size", "runs": [{"row": ...}]}."""
    groups = {}
    for r in rows:
        groups.setdefault((r["lr"], r["batch_size"]), []).append({"row": r, "val_cost": [2.3, r["val_cost"]]})
    return [{"lr": lr, "batch_size": bs, "runs": runs} for (lr, bs), runs in groups.items()]


def test_module_does_not_import_torch():
    code = "import sys, gdlab.grid; assert 'torch' not in sys.modules, 'gdlab.grid pulled in torch'"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the tables -------------------------------------------------------------------------------------------

def test_runs_table_one_row_per_run_sorted_by_point_and_seed():
    rows = [row(lr=1.0, seed=2), row(lr=0.1, batch_size=256, seed=1), row(lr=0.1, seed=2), row(lr=0.1, seed=1)]
    t = runs_table(points_of(rows))
    assert len(t) == 4 and list(t.index) == [0, 1, 2, 3]
    assert list(zip(t["lr"], t["batch_size"], t["seed"])) == [(0.1, 64, 1), (0.1, 64, 2), (0.1, 256, 1), (1.0, 64, 2)]
    assert set(t.columns) == set(rows[0])


def test_points_table_mean_min_max_medians_and_worst_status():
    accs = [0.80, 0.84, 0.86]
    rows = [row(seed=s, val_accuracy=a, epochs=e, test_accuracy=a - 0.01, status="trained")
            for s, a, e in zip((1, 2, 3), accs, (8, 12, 30))]
    rows += [row(lr=1.0, seed=1, status="trained"), row(lr=1.0, seed=2, status="diverged", val_accuracy=0.1),
             row(lr=1.0, seed=3, status="unstable", val_accuracy=0.5)]
    p = points_table(runs_table(points_of(rows))).set_index("lr")
    assert list(p.reset_index().columns[:2]) == POINT and len(p) == 2
    assert p.loc[0.1, "val_accuracy"] == pytest.approx(np.mean(accs))
    assert (p.loc[0.1, "val_accuracy_min"], p.loc[0.1, "val_accuracy_max"]) == (0.80, 0.86)
    assert p.loc[0.1, "val_accuracy_range"] == pytest.approx(0.86 - 0.80)
    assert p.loc[0.1, "test_accuracy"] == pytest.approx(np.mean(accs) - 0.01)
    assert (p.loc[0.1, "epochs"], p.loc[0.1, "max_epochs"]) == (12, 30)  # the median and the largest
    assert p.loc[1.0, "status"] == "diverged" and p.loc[1.0, "seeds_unstable"] == 2 and p.loc[0.1, "seeds_unstable"] == 0
    assert "val_accuracy_std" not in p.columns  # two seeds: no standard deviation


def test_points_table_one_seed_has_no_spread():
    p = points_table(runs_table(points_of([row(lr=0.1), row(lr=1.0)])))
    assert (p["val_accuracy_range"] == 0).all() and (p["n_seeds"] == 1).all()
    assert (p["val_accuracy_min"] == p["val_accuracy_max"]).all()


def test_table_text_prints_the_mean_and_the_seeds_range_per_rate_and_batch():
    rows = [row(lr=0.1, seed=1, val_accuracy=0.9012), row(lr=0.1, seed=2, val_accuracy=0.9050),
            row(lr=1.0, seed=1, val_accuracy=0.8), row(lr=1.0, seed=2, val_accuracy=0.8)]
    text = table_text(points_table(runs_table(points_of(rows))))
    assert text.splitlines()[0].startswith("validation accuracy (%): the mean over the seeds")
    assert "90.31 (90.12–90.50)" in text and "80.00 (80.00–80.00)" in text
    assert "*" not in text and "unstable" not in text
    # A seed that diverged marks its point, and the header says what the mark means.
    rows[2]["status"] = "diverged"
    text = table_text(points_table(runs_table(points_of(rows))))
    assert "— (80.00–80.00)*" in text and "80.00 (" not in text  # no mean of a failed and a trained seed
    assert "90.31 (90.12–90.50)" in text and "90.50)*" not in text and "unstable or diverged" in text.splitlines()[0]


# --- the tie rule -------------------------------------------------------------------------------------------

def spread(lo, hi):
    return pd.Series({"val_accuracy_min": lo, "val_accuracy_max": hi})


@pytest.mark.parametrize("other, is_level", [
    ((0.90, 0.91), True),    # the same range
    ((0.905, 0.92), True),   # overlapping
    ((0.91, 0.93), True),    # touching
    ((0.911, 0.93), False),  # above it, apart
    ((0.85, 0.899), False),  # below it, apart
    ((0.85, 0.95), True),    # around it
])
def test_level_when_the_seeds_ranges_overlap(other, is_level):
    best = spread(0.90, 0.91)
    p = pd.DataFrame([{"val_accuracy_min": other[0], "val_accuracy_max": other[1]}])
    assert bool(level(p, best).iloc[0]) is is_level
    assert bool(level(pd.DataFrame([best]), spread(*other)).iloc[0]) is is_level  # symmetric


@pytest.mark.parametrize("before, after, expected", [
    ([0.90, 0.91], [0.905, 0.92], "level"), ([0.90, 0.91], [0.911, 0.92], "higher"),
    ([0.90, 0.91], [0.88, 0.899], "lower"), ([0.90], [0.90], "level"),
])
def test_versus_uses_the_same_rule(before, after, expected):
    assert versus(before, after) == expected


def test_shared_images_counts_the_overlap_in_images():
    assert shared_images(0.9248, 0.9251, 0.9251, 0.9253, 10000) == 0  # they touch at 92.51 %: one image
    assert shared_images(0.9240, 0.9251, 0.9245, 0.9253, 10000) == 6  # 92.45 % to 92.51 %
    assert shared_images(0.9200, 0.9210, 0.9251, 0.9253, 10000) < 0  # apart


def test_paired_counts_the_disagreements_and_tests_them_exactly():
    """McNemar's exact test: only the images where the two models differ count; it equals the binomial tail
    computed by hand, and its verdict goes either way, or level."""
    from math import comb
    both = np.ones(1000, dtype=bool)
    right, other = both.copy(), both.copy()
    right[:30] = False   # the first model alone wrong on 30 images ...
    other[30:36] = False  # ... the other alone wrong on 6: the other is right more often
    r = paired(right, other, 0.95)
    assert (r["only_first"], r["only_other"]) == (6, 30)
    assert r["p_value"] == pytest.approx(2 * sum(comb(36, k) for k in range(7)) / 2 ** 36)
    assert r["verdict"] == "other" and r["p_value"] < 0.05
    assert paired(other, right, 0.95)["verdict"] == "first"  # the same, the models swapped
    close = paired(np.r_[np.zeros(10, bool), both], np.r_[np.ones(4, bool), np.zeros(6, bool), both], 0.95)
    assert (close["only_first"], close["only_other"], close["verdict"]) == (0, 4, "level")  # 4 images decide nothing
    assert paired(both, both, 0.95) == {"only_first": 0, "only_other": 0, "p_value": 1.0, "verdict": "level"}
    import torch  # the notebook passes torch's boolean tensors
    assert paired(torch.from_numpy(right), torch.from_numpy(other), 0.95) == r


def test_overlap_is_the_tie_rule_for_numbers_and_series():
    assert overlap(0.90, 0.91, 0.91, 0.92) and not overlap(0.90, 0.91, 0.911, 0.92)  # touching counts as level
    assert overlap(0.90, 0.92, 0.905, 0.91) and overlap(0.905, 0.91, 0.90, 0.92)       # one inside the other
    low, high = pd.Series([0.80, 0.905]), pd.Series([0.85, 0.93])
    assert overlap(low, high, 0.90, 0.91).tolist() == [False, True]


@pytest.mark.parametrize("f32, f64, seeds_range, expected", [
    (0.9254, 0.9254, 0.001, "none"), (0.9254, 0.9258, 0.001, "within the seeds"),
    (0.9254, 0.9250, 0.0004, "within the seeds"), (0.9254, 0.9266, 0.001, "beyond the seeds"),
    (0.7680, 0.7810, 0.0, "beyond the seeds"),
])
def test_rounding_each_way(f32, f64, seeds_range, expected):
    assert rounding(f32, f64, seeds_range) == expected


# --- the favourite ------------------------------------------------------------------------------------------

def points(rows, half=0.0):
    """(lr, batch_size, val_accuracy, examples, steps, seeds_unstable) per point; the seeds at mean ± half (one
    half-range for all, or one per point)."""
    halves = half if isinstance(half, list) else [half] * len(rows)
    return pd.DataFrame([{"lr": lr, "batch_size": bs, "val_accuracy": acc, "val_accuracy_min": acc - h,
                          "val_accuracy_max": acc + h, "examples": ex, "steps": st, "seeds_unstable": un}
                         for (lr, bs, acc, ex, st, un), h in zip(rows, halves)])


def pick(p):
    f = choose_favourite(p)
    return f["lr"], f["batch_size"]


def test_favourite_is_the_best_when_nothing_is_level_with_it():
    p = points([(0.1, 64, 0.90, 500, 80, 0), (0.01, 64, 0.85, 100, 10, 0)], half=0.001)
    assert pick(p) == (0.1, 64)


def test_favourite_among_the_level_fewest_examples_then_steps_then_lr_then_batch():
    rows = [(0.1, 64, 0.9000, 1500, 240, 0),    # best, but 3× the examples
            (0.1, 64 + 1, 0.8995, 500, 80, 0),
            (0.1, 256, 0.8992, 500, 20, 0),       # same examples, fewer steps
            (0.05, 256, 0.8991, 500, 20, 0),      # ... and a smaller rate
            (0.1, 16, 0.8900, 250, 80, 0)]        # cheapest, but not level with the best
    assert pick(points(rows, half=0.0)) == (0.1, 64)  # every seed the same: nothing is level with the best
    assert pick(points(rows, half=0.0005)) == (0.05, 256)  # 0.8991 + 0.0005 ≥ 0.9000 − 0.0005
    assert pick(points(rows, half=0.00043)) == (0.1, 256)  # 0.8991 is no longer level
    assert pick(points(rows, half=0.0003)) == (0.1, 65)  # only 0.9000 and 0.8995
    same = points([(0.1, 128, 0.9, 500, 20, 0), (0.1, 64, 0.9, 500, 20, 0)])  # all equal but the batch
    assert pick(same) == (0.1, 64)


def test_favourite_a_noisy_point_is_level_when_its_range_reaches_the_best():
    """0.915 is 0.003 below the best: level once the two ranges overlap, however the width is shared."""
    rows = [(0.03, 16, 0.918, 375_000, 23_000, 0), (0.1, 16, 0.915, 250_000, 15_000, 0)]
    assert pick(points(rows, half=[0.0, 0.0031])) == (0.1, 16)
    assert pick(points(rows, half=[0.0016, 0.0016])) == (0.1, 16)
    assert pick(points(rows, half=[0.0014, 0.0014])) == (0.03, 16)


def test_favourite_counts_examples_before_steps():
    p = points([(0.1, 1024, 0.900, 500, 5, 0), (0.1, 16, 0.900, 250, 80, 0)])
    assert pick(p) == (0.1, 16)


def test_favourite_is_never_a_point_with_an_unstable_or_diverged_seed():
    p = points([(1.0, 64, 0.95, 100, 10, 1), (0.1, 64, 0.90, 500, 80, 0), (0.5, 64, 0.93, 100, 10, 2)], half=0.1)
    assert pick(p) == (0.1, 64)
    with pytest.raises(ValueError, match="no point of the grid trained without an unstable or diverged seed"):
        choose_favourite(p.assign(seeds_unstable=1))


def test_favourite_does_not_depend_on_row_order():
    p = points([(lr, bs, acc, ep * 100, ep * -(-100 // bs), 0)
                for lr, bs, ep, acc in [(0.1, 64, 10, 0.900), (0.1, 16, 10, 0.900), (0.01, 64, 10, 0.900),
                                        (0.1, 64, 5, 0.8995), (1.0, 64, 5, 0.8995), (0.1, 256, 30, 0.901),
                                        (0.1, 60, 5, 0.8995)]], half=0.001)
    choices = {pick(p.sample(frac=1.0, random_state=k)) for k in range(20)}
    assert choices == {(0.1, 60)}  # 500 examples, 10 steps: ties (0.1, 64) on both, the smaller batch wins


# --- ranking, the best rate per batch size, its trend -----------------------------------------------------------

def grid(rows):
    """(lr, batch_size, val_accuracy, half, status) per point, as points_table gives them: the seeds at mean ± half."""
    return pd.DataFrame([{"lr": lr, "batch_size": bs, "val_accuracy": acc, "val_accuracy_min": acc - h,
                          "val_accuracy_max": acc + h, "val_accuracy_range": 2 * h, "epochs": 10.0,
                          "status": st, "seeds_unstable": int(st in ("unstable", "diverged")),
                          "seeds_diverged": int(st == "diverged")}
                         for lr, bs, acc, h, st in rows]).sort_values(POINT, ignore_index=True)


def test_ranked_worst_first_ties_kept_in_grid_order():
    g = grid([(0.01, 16, 0.90, 0.0, "trained"), (0.1, 16, 0.90, 0.0, "trained"), (0.001, 16, 0.80, 0.0, "trained")])
    assert ranked(g)["lr"].tolist() == [0.001, 0.01, 0.1]
    assert ranked(g.iloc[::-1])["lr"].tolist() == [0.001, 0.1, 0.01]


def test_best_by_batch_and_the_rates_level_with_it():
    g = grid([(0.01, 16, 0.90, 0.002, "trained"), (0.1, 16, 0.92, 0.002, "trained"), (1.0, 16, 0.917, 0.002, "trained"),
              (0.01, 256, 0.80, 0.01, "trained"), (0.1, 256, 0.86, 0.01, "trained"), (1.0, 256, 0.87, 0.01, "trained")])
    b16, b256 = best_by_batch(g)
    assert b16 == {"batch_size": 16, "lr": 0.1, "val_accuracy": 0.92, "val_accuracy_min": 0.918,
                   "val_accuracy_max": 0.922, "epochs": 10.0, "val_accuracy_range": pytest.approx(0.004),
                   "level_lrs": [0.1, 1.0], "tied_lrs": [1.0]}  # 0.917 + 0.002 ≥ 0.92 − 0.002; 0.90 + 0.002 is not
    assert b256["lr"] == 1.0 and b256["level_lrs"] == [0.1, 1.0]  # 0.86 + 0.01 ≥ 0.87 − 0.01
    assert b256["tied_lrs"] == [0.1]  # the best itself is not "tied with" itself
    assert all(isinstance(b["batch_size"], int) and isinstance(b["lr"], float) for b in (b16, b256))


def best(*lrs_and_levels):
    return [{"batch_size": 16 * 4**i, "lr": lr, "level_lrs": level} for i, (lr, level) in enumerate(lrs_and_levels)]


@pytest.mark.parametrize("per_batch, expected", [
    (best((0.01, [0.01]), (0.1, [0.1])), "grows"),
    (best((0.01, [0.01]), (0.01, [0.01, 0.1]), (0.1, [0.1, 1.0])), "grows"),     # never falls, ends above
    (best((0.1, [0.1]), (0.01, [0.01])), "shrinks"),
    (best((1.0, [0.1, 1.0]), (0.1, [0.1]), (0.01, [0.01])), "shrinks"),
    (best((0.01, [0.01, 0.1]), (0.1, [0.01, 0.1])), "unclear"),                 # higher, but within the spread
    (best((0.01, [0.01]), (0.1, [0.1]), (0.01, [0.01])), "unclear"),            # up, then down
    (best((0.01, [0.01]), (0.01, [0.01])), "unclear"),                          # the same rate
    (best((0.1, [0.1])), "unclear"),                                            # one batch size
])
def test_trend_each_way(per_batch, expected):
    assert trend(per_batch) == expected


# --- the grid's facts -------------------------------------------------------------------------------------------

# Too small a rate gets nowhere: the worst point is at the smallest rate. The best rate grows with the batch.
SLOW = grid([(0.001, 16, 0.85, 0.002, "trained"), (0.001, 256, 0.70, 0.002, "trained"),
             (0.01, 16, 0.91, 0.002, "trained"), (0.01, 256, 0.86, 0.002, "trained"),
             (0.1, 16, 0.90, 0.003, "trained"), (0.1, 256, 0.92, 0.001, "trained")])
# Too large a rate bounces: the worst point is at the largest rate. The best rate shrinks with the batch.
FAST = grid([(0.01, 16, 0.90, 0.002, "trained"), (0.01, 64, 0.903, 0.002, "trained"), (0.01, 256, 0.905, 0.002, "trained"),
             (0.1, 16, 0.92, 0.002, "trained"), (0.1, 64, 0.895, 0.002, "trained"), (0.1, 256, 0.89, 0.002, "unstable"),
             (1.0, 16, 0.60, 0.050, "unstable"), (1.0, 64, 0.50, 0.1, "diverged"), (1.0, 256, 0.40, 0.2, "diverged")])


def test_grid_facts_worst_point_at_the_smallest_rate_best_rate_grows():
    f = grid_facts(SLOW)
    assert (f["best"]["lr"], f["best"]["batch_size"], f["best"]["val_accuracy"]) == (0.1, 256, 0.92)
    assert (f["worst"]["lr"], f["worst"]["batch_size"]) == (0.001, 256)
    assert f["best"] == SLOW.iloc[5].to_dict()
    assert f["worst_at"] == "the smallest rate and the largest batch"
    assert f["best_at"] == "the largest rate and the largest batch"
    assert [(b["batch_size"], b["lr"]) for b in f["best_by_batch"]] == [(16, 0.01), (256, 0.1)]
    assert f["trend"] == "grows" and f["n_points"] == 6 and f["best_at_edge"]
    assert (f["trend_moves"], f["trend_ties"], f["trend_steps"]) == (1, 0, 1)
    assert f["pick_lead"] == pytest.approx([0.01, 0.06])  # 0.91 over 0.90 at batch 16, 0.92 over 0.86 at 256
    assert f["rate_steps"] == pytest.approx([10, 10])  # rates 0.001, 0.01, 0.1: evenly spaced
    assert grid_facts(SLOW[SLOW["lr"] != 0.01])["rate_steps"] == pytest.approx([100, 100])
    uneven = grid([(lr, 16, 0.9, 0.0, "trained") for lr in (0.1, 0.5, 2.0, 8.0)])
    assert grid_facts(uneven)["rate_steps"] == pytest.approx([4, 5])  # 0.1 → 0.5 by 5, then by 4
    assert f["status_counts"] == {"trained": 6, "unstable": 0, "diverged": 0}
    assert json.loads(json.dumps(f)) == f  # plain Python values: the summary is JSON


def test_a_change_of_the_best_rate_within_a_tie_is_no_move():
    """At batch 256 the old best rate (0.01) is level with the new one (0.1): the best rate changes, but by a tie."""
    tie = grid([(0.01, 16, 0.91, 0.002, "trained"), (0.1, 16, 0.85, 0.002, "trained"),
                (0.01, 256, 0.899, 0.004, "trained"), (0.1, 256, 0.90, 0.004, "trained")])
    f = grid_facts(tie)
    assert [b["level_lrs"] for b in f["best_by_batch"]] == [[0.01], [0.01, 0.1]]
    assert [b["tied_lrs"] for b in f["best_by_batch"]] == [[], [0.01]]  # alone at batch 16: the sheet names no tie
    assert (f["trend_moves"], f["trend_ties"], f["trend_steps"]) == (0, 1, 1)
    apart = tie.assign(val_accuracy_min=lambda t: t["val_accuracy"] - 0.0004,
                       val_accuracy_max=lambda t: t["val_accuracy"] + 0.0004)  # the same means, narrower seeds
    assert (grid_facts(apart)["trend_moves"], grid_facts(apart)["trend_ties"]) == (1, 0)
    assert move({"lr": 0.1, "level_lrs": [0.1]}, {"lr": 0.1, "level_lrs": [0.1]}) == "none"
    assert move({"lr": 0.1, "level_lrs": [0.1, 1.0]}, {"lr": 1.0, "level_lrs": [1.0]}) == "tie"  # level at the old


def test_grid_facts_worst_point_at_the_largest_rate_best_rate_shrinks():
    f = grid_facts(FAST)
    assert (f["best"]["lr"], f["best"]["batch_size"]) == (0.1, 16) and f["best_at"] == "the smallest batch"
    assert (f["worst"]["lr"], f["worst"]["batch_size"]) == (1.0, 256)
    assert f["worst_at"] == "the largest rate and the largest batch"
    assert [(b["batch_size"], b["lr"]) for b in f["best_by_batch"]] == [(16, 0.1), (64, 0.01), (256, 0.01)]
    assert f["trend"] == "shrinks" and (f["trend_moves"], f["trend_steps"]) == (1, 2)  # it changes once, then stays
    # 0.92 over 0.90 at batch 16, 0.903 over 0.895 at 64; at 256 one rate trained without a failed seed: no lead
    assert f["pick_lead"] == pytest.approx([0.008, 0.02])
    assert grid_facts(FAST[FAST["batch_size"] == 256])["pick_lead"] is None
    assert f["status_counts"] == {"trained": 5, "unstable": 2, "diverged": 2}
    assert sum(f["status_counts"].values()) == f["n_points"] == 9 and list(f["status_counts"]) == list(STATUSES)
    json.dumps(f)


def test_grid_facts_the_ends_of_the_rate_range_against_the_best_of_their_batch():
    """SLOW by hand: the best per batch is 0.91 (batch 16) and 0.92 (batch 256)."""
    f = grid_facts(SLOW)
    small, large = f["smallest_rate"], f["largest_rate"]
    assert small == {"lr": 0.001, "compared": True, "best_at": [], "max_gap": pytest.approx(0.92 - 0.70),
                     "max_gap_batch": 256, "points": 2, "unstable": 0, "ended": "none"}
    assert large == {"lr": 0.1, "compared": True, "best_at": [256], "max_gap": pytest.approx(0.91 - 0.90),
                     "max_gap_batch": 16, "points": 2, "unstable": 0, "ended": "none"}
    # 1.0: every point has a seed unstable or diverged, so none is compared (as in every comparison).
    fast = grid_facts(FAST)["largest_rate"]
    assert fast == {"lr": 1.0, "compared": False, "best_at": [], "max_gap": 0.0, "max_gap_batch": None, "points": 3,
                    "unstable": 3, "ended": "both"}  # one seed unstable, two diverged
    # How the seeds at that rate that did not train ended, each way.
    assert grid_facts(FAST[FAST["status"] != "unstable"])["largest_rate"]["ended"] == "diverged"
    assert grid_facts(FAST[FAST["status"] != "diverged"])["largest_rate"]["ended"] == "unstable"
    assert grid_facts(FAST)["unstable_lrs"] == [0.1, 1.0] and grid_facts(SLOW)["unstable_lrs"] == []
    assert grid_facts(FAST)["unstable_runs"] == FAST["seeds_unstable"].sum() > 0 == grid_facts(SLOW)["unstable_runs"]
    # How the runs that did not train ended: both kinds in FAST; only one kind when the other is left out.
    assert grid_facts(FAST)["runs_ended"] == "both" and grid_facts(FAST)["diverged_runs"] == 2
    assert grid_facts(FAST[FAST["status"] != "unstable"])["runs_ended"] == "diverged"
    assert grid_facts(FAST[FAST["status"] != "diverged"])["runs_ended"] == "unstable"
    # Without 1.0, the largest rate is 0.1, whose batch 256 had a seed unstable: left out, the others compared.
    mixed = grid_facts(FAST[FAST["lr"] < 1.0])["largest_rate"]
    assert mixed["compared"] and mixed["best_at"] == [16] and mixed["unstable"] == 1 and mixed["ended"] == "unstable"
    assert mixed["max_gap"] == pytest.approx(0.903 - 0.895) and mixed["max_gap_batch"] == 64


def test_shortfalls_are_each_points_distance_below_the_best_of_its_batch():
    """SLOW by hand: best 0.91 at batch 16 (rate 0.01), 0.92 at batch 256 (rate 0.1)."""
    table = shortfalls(SLOW)
    assert list(table.index) == [0.001, 0.01, 0.1] and list(table.columns) == [16, 256]
    assert table.to_numpy() == pytest.approx(np.array([[0.91 - 0.85, 0.92 - 0.70], [0.0, 0.92 - 0.86],
                                                       [0.91 - 0.90, 0.0]]))
    # The best of each batch is taken among the points whose seeds all trained, and only those have a shortfall.
    fast = shortfalls(FAST)
    assert fast.loc[0.01, 256] == pytest.approx(0.0) and fast.loc[0.1, 64] == pytest.approx(0.903 - 0.895)
    assert np.isnan(fast.loc[0.1, 256]) and fast.loc[1.0].isna().all()  # unstable or diverged: left out


def test_grid_facts_a_best_point_inside_the_grid():
    g = grid([(lr, bs, acc, 0.001, "trained") for lr, bs, acc in [
        (0.01, 16, 0.80), (0.1, 16, 0.85), (1.0, 16, 0.70),
        (0.01, 64, 0.81), (0.1, 64, 0.95), (1.0, 64, 0.75),
        (0.01, 256, 0.79), (0.1, 256, 0.84), (1.0, 256, 0.72)]])
    f = grid_facts(g)
    assert (f["best"]["lr"], f["best"]["batch_size"], f["best_at"]) == (0.1, 64, "inside")
    assert f["worst_at"] == "the largest rate and the smallest batch"
    assert not f["best_at_edge"] and f["trend"] == "unclear"  # 0.1 at every batch size


def test_grid_facts_place_names_one_axis_when_the_other_is_inside():
    g = grid([(lr, bs, 0.9 - 0.01 * i, 0.001, "trained") for i, (lr, bs) in enumerate(
        [(0.01, 64), (0.1, 16), (0.1, 64), (0.1, 256), (1.0, 64)])])
    f = grid_facts(g)
    assert f["best_at"] == "the smallest rate" and f["worst_at"] == "the largest rate"


def test_table_text_is_the_same_for_rates_read_back_as_integers():
    """grid.csv holds the rate 1.0 as "1": read back it is an integer, computed in the notebook a float."""
    rows = [row(lr=1.0, seed=1, val_accuracy=0.91), row(lr=1.0, seed=2, val_accuracy=0.92), row(lr=2.0, seed=1)]
    t = points_table(runs_table(points_of(rows)))
    as_int = t.assign(lr=t["lr"].astype(int))
    text = table_text(t)
    assert table_text(as_int) == text and "\n1 " in text and "\n1.0 " not in text


# --- enough epochs: the favourite's budget doubled until more no longer help ---------------------------------------

def seeds_of(epochs, *accuracies):
    """A budget's runs as run_setting returns them (W, b, history, row), one per seed."""
    return [("W", "b", [], row(epochs=epochs, seed=s, val_accuracy=a)) for s, a in enumerate(accuracies)]


def trainer(by_epochs):
    """seeds_at(e) for enough_epochs: the seeds' accuracies at each budget, recording what was trained."""
    asked = []

    def seeds_at(e):
        asked.append(e)
        return seeds_of(e, *by_epochs[e])
    return seeds_at, asked


def test_enough_epochs_stops_at_the_first_doubling_that_is_level():
    seeds_at, asked = trainer({20: (0.921, 0.922), 40: (0.9215, 0.9230), 80: (0.99, 0.99)})
    budgets = enough_epochs(seeds_at, seeds_of(10, 0.910, 0.912), 10, doublings=3)
    assert asked == [20, 40] and [b["verdict"] for b in budgets] == [None, "higher", "level"]
    assert enough(budgets)["epochs"] == 20  # 40 did not help: the favourite keeps 20


def test_enough_epochs_a_first_doubling_that_does_not_help_keeps_the_study_budget():
    first = seeds_of(10, 0.920, 0.922)
    seeds_at, asked = trainer({20: (0.915, 0.918)})
    budgets = enough_epochs(seeds_at, first, 10, doublings=2)
    assert asked == [20] and budgets[-1]["verdict"] == "lower"
    assert enough(budgets)["runs"] is first


def test_enough_epochs_still_higher_at_the_cap_keeps_the_last():
    seeds_at, asked = trainer({20: (0.92, 0.921), 40: (0.93, 0.931)})
    budgets = enough_epochs(seeds_at, seeds_of(10, 0.91, 0.911), 10, doublings=2)
    assert asked == [20, 40] and [b["verdict"] for b in budgets] == [None, "higher", "higher"]
    assert enough(budgets)["epochs"] == 40


def test_falls_from_epoch_to_epoch_of_the_seeds_mean_from_epoch_1():
    runs = [({"lr": 0.5, "batch_size": 64, "seed": seed}, [(0.0, a) for a in acc])
            for seed, acc in ((1, [0.1, 0.5, 0.4, 0.45]), (2, [0.1, 0.5, 0.5, 0.45]))]  # mean 0.1, 0.5, 0.45, 0.45
    pts = grid([(0.5, 64, 0.45, 0.0, "trained")])
    out = falls(curves_table(runs), pts)
    assert list(out.columns) == [1, 2] and out.loc[(0.5, 64)].tolist() == pytest.approx([0.05, 0.0])
    assert falls(curves_table(runs), pts.assign(seeds_unstable=1)).empty  # a point with a failed seed: left out


def test_curves_table_one_row_per_run_and_epoch():
    runs = [(row(lr=0.5, batch_size=64, seed=1), [(2.3, 0.1), (0.5, 0.8), (0.4, 0.85)]),
            (row(lr=2.0, batch_size=128, seed=7), [(2.3, 0.1), (0.6, 0.7)])]
    table = curves_table(runs)
    assert len(table) == 5 and list(table.columns) == ["lr", "batch_size", "seed", "epoch", "val_accuracy"]
    assert table.iloc[2].to_dict() == {"lr": 0.5, "batch_size": 64, "seed": 1, "epoch": 2, "val_accuracy": 0.85}
    assert table[table["seed"] == 7]["epoch"].tolist() == [0, 1]


def test_jumps_the_largest_fall_per_rate_and_in_the_last_epochs():
    # Two seeds per point; epoch 0 (the start) never counts.
    acc = {(2.0, 64): [[0.1, 0.90, 0.80, 0.91, 0.92, 0.925], [0.1, 0.90, 0.84, 0.91, 0.92, 0.921]],
           (2.0, 128): [[0.1, 0.90, 0.89, 0.91, 0.92, 0.922]] * 2,
           (0.5, 64): [[0.1, 0.90, 0.91, 0.92, 0.919, 0.92]] * 2,
           (0.5, 128): [[0.5, 0.90, 0.91, 0.91, 0.92, 0.90]] * 2,  # a fall in the last epochs
           (32.0, 64): [[0.1, 0.5, 0.1, 0.1, 0.1, 0.1]] * 2}  # unstable: left out
    runs = [(row(lr=lr, batch_size=bs, seed=s), [(0.0, a) for a in curve])
            for (lr, bs), seeds in acc.items() for s, curve in enumerate(seeds)]
    pts = points_table(pd.DataFrame([r for r, _ in runs]).assign(
        status=lambda t: ["unstable" if lr == 32 else "trained" for lr in t["lr"]]))
    out = jumps(curves_table(runs), pts, 1000)  # accuracies on 1000 images, 2 seeds: a step of 0.0005
    by = {r["lr"]: r for r in out["by_rate"]}
    assert by.keys() == {0.5, 2.0}
    assert by[2.0]["fall"] == pytest.approx(0.08) and by[2.0]["batch_size"] == 64  # 0.90 -> 0.82, the seeds' mean
    assert by[0.5]["fall"] <= 0.0  # it never fell before its last epochs
    assert out["late_fall"] == pytest.approx(0.02)  # 0.92 -> 0.90 at (0.5, 128), in the last 2 epochs
    assert not out["late_steady"]
    assert [r["lr"] for r in out["falling"]] == [2.0] and out["steady_lrs"] == [0.5]
    # A fall of at most one step (one image of one seed), give or take rounding, is no fall.
    noise = curves_table(runs)
    at = (noise["lr"] == 0.5) & (noise["batch_size"] == 64) & (noise["epoch"] == 2)
    noise.loc[at, "val_accuracy"] = 0.90 - 1e-15  # epoch 1 is 0.90: a fall of 1e-15
    tiny = jumps(noise, pts, 1000)
    assert 0 < {r["lr"]: r for r in tiny["by_rate"]}[0.5]["fall"] < 1e-14 and 0.5 in tiny["steady_lrs"]
    noise.loc[at, "val_accuracy"] = 0.90 - 0.0005  # one step
    assert 0.5 in jumps(noise, pts, 1000)["steady_lrs"]
    noise.loc[at, "val_accuracy"] = 0.90 - 0.001  # two steps
    assert 0.5 not in jumps(noise, pts, 1000)["steady_lrs"]
    # The last epochs by the same measure: with (0.5, 64)'s late dip gone, (0.5, 128) ending 0.92 -> 0.9195 (one
    # step) is steady, -> 0.919 is not.
    noise.loc[(noise["lr"] == 0.5) & (noise["batch_size"] == 64) & (noise["epoch"] == 4), "val_accuracy"] = 0.92
    last = (noise["lr"] == 0.5) & (noise["batch_size"] == 128) & (noise["epoch"] == 5)
    noise.loc[last, "val_accuracy"] = 0.92 - 0.0005
    assert jumps(noise, pts, 1000)["late_steady"]
    noise.loc[last, "val_accuracy"] = 0.92 - 0.001
    assert not jumps(noise, pts, 1000)["late_steady"]


def test_jumps_of_runs_too_short_for_the_last_epochs():
    runs = [(row(lr=0.5, batch_size=64, seed=s), [(0.0, a) for a in (0.1, 0.8, 0.7, 0.75)]) for s in (1, 2)]
    pts = points_table(pd.DataFrame([r for r, _ in runs]))
    out = jumps(curves_table(runs), pts, 1000)  # 3 epochs: falls 1 -> 2 and 2 -> 3
    assert out["last_epochs"] == 1 and out["by_rate"][0]["fall"] == pytest.approx(0.1)
    assert out["late_fall"] == pytest.approx(-0.05) and out["late_steady"]  # it rose


def test_neighbours_along_each_axis_each_way():
    """A 3 x 3 grid by hand, the middle point (2.0, 128) at 0.925 ± 0.001 (its two seeds)."""
    means = {(0.5, 64): 0.95, (0.5, 128): 0.921, (0.5, 256): 0.90,
             (2.0, 64): 0.9245, (2.0, 128): 0.925, (2.0, 256): 0.93,
             (8.0, 64): 0.90, (8.0, 128): 0.91, (8.0, 256): 0.90}
    rows = [row(lr=lr, batch_size=bs, seed=s, val_accuracy=a + d, status="unstable" if (lr, bs) == (8.0, 128) else "trained")
            for (lr, bs), a in means.items() for s, d in ((1, -0.001), (2, 0.001))]
    pts = points_table(pd.DataFrame(rows))
    middle = pts[(pts["lr"] == 2.0) & (pts["batch_size"] == 128)].iloc[0]
    near = neighbours(middle, pts)
    # The diagonal (0.5, 64) is far better, but it is not a neighbour along an axis.
    assert [(n["lr"], n["verdict"]) for n in near["by_rate"]] == [(0.5, "lower"), (8.0, "unstable")]
    assert [(n["batch_size"], n["verdict"]) for n in near["by_batch"]] == [(64, "level"), (256, "higher")]
    assert near["by_batch"][1]["val_accuracy"] == pytest.approx(0.93) and not near["none_better"]
    # Without the better batch 256, none is better; at an edge of an axis there is one neighbour on it.
    assert neighbours(middle, pts[pts["batch_size"] < 256])["none_better"]
    corner = pts[(pts["lr"] == 0.5) & (pts["batch_size"] == 64)].iloc[0]
    near = neighbours(corner, pts)
    assert [(n["lr"], n["batch_size"]) for n in near["by_rate"] + near["by_batch"]] == [(2.0, 64), (0.5, 128)]
    assert near["none_better"]


def test_moved_images_counts_each_seeds_change_in_validation_images_both_ways():
    """The favourite's doubling as the sheet reports it: seed by seed, the images gained (+) or lost (−)."""
    assert moved_images([0.9251, 0.9248], [0.9241, 0.9245], 10_000) == [-10, -3]  # both seeds lost
    assert moved_images([0.5, 0.5], [0.5003, 0.5], 10_000) == [3, 0]  # one gained, one unchanged
    with pytest.raises(ValueError):
        moved_images([0.5], [0.5, 0.6], 10)  # a seed without its partner is an error, not a shorter list
