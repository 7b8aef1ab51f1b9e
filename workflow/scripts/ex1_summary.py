"""Exercise 1: the numbers and facts the sheet quotes, in one summary (no torch: it only reads results)."""

import math

from gdlab.facts import epochs_falling, first_at_or_below, outcome
from gdlab.io import read_json, setup_logging, write_json

setup_logging(snakemake.log[0])
rule, tol = snakemake.params.outcome, snakemake.params.tol
closed, mx = read_json(snakemake.input.closed_form), read_json(snakemake.input.max_lr)
curv = closed["curvature"]
(gd,) = [read_json(p) for p in snakemake.input.gd]
runs = sorted((read_json(p) for p in snakemake.input.lr_study), key=lambda r: r["lr"])
cond = sorted((read_json(p) for p in snakemake.input.conditioning), key=lambda c: c["scale"])
reach = tol * math.hypot(*closed["theta"])  # ‖θ − θ*‖ ≤ tol·‖θ*‖ counts as reached


def contraction(lr):
    """max_i |1 − lr·λ_i|: the factor by which GD at ``lr`` shrinks (or, above 1, grows) the error per epoch."""
    return max(abs(1 - lr * lam) for lam in curv["eigenvalues"])


def ended(run):
    h = run["history"]
    return {"outcome": outcome(h["loss"], run["diverged"], **rule),
            "epochs_to_tol": first_at_or_below(h["distance"], reach), "contraction": contraction(run["lr"]),
            # Between 1/λmax and 2/λmax the step overshoots along the steepest direction: the iterates zig-zag.
            "zigzag": 1 / curv["lambda_max"] < run["lr"] < 2 / curv["lambda_max"]}


def showcase(run):
    falls = epochs_falling(run["distance"])
    return {"factor": run["factor"], "lr": run["lr"], "diverged": run["diverged"], "epochs_run": run["epochs_run"],
            "outcome": outcome(run["loss"], run["diverged"], **rule), "steep_factor": abs(1 - run["lr"] * curv["lambda_max"]),
            "steep_grows": abs(1 - run["lr"] * curv["lambda_max"]) > 1,
            "distance_falls_for": falls, "falls_first": falls > 0, "final_distance": run["distance"][-1]}


study = [{k: r[k] for k in ("lr", "diverged", "epochs_run", "final_loss", "final_distance")} | ended(r) for r in runs]
reached = [r for r in study if r["epochs_to_tol"] is not None]
diverged = [r["lr"] for r in study if r["outcome"] == "diverged"]
zigzag = [r["lr"] for r in study if r["zigzag"] and r["outcome"] != "diverged"]
not_reached = [r["lr"] for r in study if r["epochs_to_tol"] is None and r["outcome"] != "diverged"]
write_json(snakemake.output.json, {
    "data_source": "user file" if snakemake.params.user_csv else "generated",
    "single_feature": closed["d"] == 1,
    "closed_form": {k: closed[k] for k in ("theta", "loss", "lstsq_max_abs_diff", "n", "d")},
    "lstsq_theta": closed["lstsq_theta"],
    "curvature": curv | {"one_over_lambda_max": 1 / curv["lambda_max"], "positive_definite": curv["lambda_min"] > 0},
    "tol": tol,
    "gd": {k: gd[k] for k in ("theta", "lr", "epochs", "final_loss", "final_distance", "diverged")} | ended(gd),
    "max_lr": {k: mx[k] for k in ("theory", "empirical", "bracket", "relative_difference", "probe_epochs")}
    | {"probes": len(mx["probes"]), "showcase": [showcase(r) for r in mx["showcase"]]},
    "lr_study": study,
    # Facts the prose picks its sentences by.
    "lr_study_fastest": min(reached, key=lambda r: (r["epochs_to_tol"], r["lr"])) if reached else None,
    "lr_study_diverged": diverged, "lr_study_zigzag": zigzag, "lr_study_not_reached": not_reached,
    "has_fastest": bool(reached), "has_diverged": bool(diverged), "has_zigzag": bool(zigzag),
    "slowest_not_reached": bool(not_reached),
    "conditioning": [{"scale": c["scale"], "condition_number": c["curvature"]["condition_number"],
                      "max_lr": c["curvature"]["max_lr"], "lr": c["lr"], "epochs_to_tol": c["epochs_to_tol"],
                      "max_epochs": c["max_epochs"], "tol": c["tol"]} for c in cond],
})
