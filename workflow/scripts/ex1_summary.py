"""Exercise 1: the numbers and facts the sheet quotes, in one summary (no torch: it only reads results)."""

import math

from gdlab.facts import epochs_falling, error_factors, first_at_or_below, mirrored, outcome
from gdlab.facts import fastest as first_to_arrive
from gdlab.io import read_json, setup_logging, write_json

RTOL = 1e-9  # lr·λ within this of 1 or 2 is that boundary itself, not beyond it (λ carries rounding)
setup_logging(snakemake.log[0])
rule, tol = snakemake.params.outcome, snakemake.params.tol
closed, mx = read_json(snakemake.input.closed_form), read_json(snakemake.input.max_lr)
curv = closed["curvature"]
study = read_json(snakemake.input.gd)
by_lr = {r["lr"]: r | {"epochs": study["epochs"]} for r in study["runs"]}
gd, runs = by_lr[snakemake.params.lr], [by_lr[lr] for lr in snakemake.params.lr_study]
order = {v: i for i, v in enumerate(["raw", "centred", "scaled", "standardised"])}
scaling = sorted((read_json(p) for p in snakemake.input.scaling), key=lambda r: order[r["variant"]])
reach = tol * math.hypot(*closed["a"])  # ‖a − a*‖ ≤ tol·‖a*‖ counts as reached


def contraction(lr):
    """max_i |1 − lr·λ_i|: the factor by which GD at ``lr`` shrinks (or, above 1, grows) the error per epoch."""
    return max(abs(f) for f in error_factors(curv["eigenvalues"], lr))


def steep_factor(lr):
    """1 − lr·λmax, with its sign: the error's factor per epoch along the steepest direction."""
    return error_factors([curv["lambda_max"]], lr)[0]


def first_above(costs, factor):
    """The first epoch whose cost exceeds ``factor`` × the start (None: never)."""
    return next((i for i, c in enumerate(costs) if not c <= factor * costs[0]), None)


def ended(run):
    costs = run["cost"]
    return {"lr": run["lr"], "outcome": outcome(costs, **rule), "epochs_to_tol": first_at_or_below(run["distance"], reach),
            "final_cost": costs[-1], "final_distance": run["distance"][-1], "contraction": contraction(run["lr"]),
            "steep_factor": steep_factor(run["lr"]),
            "diverged_at": first_above(costs, rule["divergence_factor"]),
            # Between 1/λmax and 2/λmax the step overshoots along the steepest direction: the iterates zig-zag
            # (beyond rounding: at lr = 1/λmax exactly, one step lands on the minimum).
            "zigzag": 1 + RTOL < run["lr"] * curv["lambda_max"] < 2 * (1 - RTOL)}


def showcase(run):
    falls = epochs_falling(run["distance"])
    return {"factor": run["factor"], "lr": run["lr"], "outcome": outcome(run["cost"], **rule),
            "steep_factor": abs(steep_factor(run["lr"])), "steep_grows": abs(steep_factor(run["lr"])) > 1,
            "distance_falls_for": falls, "falls_first": falls > 0, "final_distance": run["distance"][-1],
            "diverged_at": first_above(run["cost"], rule["divergence_factor"])}


def epoch_error(s):
    """|measured − predicted| epochs of one scaling variant; a variant that did not arrive within its budget agrees
    with theory when theory, too, needs more than that budget."""
    m, p = s["epochs_measured"], s["epochs_predicted"]
    if m is None:
        return 0 if p is None or p > s["max_epochs"] else math.inf
    return math.inf if p is None else abs(m - p)


study = [ended(r) for r in runs]
by = {k: [r["lr"] for r in study if r["outcome"] == k] for k in ("converged", "still decreasing", "oscillating",
                                                                   "unstable", "diverged")}
zigzag = [r["lr"] for r in study if r["zigzag"] and r["outcome"] in ("converged", "still decreasing")]
identity_deviation = max(abs(h - (i == j)) for i, row in enumerate(closed["hessian"]) for j, h in enumerate(row))
# With one curvature, rates whose factors are opposite give the same loss curve (the dashed lie on the solid).
one_curvature = curv["lambda_max"] - curv["lambda_min"] <= 1e-12 * curv["lambda_max"]
fastest = first_to_arrive(study, "epochs_to_tol")
write_json(snakemake.output.json, {
    "closed_form": {k: closed[k] for k in ("a", "cost", "lstsq", "lstsq_max_abs_diff", "n")},
    "curvature": curv | {"one_over_lambda_max": 1 / curv["lambda_max"], "positive_definite": curv["lambda_min"] > 0,
                         # Standardised data make XᵀX/N the identity: both curvatures 1, the limit 2/λmax exactly 2.
                         "identity_deviation": identity_deviation, "is_identity": identity_deviation < 1e-12},
    "tol": tol,
    "gd": ended(gd) | {"epochs": gd["epochs"], "a": gd["a"]},
    "lr_study": study,
    "lr_study_by_outcome": by,
    "diverged_runs": [r for r in study if r["outcome"] == "diverged"],
    # Facts the prose picks its sentences by.
    "has_fastest": fastest is not None, "fastest": fastest,
    "zigzag": zigzag, "has_zigzag": bool(zigzag),
    "mirrored": mirrored({r["lr"]: r["steep_factor"] for r in study}) if one_curvature else [],
    "not_reached": [r["lr"] for r in study if r["epochs_to_tol"] is None and r["outcome"] in ("converged", "still decreasing")],
    "max_lr": {"theory": mx["theory"], "showcase": [showcase(r) for r in mx["showcase"]]},
    "scaling": [{"variant": s["variant"], "condition_number": s["curvature"]["condition_number"],
                 "max_lr": s["curvature"]["max_lr"], "lr": s["lr"], "contraction": s["contraction"],
                 "epochs_measured": s["epochs_measured"], "epochs_predicted": s["epochs_predicted"],
                 "max_epochs": s["max_epochs"], "epoch_error": epoch_error(s)} for s in scaling],
    "scaling_max_epoch_error": max(epoch_error(s) for s in scaling),
})
