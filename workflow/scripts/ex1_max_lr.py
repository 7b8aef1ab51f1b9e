"""Exercise 1 e: the largest learning rate, by theory (2/λmax) and by bisection; runs just below and above it."""

import torch

from gdlab.io import read_json, setup_logging, write_json
from gdlab.linreg import cost, gradient_cost, load, run
from gdlab.studies import bisect_max_lr, cost_grows

log = setup_logging(snakemake.log[0])
p, cfg = snakemake.params, snakemake.params.max_lr
X, Y = load(snakemake.input.csv, p.feature, p.target)
closed = read_json(snakemake.input.closed_form)
theory = closed["curvature"]["max_lr"]
a_star = torch.tensor(closed["a"], dtype=torch.float64)
a0 = torch.zeros(2, 1, dtype=torch.float64)

lo, hi, probes = bisect_max_lr(
    lambda lr: cost_grows(lambda a: gradient_cost(X, Y, a), lambda a: cost(X, Y, a), a0, lr, cfg["epochs"]),
    cfg["lr_start"], cfg["rtol"])
empirical = 0.5 * (lo + hi)
log.info("theory %.6g, bisection bracket [%.6g, %.6g] after %d probes", theory, lo, hi, len(probes))

showcase = []
for factor in cfg["show_factors"]:  # a few illustrative runs around the limit, not a grid
    _, history = run(X, Y, factor * theory, p.epochs)
    showcase.append({"factor": factor, "lr": factor * theory, "cost": [c for c, _ in history],
                     "distance": [float(torch.linalg.vector_norm(torch.tensor(w, dtype=torch.float64) - a_star)) for _, w in history]})

write_json(snakemake.output.json, {
    "theory": theory, "empirical": empirical, "bracket": [lo, hi], "relative_difference": abs(empirical - theory) / theory,
    "probes": [{"lr": lr, "grew": g} for lr, g in probes], "probe_epochs": cfg["epochs"], "showcase": showcase,
})
