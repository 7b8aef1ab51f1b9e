"""Exercise 2: collect the numbers the answer sheet quotes into one summary file."""

import numpy as np

from gdlab.io import read_json, setup_logging, write_json

setup_logging(snakemake.log[0])
prep = read_json(snakemake.input.prepared)
gd = read_json(snakemake.input.gd)
opt = read_json(snakemake.input.optimum)
rng = read_json(snakemake.input.lr_range)
runs = sorted((read_json(p) for p in snakemake.input.lr_study), key=lambda r: r["lr"])
weights = np.array(gd["theta"][1:])
order = np.argsort(-np.abs(weights))
write_json(snakemake.output.json, {
    "lr": gd["lr"], "epochs": gd["epochs"], "diverged": gd["diverged"], "final_cost": gd["final_cost"],
    "train_accuracy": gd["train_accuracy"], "test_accuracy": gd["test_accuracy"], "theta": gd["theta"],
    "feature_mean": prep["feature_mean"], "feature_std": prep["feature_std"], "features": prep["features"],
    "positive_class": prep["positive_class"], "negative_class": prep["negative_class"],
    "data": {k: prep[k] for k in ("n", "n_train", "n_test", "class_counts", "train_positive_fraction",
                                  "test_positive_fraction")},
    "optimum": {"cost": opt["cost"], "theta": opt["theta"], "solver": "scipy L-BFGS-B", "success": opt["success"],
                "cost_gap": gd["final_cost"] - opt["cost"],
                "theta_distance": float(np.linalg.norm(np.array(gd["theta"]) - np.array(opt["theta"])))},
    "max_lr": {"theory": rng["theory_max_lr"], "smoothness_L": rng["smoothness_L"], "range_best_lr": rng["best_lr"],
               "range_best_cost": rng["best_cost"], "range_largest_monotone_lr": rng["largest_monotone_lr"],
               "range_epochs": rng["epochs"]},
    "lr_study": [{k: r[k] for k in ("lr", "diverged", "epochs_run", "final_cost", "train_accuracy", "test_accuracy")}
                 for r in runs],
    "feature_ranking": [{"feature": prep["features"][i], "weight": float(weights[i])} for i in order],
    "dummy": read_json(snakemake.input.dummy),
})
