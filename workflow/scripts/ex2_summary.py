"""Exercise 2: the numbers and facts the sheet quotes, in one summary (no torch: it only reads results)."""

import numpy as np

from gdlab.facts import best_heldout, direction, epochs_falling, outcome, period_two
from gdlab.io import read_json, setup_logging, write_json

setup_logging(snakemake.log[0])
rule = snakemake.params.outcome
prep, opt, rng = (read_json(getattr(snakemake.input, k)) for k in ("prepared", "optimum", "lr_range"))
(gd,) = [read_json(p) for p in snakemake.input.gd]
runs = sorted((read_json(p) for p in snakemake.input.lr_study), key=lambda r: r["lr"])


bound = rng["theory_max_lr"]


def ended(run):
    """The run's outcome; whether it ended above its starting cost (training made it worse), is caught in a
    2-cycle (then both costs of the cycle), and ran above the sufficient bound 2/L."""
    costs = run["history"]["loss"]
    cycle = period_two(costs, rule["rtol"])
    return {"outcome": outcome(costs, run["diverged"], **rule), "above_start": run["final_cost"] > run["initial_cost"],
            "period_two": cycle, "cycle": sorted(costs[-2:]) if cycle else None, "above_bound": run["lr"] > bound}


def heldout(run):
    """Does the held-out error follow the held-out cost once that cost has passed its minimum?"""
    h = run["history"]
    low = epochs_falling(h["test_cost"])
    error = [1 - a for a in h["test_accuracy"]]
    return {"min_cost": h["test_cost"][low], "min_cost_epoch": h["epoch"][low], "final_cost": h["test_cost"][-1],
            "cost_after_min": direction(h["test_cost"][low], h["test_cost"][-1]),
            "error_at_min_cost": error[low], "final_error": error[-1],
            "error_after_min_cost": direction(error[low], error[-1]), "n": prep["n_test"], "one_patient": 1 / prep["n_test"]}


weights = np.array(gd["theta"][1:])
finite = [p for p in rng["probes"] if not p["diverged"]]
full = opt["full"]
write_json(snakemake.output.json, {
    "data": {k: prep[k] for k in ("csv", "label", "n", "n_train", "n_test", "class_counts", "train_positive_fraction",
                                  "test_positive_fraction", "features", "all_features", "dropped", "feature_mean",
                                  "feature_std", "positive_class", "negative_class")} | {"has_dropped": bool(prep["dropped"])},
    "collinearity": prep["collinearity"] | {"model_rank": prep["model_rank"], "model_columns": prep["model_columns"],
                                            "rank_deficient": prep["collinearity"]["rank"] < prep["collinearity"]["n_columns"],
                                            "model_full_rank": prep["model_rank"] == prep["model_columns"]},
    "nonunique": {k: full[k] for k in ("cost", "shift", "moved_cost", "cost_change", "steep_cost_change", "gd_cost",
                                       "gd_along_null",
                                       "optimum_along_null")},
    "gd": {k: gd[k] for k in ("lr", "epochs", "diverged", "initial_cost", "final_cost", "train_accuracy",
                              "test_accuracy", "theta")} | ended(gd),
    "heldout": heldout(gd),
    "optimum": {"cost": opt["model"]["cost"], "solver": opt["model"]["solver"], "success": opt["model"]["success"],
                "cost_gap": gd["final_cost"] - opt["model"]["cost"], "abs_cost_gap": abs(gd["final_cost"] - opt["model"]["cost"]),
                "theta_distance": float(np.linalg.norm(np.array(gd["theta"]) - np.array(opt["model"]["theta"])))},
    "lr_study": [{k: r[k] for k in ("lr", "diverged", "epochs_run", "initial_cost", "final_cost", "train_accuracy",
                                    "test_accuracy")} | ended(r) for r in runs],
    "lr_study_oscillating": [{"lr": r["lr"], **ended(r)} for r in runs if ended(r)["outcome"] == "oscillating"],
    "lr_study_heldout": best_heldout([{"lr": r["lr"], "test_accuracy": r["test_accuracy"], **ended(r)} for r in runs],
                                     prep["n_test"]),
    "any_period_two": any(ended(r)["period_two"] for r in runs),
    "main_lr_below_bound": gd["lr"] < bound,
    "lr_above_bound_converged": any(ended(r)["above_bound"] and ended(r)["outcome"] == "converged" for r in runs),
    "max_lr": {"theory": rng["theory_max_lr"], "smoothness_L": rng["smoothness_L"], "range_epochs": rng["epochs"],
               "range_best_lr": min(finite, key=lambda p: p["final_cost"])["lr"] if finite else None,
               "range_largest_monotone_lr": max((p["lr"] for p in finite if p["monotone"]), default=None)},
    "feature_ranking": [{"feature": prep["features"][i], "weight": float(weights[i])}
                        for i in np.argsort(-np.abs(weights), kind="stable")],
    "dummy": read_json(snakemake.input.dummy),
})
