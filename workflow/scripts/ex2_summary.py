"""Exercise 2: the numbers and facts the sheet quotes, in one summary (no torch: it only reads results)."""

import numpy as np
from scipy.stats import binomtest

from gdlab.facts import fastest, outcome, peak, period_two, range_test_facts, splits, within_one_step
from gdlab.io import read_json, setup_logging, write_json

setup_logging(snakemake.log[0])
rule = snakemake.params.outcome
prep, opt, rng, add = (read_json(getattr(snakemake.input, k)) for k in ("prepared", "optimum", "lr_range", "additions"))
study = read_json(snakemake.input.gd)
by_lr = {r["lr"]: r | {"epochs": study["epochs"]} for r in study["runs"]}
gd, runs = by_lr[snakemake.params.lr], [by_lr[lr] for lr in snakemake.params.lr_study]
bound = rng["theory_max_lr"]


NEAR = snakemake.params.near_minimum  # a cost within this of the L-BFGS minimum has reached it (relative)


def ended(run):
    """How the run ended; whether it is caught in a 2-cycle (then both costs of the cycle); above the bound 2/L;
    the first epoch at which its cost is within NEAR of the minimum (None: never)."""
    costs = run["cost"]
    cycle = period_two(costs, rule["rtol"])
    return {"lr": run["lr"], "outcome": outcome(costs, **rule), "initial_cost": costs[0], "final_cost": costs[-1],
            "accuracy": run["accuracy"][-1], "accuracy_peak": peak(run["accuracy"]),
            "period_two": cycle, "cycle": sorted(costs[-2:]) if cycle else None,
            "above_bound": run["lr"] > bound, "above_start": costs[-1] > costs[0],
            "epochs_to_minimum": next((t for t, c in enumerate(costs) if c - opt["cost"] <= NEAR * opt["cost"]), None)}


study, main = [ended(r) for r in runs], ended(gd)
pick = ended(rng["pick"])  # the range test's pick, run as long as the study's runs
converged = [r for r in study if r["outcome"] == "converged"]
cycling = [r for r in study if r["period_two"]]  # caught in a 2-cycle
quickest = fastest(converged, "epochs_to_minimum")
range_test = range_test_facts(rng["probes"])
h = add["heldout"]
errors = round((1 - h["test_accuracy"][-1]) * prep["n_test"])  # of the held-out patients
used = prep["used"]
weights = np.array(add["reduced"]["W"][0][1:])
col = prep["collinearity"]
write_json(snakemake.output.json, {
    "data": {k: prep[k] for k in ("n", "n_train", "n_test", "class_counts", "test_positive_fraction", "features", "used",
                                  "dropped", "positive_class", "negative_class", "scale")},
    "dummy": read_json(snakemake.input.dummy),
    "gd": main | {"epochs": gd["epochs"]},
    "optimum": {k: opt[k] for k in ("cost", "solver", "success", "abs_cost_gap", "W_distance", "move")},
    "lr_study": study,
    "by_outcome": {k: [r["lr"] for r in study if r["outcome"] == k]
                   for k in ("converged", "still decreasing", "oscillating", "unstable", "diverged")},
    "converged_lrs": [r["lr"] for r in converged],
    "converged_epochs": [r["epochs_to_minimum"] for r in converged],
    "above_start_lrs": [r["lr"] for r in study if r["above_start"]],
    # Among the converged runs, does a larger rate reach the minimum in fewer epochs?
    "larger_converges_faster": len(converged) > 1 and all(
        a["epochs_to_minimum"] is not None and b["epochs_to_minimum"] is not None
        and b["epochs_to_minimum"] < a["epochs_to_minimum"] for a, b in zip(converged, converged[1:])),
    "near_minimum": NEAR,
    # Accuracy is not what GD minimises: rates whose run, away from the minimum, classifies more patients correctly.
    "more_accurate_than_minimum": [r["lr"] for r in study if r["accuracy"] > main["accuracy"]],
    # The rate to recommend: the converged run of the study that reached the minimum in the fewest epochs.
    "fastest": quickest,
    # The range test's pick run to the end: its outcome, and the epochs it took to the minimum against the study's
    # fastest rate.
    "pick": pick | {"faster_than_study": quickest is not None and pick["epochs_to_minimum"] is not None
                    and pick["epochs_to_minimum"] < quickest["epochs_to_minimum"]},
    "range_best_above_bound": range_test["best_lr"] is not None and range_test["best_lr"] > bound,
    # Does the range test's pick (the lowest cost after its short runs) point at the fastest rate of the study, within
    # one step of the test's grid?
    "range_picks_fastest": quickest is not None and range_test["best_lr"] is not None and within_one_step(
        quickest["lr"], range_test["best_lr"], [p["lr"] for p in rng["probes"]]),
    "period_two": cycling,
    # The curvature at the minimum and its bound 2/λmax(H*); does it tell the converged rates from the 2-cycles?
    "local_bound": {"curvature": opt["curvature"], "bound": opt["local_bound"],
                    "splits": splits(opt["local_bound"], [r["lr"] for r in converged], [r["lr"] for r in cycling])},
    "main_lr_below_bound": gd["lr"] < bound,
    "converged_above_bound": [r["lr"] for r in study if r["above_bound"] and r["outcome"] == "converged"],
    "max_lr": {"theory": bound, "smoothness_L": rng["smoothness_L"], "range_epochs": rng["epochs"],
               **{f"range_{k}": v for k, v in range_test.items()},
               "range_last_ratio": rng["probes"][-1]["final_cost"] / rng["initial_cost"]
               if rng["probes"][-1]["finite"] else None},
    "heldout": {"train_accuracy": h["train_accuracy"][-1], "test_accuracy": h["test_accuracy"][-1],
                "train_cost": h["train_cost"][-1], "test_cost": h["test_cost"][-1], "n_test": prep["n_test"],
                "majority": max(prep["test_positive_fraction"], 1 - prep["test_positive_fraction"]),
                "test_errors": errors, "confidence": snakemake.params.confidence,
                # The Wilson score interval: inside [0, 1], and not empty where every patient is right or wrong.
                "interval": list(binomtest(prep["n_test"] - errors, prep["n_test"]).proportion_ci(
                    confidence_level=snakemake.params.confidence, method="wilson"))},
    "collinearity": col | {"rank_deficient": col["rank"] < col["n_columns"], "model_rank": prep["model_rank"],
                           # Each dependency's constant is shown only when it exceeds the file's rounding (the
                           # largest residual): a constant of 1e-9 is the precision of the CSV, not part of the law.
                           "dependencies": [d | {"constant_shown": abs(d["constant"]) > d["max_abs_residual"]}
                                            for d in col["dependencies"]],
                           "model_columns": prep["model_columns"],
                           "model_full_rank": prep["model_rank"] == prep["model_columns"]},
    "feature_ranking": [{"feature": used[i], "weight": float(weights[i])} for i in np.argsort(-np.abs(weights), kind="stable")],
})
