"""gdlab.grid: runs aggregated into tables, the favourite's deterministic choice, and the grid's facts."""

import json

import numpy as np
import pandas as pd
import pytest

from gdlab.grid import SETTING, choose_favourite, compare, epochs_table, grid_facts, ranked, runs_table, settings_table

RULE = {"tail_fraction": 0.2, "min_tail_epochs": 3, "rtol": 1e-4}


def run(lr=0.1, batch_size=64, seed=1, epochs=3, impl="hand", schedule="constant", loss=None, val=None,
        diverged=False, test_accuracy=0.9):
    loss = loss if loss is not None else [2.3 / (1 + e) for e in range(epochs + 1)]
    val = val if val is not None else [0.1 + 0.2 * e for e in range(len(loss))]
    return {"impl": impl, "schedule": schedule, "lr": lr, "batch_size": batch_size, "epochs": epochs, "seed": seed,
            "diverged": diverged, "epochs_run": len(loss) - 1, "test_accuracy": test_accuracy,
            "history": {"epoch": list(range(len(loss))), "loss": loss, "val_accuracy": val,
                        "train_accuracy": [v + 0.01 for v in val]}}


# --- tables ---------------------------------------------------------------------------------------------

def test_epochs_table_one_row_per_run_and_epoch_sorted():
    runs = [run(lr=1.0, seed=2), run(lr=0.1, seed=2), run(lr=0.1, seed=1)]
    t = epochs_table(runs)
    assert len(t) == 12 and list(t.columns[:6]) == [*SETTING, "seed"]
    assert list(zip(t["lr"], t["seed"], t["epoch"]))[:5] == [(0.1, 1, 0), (0.1, 1, 1), (0.1, 1, 2), (0.1, 1, 3),
                                                            (0.1, 2, 0)]
    assert t[(t["lr"] == 1.0) & (t["epoch"] == 2)]["loss"].item() == pytest.approx(2.3 / 3)


def test_runs_table_summarises_each_run():
    ok = run(lr=0.1, batch_size=64, epochs=3, val=[0.1, 0.5, 0.7, 0.9])
    bad = run(lr=1.0, batch_size=30, epochs=3, loss=[2.3, 50.0], val=[0.1, 0.05], diverged=True, test_accuracy=0.1)
    t = runs_table([bad, ok], n_train=100, summary_epochs=2, outcome_rule=RULE).set_index("lr")
    assert t.loc[0.1, "val_accuracy"] == pytest.approx(0.8)  # mean of the last 2 epochs
    assert t.loc[0.1, "final_val_accuracy"] == 0.9 and t.loc[0.1, "cost"] == pytest.approx(2.3 / 4)
    assert t.loc[0.1, "train_accuracy"] == pytest.approx(0.91) and t.loc[0.1, "test_accuracy"] == 0.9
    assert t.loc[0.1, "outcome"] == "still decreasing" and not t.loc[0.1, "diverged"]
    assert t.loc[0.1, "examples"] == 300 and t.loc[0.1, "steps"] == 3 * 2  # ceil(100/64) = 2 steps an epoch
    # A run stopped after one epoch: its summary is that epoch alone, its cost is still the configured one.
    assert t.loc[1.0, "val_accuracy"] == 0.05 and t.loc[1.0, "epochs_run"] == 1
    assert t.loc[1.0, "outcome"] == "diverged" and t.loc[1.0, "diverged"]
    assert t.loc[1.0, "examples"] == 300 and t.loc[1.0, "steps"] == 3 * 4  # ceil(100/30) = 4
    assert list(t.index) == [0.1, 1.0]  # sorted by setting


