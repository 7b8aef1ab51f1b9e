"""Exercises 4-6: the numbers and facts the review answers, the reading summary and the calculus quote."""

import math
import sys

from gdlab.calculus import c1_progress
from gdlab.facts import across_seeds, direction, epochs_falling, strictly_increasing
from gdlab.io import read_json, setup_logging, write_json

STUCK_FRACTION = snakemake.params.stuck_fraction  # config ex6.c1_descent.stuck_fraction

setup_logging(snakemake.log[0])
# Per share of random labels, its runs in the config's order of seeds (the first is the one drawn).
overfit = sorted((read_json(p) for p in snakemake.input.overfit), key=lambda r: r["label_noise"])
clean, noisy = overfit[0]["runs"], overfit[-1]["runs"]
sizes = sorted((read_json(p) for p in snakemake.input.data_size), key=lambda r: r["n_train"])
calc = read_json(snakemake.input.calculus)


def overfitting(run):
    """Where the test cost and the test error were lowest, where they end, and how far each rose after its minimum."""
    error = [1 - a for a in run["test_accuracy"]]
    low_cost, low_error = epochs_falling(run["test_cost"]), epochs_falling(error)
    return {"label_noise": run["label_noise"], "labels_changed": run["labels_changed"],
            "final_train_cost": run["train_cost"][-1], "final_train_error": 1 - run["train_accuracy"][-1],
            "min_test_cost": run["test_cost"][low_cost], "min_test_cost_epoch": low_cost,
            "final_test_cost": run["test_cost"][-1], "cost_rise": run["test_cost"][-1] - run["test_cost"][low_cost],
            "min_test_error": error[low_error], "min_test_error_epoch": low_error, "final_test_error": error[-1],
            "error_rise": error[-1] - error[low_error], "error_at_min_cost": error[low_cost],
            "error_after_min_cost": direction(error[low_cost], error[-1]),
            "train_cost_falls_throughout": all(b <= a for a, b in zip(run["train_cost"], run["train_cost"][1:]))}


def over_seeds(runs):
    """The first seed's run (the one drawn), and how the test error's rise came out over all seeds."""
    each = [overfitting(r) for r in runs]
    return each[0] | across_seeds([f["error_rise"] for f in each])


descent = [{"start": p["start"], "c1_start": p["c1"][0], "c1_end": p["c1"][-1], "x_start": p["x"][0],
            "x_end": p["x"][-1], "steps": len(p["x"]) - 1, "progress": c1_progress(p, STUCK_FRACTION),
            "drop_fraction": (p["c1"][0] - p["c1"][-1]) / p["c1"][0]} for p in calc["c1_descent"]]
write_json(snakemake.output.json, {
    "overfit": {"n_train": overfit[0]["n_train"], "epochs": overfit[0]["epochs"], "lr": overfit[0]["lr"],
                "seed": clean[0]["seed"],
                "clean": over_seeds(clean), "noisy": over_seeds(noisy)},
    "data_size": {"runs": sizes, "epochs": sizes[0]["epochs"], "lr": sizes[0]["lr"],  # one rate for every size
                  "train_cost_grows_with_n": strictly_increasing([r["final_train_cost"] for r in sizes]),
                  "train_cost_grows_with_n_at_half": strictly_increasing([r["half_train_cost"] for r in sizes]),
                  "grows_at_both_budgets": strictly_increasing([r["half_train_cost"] for r in sizes])
                  and strictly_increasing([r["final_train_cost"] for r in sizes]),
                  "perfect_fit_sizes": [r["n_train"] for r in sizes if r["train_accuracy"] == 1.0],
                  "has_perfect_fit": any(r["train_accuracy"] == 1.0 for r in sizes),
                  "all_still_falling": all(r["final_train_cost"] < r["half_train_cost"] for r in sizes),
                  "half_epochs": sizes[0]["epochs"] // 2,
                  "test_cost_falls_with_n": strictly_increasing([-r["final_test_cost"] for r in sizes]),
                  "still_falling": [r["n_train"] for r in sizes if r["final_train_cost"] < r["half_train_cost"]]},
    # λmin·λmax = det H: 1 for the merely scaled feature, so that 1/λmax = λmin (it looks like a typo otherwise).
    "ex5": (e5 := read_json(snakemake.input.ex5)) | {"reciprocal": abs(e5["lambda_min"] * e5["lambda_max"] - 1) < 1e-9},
    "calculus": {"all_passed": calc["all_passed"]},
    # The textbook sigmoid 1/(1 + exp(−z)) overflows where exp(−z) exceeds the largest float64.
    "exp_overflow_z": -math.log(sys.float_info.max),
    "c1_descent": {"runs": descent, "steps": descent[0]["steps"], "stuck_fraction": STUCK_FRACTION,
                   **{f"{kind}": [d for d in descent if d["progress"] == kind] for kind in ("stuck", "slow", "fast")},
                   **{f"any_{kind}": any(d["progress"] == kind for d in descent) for kind in ("stuck", "slow", "fast")}},
})
