"""Exercises 4-6: the numbers and facts the review answers, the reading summary and the calculus quote."""

import math

from gdlab.facts import direction, epochs_falling, strictly_increasing

# GD on c₁ counts as stuck from a start where its steps lowered c₁ by less than this fraction of where it began.
STUCK_FRACTION = 0.1
from gdlab.io import read_json, setup_logging, write_json

setup_logging(snakemake.log[0])
over = read_json(snakemake.input.overfit)
h = over["history"]
sizes = sorted((read_json(p) for p in snakemake.input.data_size), key=lambda r: r["n_train"])
best_cost = epochs_falling(h["test_cost"])  # the epoch of the lowest test cost
test_error = [1 - a for a in h["test_accuracy"]]
best_error = epochs_falling(test_error)
calc = read_json(snakemake.input.calculus)


def progress(path):
    """stuck: c₁ fell by less than STUCK_FRACTION of its start; slow: it fell more but GD is still in the concave
    region x < −log 2; fast: it got out of it."""
    if path["c1"][0] - path["c1"][-1] < STUCK_FRACTION * path["c1"][0]:
        return "stuck"
    return "slow" if path["x"][-1] < -math.log(2) else "fast"


descent = [{"start": p["start"], "c1_start": p["c1"][0], "c1_end": p["c1"][-1], "x_start": p["x"][0],
            "x_end": p["x"][-1], "steps": len(p["x"]) - 1, "progress": progress(p),
            "drop_fraction": (p["c1"][0] - p["c1"][-1]) / p["c1"][0]} for p in calc["c1_descent"]]
write_json(snakemake.output.json, {
    "overfit": {"n_train": over["n_train"], "epochs": over["epochs"], "lr": over["lr"],
                "final_train_cost": h["loss"][-1], "final_train_accuracy": h["train_accuracy"][-1],
                "final_train_error": 1 - h["train_accuracy"][-1],
                "min_test_cost": h["test_cost"][best_cost], "min_test_cost_epoch": h["epoch"][best_cost],
                "final_test_cost": h["test_cost"][-1], "test_cost_rise": h["test_cost"][-1] - h["test_cost"][best_cost],
                "min_test_error": test_error[best_error], "min_test_error_epoch": h["epoch"][best_error],
                "final_test_error": test_error[-1], "test_error_rise": test_error[-1] - test_error[best_error],
                "test_cost_rises": h["test_cost"][-1] > h["test_cost"][best_cost],
                # Does the error follow the cost once the cost has passed its minimum?
                "error_at_min_cost": test_error[best_cost],
                "error_after_min_cost": direction(test_error[best_cost], test_error[-1]),
                "train_cost_falls_throughout": all(b <= a for a, b in zip(h["loss"], h["loss"][1:]))},
    "data_size": {"runs": sizes, "epochs": sizes[0]["epochs"],
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
    "ex5": read_json(snakemake.input.ex5),
    "calculus": {"all_passed": calc["all_passed"]},
    "c1_descent": {"runs": descent, "steps": descent[0]["steps"], "stuck_fraction": STUCK_FRACTION,
                   **{f"{kind}": [d for d in descent if d["progress"] == kind] for kind in ("stuck", "slow", "fast")},
                   **{f"any_{kind}": any(d["progress"] == kind for d in descent) for kind in ("stuck", "slow", "fast")}},
})