def test_settings_table_mean_sample_std_and_worst_outcome():
    runs = [run(seed=s, val=[0.1, 0.2, 0.3, v]) for s, v in ((1, 0.80), (2, 0.84), (3, 0.86))]
    runs[1]["history"]["loss"] = [2.3, 1.0, 1.2, 1.0]  # this seed oscillates
    runs.append(run(lr=1.0, seed=1, val=[0.1, 0.9, 0.9, 0.9]))
    runs.append(run(lr=1.0, seed=2, loss=[2.3, 99.0], val=[0.1, 0.1], diverged=True))
    s = settings_table(runs_table(runs, n_train=100, summary_epochs=1, outcome_rule=RULE)).set_index("lr")
    a = np.array([0.80, 0.84, 0.86])
    assert s.loc[0.1, "val_accuracy"] == pytest.approx(a.mean())
    assert s.loc[0.1, "val_accuracy_std"] == pytest.approx(np.std(a, ddof=1))
    assert s.loc[0.1, "n_seeds"] == 3 and not s.loc[0.1, "diverged"]
    assert s.loc[0.1, "outcome"] == "oscillating"  # the worst of still decreasing, oscillating, still decreasing
    assert s.loc[1.0, "diverged"] and s.loc[1.0, "outcome"] == "diverged"  # one diverged seed is enough
    assert s.loc[0.1, "examples"] == 300 and s.loc[0.1, "steps"] == 6
    for m in ("val_accuracy", "final_val_accuracy", "cost", "train_accuracy", "test_accuracy"):
        assert f"{m}_std" in s.columns


def test_single_seed_has_zero_spread():
    s = settings_table(runs_table([run(seed=1), run(lr=0.5, seed=1)], 100, 1, RULE))
    assert (s["val_accuracy_std"] == 0).all() and (s["n_seeds"] == 1).all()


# --- the favourite ----------------------------------------------------------------------------------------

def settings(rows):
    cols = ["impl", "schedule", "lr", "batch_size", "epochs", "val_accuracy", "examples", "steps", "diverged"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


def test_favourite_is_the_best_when_nothing_is_near_it():
    s = settings([("hand", "constant", 0.1, 64, 10, 0.90, 500, 80, False),
                  ("hand", "constant", 0.01, 64, 10, 0.85, 500, 80, False)])
    assert choose_favourite(s, 0.001)["lr"] == 0.1


def test_favourite_within_tolerance_processes_fewest_examples_then_fewest_steps_then_smaller_rate():
    s = settings([("hand", "constant", 0.1, 64, 30, 0.9000, 1500, 240, False),   # best, but 3× the examples
                  ("hand", "constant", 0.1, 64, 10, 0.8995, 500, 80, False),
                  ("hand", "constant", 0.1, 256, 10, 0.8992, 500, 20, False),    # same examples, fewer steps
                  ("hand", "constant", 0.05, 256, 10, 0.8991, 500, 20, False),   # ... and a smaller rate
                  ("hand", "constant", 0.1, 16, 5, 0.8900, 250, 80, False)])     # cheapest, but not near the best
    assert choose_favourite(s, 0.0)["epochs"] == 30  # no tolerance: the best
    fav = choose_favourite(s, 0.001)
    assert (fav["lr"], fav["batch_size"]) == (0.05, 256)
    fav = choose_favourite(s, 0.00085)  # 0.8991 is no longer near
    assert (fav["lr"], fav["batch_size"]) == (0.1, 256)
    fav = choose_favourite(s, 0.0006)  # only 0.9000 and 0.8995
    assert (fav["lr"], fav["batch_size"], fav["epochs"]) == (0.1, 64, 10)


def test_favourite_counts_examples_before_steps():
    s = settings([("hand", "constant", 0.1, 1024, 10, 0.900, 500, 5, False),    # few steps, more examples
                  ("hand", "constant", 0.1, 16, 5, 0.900, 250, 80, False)])     # fewer examples, more steps
    assert choose_favourite(s, 0.001)["batch_size"] == 16


def test_favourite_never_a_setting_where_a_seed_diverged():
    s = settings([("hand", "constant", 1.0, 64, 10, 0.95, 500, 80, True),
                  ("hand", "constant", 0.1, 64, 10, 0.90, 500, 80, False)])
    assert choose_favourite(s, 0.1)["lr"] == 0.1
    with pytest.raises(ValueError, match="every setting diverged"):
        choose_favourite(s.assign(diverged=True), 0.1)


def test_favourite_does_not_depend_on_row_order():
    s = settings([("hand", "constant", lr, bs, ep, acc, ep * 100, ep * -(-100 // bs), False)
                  for lr, bs, ep, acc in [(0.1, 64, 10, 0.900), (0.1, 16, 10, 0.900), (0.01, 64, 10, 0.900),
                                          (0.1, 64, 5, 0.8995), (1.0, 64, 5, 0.8995), (0.1, 256, 30, 0.901)]])
    choices = {tuple(choose_favourite(s.sample(frac=1.0, random_state=k), 0.002)[SETTING]) for k in range(20)}
    assert choices == {("hand", "constant", 0.1, 64, 5)}


def test_favourite_does_not_depend_on_row_order_when_batch_sizes_give_the_same_steps():
    s = settings([("hand", "constant", 0.1, 60, 10, 0.90, 1000, 20, False),
                  ("hand", "constant", 0.1, 70, 10, 0.90, 1000, 20, False)])
    assert choose_favourite(s, 0.001)["batch_size"] == choose_favourite(s.iloc[::-1], 0.001)["batch_size"]


# --- the grid's facts ---------------------------------------------------------------------------------------

def grid(points):
    """(lr, batch_size, val_accuracy, val_accuracy_std, outcome) per point; diverged iff its outcome says so."""
    return pd.DataFrame([{"lr": lr, "batch_size": bs, "val_accuracy": acc, "val_accuracy_std": sd, "outcome": o,
                          "diverged": o == "diverged", "largest_rise": 0.5 if o == "oscillating" else 0.0,
                          "above_start": False, "seeds_above_start": 0, "n_seeds": 3} for lr, bs, acc, sd, o in points])


# Too small a rate gets nowhere: the worst point is at the smallest rate. The best rate grows with the batch.
SLOW = grid([(0.001, 16, 0.85, 0.002, "still decreasing"), (0.001, 256, 0.70, 0.002, "still decreasing"),
             (0.01, 16, 0.91, 0.002, "converged"), (0.01, 256, 0.86, 0.002, "still decreasing"),
             (0.1, 16, 0.90, 0.003, "oscillating"), (0.1, 256, 0.92, 0.001, "converged")])
# Too large a rate bounces: the worst point is at the largest rate. The best rate shrinks with the batch.
FAST = grid([(0.01, 16, 0.90, 0.002, "converged"), (0.01, 256, 0.903, 0.002, "converged"),
             (0.1, 16, 0.92, 0.002, "converged"), (0.1, 256, 0.895, 0.002, "oscillating"),
             (1.0, 16, 0.60, 0.050, "oscillating"), (1.0, 256, 0.40, 0.200, "diverged")])


def test_grid_facts_worst_point_at_the_smallest_rate():
    f = grid_facts(SLOW)
    assert f["worst"] == {"lr": 0.001, "batch_size": 256, "val_accuracy": 0.70, "val_accuracy_std": 0.002,
                          "outcome": "still decreasing", "largest_rise": 0.0, "above_start": False,
                          "seeds_above_start": 0, "n_seeds": 3}
    assert f["best"]["lr"] == 0.1 and f["best"]["batch_size"] == 256 and f["best"]["outcome"] == "converged"
    assert f["best_lr_by_batch"] == [{"batch_size": 16, "lr": 0.01, "val_accuracy": 0.91},
                                     {"batch_size": 256, "lr": 0.1, "val_accuracy": 0.92}]
    assert f["best_lr_grows_with_batch"] is True
    assert f["any_diverged"] is False and f["n_diverged"] == 0
    json.dumps(f)  # plain Python values: the summary is JSON


def test_grid_facts_worst_point_at_the_largest_rate():
    f = grid_facts(FAST)
    # The diverged point is never best or worst; the worst that trained is the largest rate, bouncing.
    assert f["worst"]["lr"] == 1.0 and f["worst"]["batch_size"] == 16 and f["worst"]["outcome"] == "oscillating"
    assert (f["best"]["lr"], f["best"]["batch_size"]) == (0.1, 16)
    assert [(b["batch_size"], b["lr"]) for b in f["best_lr_by_batch"]] == [(16, 0.1), (256, 0.01)]
    assert f["best_lr_grows_with_batch"] is False
    assert f["any_diverged"] is True and f["n_diverged"] == 1
    json.dumps(f)


def test_best_lr_must_strictly_grow_somewhere():
    flat = grid([(0.01, 16, 0.9, 0.0, "converged"), (0.1, 16, 0.8, 0.0, "converged"),
                 (0.01, 64, 0.9, 0.0, "converged"), (0.1, 64, 0.8, 0.0, "converged")])
    assert grid_facts(flat)["best_lr_grows_with_batch"] is False
    one_batch = grid([(0.01, 16, 0.9, 0.0, "converged"), (0.1, 16, 0.8, 0.0, "converged")])
    assert grid_facts(one_batch)["best_lr_grows_with_batch"] is False


def test_batch_effect_verdicts_per_rate():
    slow = {e["lr"]: e for e in grid_facts(SLOW)["batch_effect"]}
    assert [e for e in slow] == [0.001, 0.01, 0.1]
    assert slow[0.001]["large_vs_small"] == "lower"  # 0.70 vs 0.85, spreads 0.004
    assert slow[0.1]["large_vs_small"] == "higher"  # 0.92 vs 0.90, spreads 0.004
    assert slow[0.1]["small"]["batch_size"] == 16 and slow[0.1]["large"]["batch_size"] == 256
    fast = {e["lr"]: e for e in grid_facts(FAST)["batch_effect"]}
    assert fast[0.01]["large_vs_small"] == "within spread"  # 0.903 vs 0.900, spreads 0.004
    assert fast[0.1]["large_vs_small"] == "lower"
    assert fast[1.0]["large_vs_small"] == "large diverged"


def test_batch_effect_divergence_verdicts():
    def verdict(small, large):
        g = grid([(0.5, 16, 0.5, 0.0, small), (0.5, 64, 0.6, 0.0, large), (0.01, 16, 0.9, 0.0, "converged")])
        return {e["lr"]: e["large_vs_small"] for e in grid_facts(g)["batch_effect"]}[0.5]

    assert verdict("converged", "diverged") == "large diverged"
    assert verdict("diverged", "converged") == "small diverged"
    assert verdict("diverged", "diverged") == "both diverged"
    assert verdict("converged", "converged") == "higher"


def test_grid_facts_when_every_point_diverged():
    f = grid_facts(grid([(1.0, 16, 0.10, 0.0, "diverged"), (2.0, 16, 0.08, 0.0, "diverged")]))
    assert f["any_diverged"] and f["n_diverged"] == 2 and f["worst"]["lr"] == 2.0


def test_compare_uses_the_seeds_spread():
    a = pd.Series({"val_accuracy": 0.92, "val_accuracy_std": 0.001})
    b = pd.Series({"val_accuracy": 0.90, "val_accuracy_std": 0.002})
    assert compare(a, b) == "higher" and compare(b, a) == "lower"
    assert compare(a, b.copy().replace({0.002: 0.03})) == "within spread"


def test_where_the_worst_point_is_and_how_the_best_rate_grows():
    slow, fast = grid_facts(SLOW), grid_facts(FAST)
    assert slow["worst_at"] == "the smallest rate" and fast["worst_at"] == "the largest rate"
    middle = grid([(0.01, 16, 0.90, 0.002, "converged"), (0.1, 16, 0.80, 0.002, "oscillating"),
                   (1.0, 16, 0.85, 0.002, "oscillating")])
    assert grid_facts(middle)["worst_at"] == "a middle rate"
    # SLOW: best 0.01 at batch 16, 0.1 at 256: ten times the rate for sixteen times the batch.
    assert slow["best_lr_grows_with_batch"] and slow["best_lr_grows_less_than_batch"]
    steep = grid([(0.001, 16, 0.91, 0.002, "converged"), (0.001, 32, 0.80, 0.002, "still decreasing"),
                  (0.1, 16, 0.85, 0.002, "oscillating"), (0.1, 32, 0.92, 0.002, "converged")])
    f = grid_facts(steep)  # a hundred times the rate for twice the batch: more than proportionally
    assert f["best_lr_grows_with_batch"] and not f["best_lr_grows_less_than_batch"]
    assert f["worst"]["largest_rise"] == 0.0 and grid_facts(middle)["worst"]["largest_rise"] == 0.5


def test_runs_table_records_the_largest_rise_and_a_cost_above_its_start():
    runs = [{"impl": "hand", "schedule": "constant", "lr": lr, "batch_size": 64, "epochs": 4, "seed": 1,
             "epochs_run": 4, "diverged": False, "test_accuracy": 0.9,
             "history": {"loss": loss, "val_accuracy": [0.1, 0.5, 0.6, 0.7, 0.8], "train_accuracy": [0.1] * 5}}
            for lr, loss in ((0.1, [2.3, 1.0, 0.8, 0.7, 0.6]), (1.0, [2.3, 1.0, 3.0, 1.5, 2.4]))]
    table = runs_table(runs, n_train=100, summary_epochs=2,
                       outcome_rule={"tail_fraction": 0.5, "min_tail_epochs": 2, "rtol": 1e-4})
    calm, wild = table.iloc[0], table.iloc[1]
    assert calm["largest_rise"] == 0.0 and not calm["above_start"] and calm["outcome"] == "still decreasing"
    assert wild["largest_rise"] == pytest.approx(0.6) and wild["above_start"] and wild["outcome"] == "oscillating"
    assert settings_table(table)["largest_rise"].tolist() == [0.0, pytest.approx(0.6)]


def test_settings_table_counts_the_seeds_that_end_above_their_start():
    def run(seed, loss):
        return {"impl": "hand", "schedule": "constant", "lr": 1.0, "batch_size": 64, "epochs": 4, "seed": seed,
                "epochs_run": 4, "diverged": False, "test_accuracy": 0.9,
                "history": {"loss": loss, "val_accuracy": [0.5] * 5, "train_accuracy": [0.5] * 5}}
    rule = {"tail_fraction": 0.5, "min_tail_epochs": 2, "rtol": 1e-4}
    table = runs_table([run(1, [2.3, 1.0, 3.0, 1.5, 2.4]), run(2, [2.3, 5.0, 0.5, 1.9, 0.4]),
                        run(3, [2.3, 1.0, 0.9, 0.8, 0.7])], n_train=100, summary_epochs=2, outcome_rule=rule)
    row = settings_table(table).iloc[0]
    # One seed of three ends above its start; the largest rise (seed 2: 0.5 -> 1.9) is another seed's.
    assert row["above_start"] and row["seeds_above_start"] == 1 and row["n_seeds"] == 3
    assert row["largest_rise"] == pytest.approx(2.8)
    calm = settings_table(table[table["seed"] == 3]).iloc[0]
    assert not calm["above_start"] and calm["seeds_above_start"] == 0


def test_ranked_puts_the_best_point_last_ties_by_rate_and_diverged_points_only_when_all_did():
    g = grid([(0.01, 16, 0.90, 0.002, "converged"), (0.1, 16, 0.90, 0.002, "converged"),
              (1.0, 16, 0.95, 0.002, "diverged"), (0.001, 16, 0.80, 0.002, "still decreasing")])
    order = ranked(g)
    assert order["lr"].tolist() == [0.001, 0.01, 0.1]  # the diverged point (0.95) is never the best
    assert order.iloc[-1]["lr"] == 0.1  # a tie goes to the larger rate, the last in the order
    every = grid([(0.1, 16, 0.30, 0.01, "diverged"), (1.0, 16, 0.20, 0.01, "diverged")])
    assert ranked(every)["lr"].tolist() == [1.0, 0.1]  # all diverged: the least bad last
