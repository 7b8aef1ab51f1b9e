"""Exercise 1 e: the largest stable learning rate, by theory (2/λmax) and by bisection; runs around the limit."""

import torch

from gdlab.io import read_json, setup_logging, write_json
from gdlab.linalg import add_bias
from gdlab.linreg import LinearRegressionHand, distance_to
from gdlab.linreg_data import arrays, read_linreg_csv
from gdlab.train import bisect_max_lr, cost_grows, fit

log = setup_logging(snakemake.log[0])
cfg, run = snakemake.params.max_lr, snakemake.params.run
X, y = map(torch.from_numpy, arrays(read_linreg_csv(snakemake.input.csv)))
X1 = add_bias(X)
closed = read_json(snakemake.input.closed_form)
theory = closed["curvature"]["max_lr"]


def start():
    return LinearRegressionHand(torch.full((X1.shape[1],), float(run["theta0"]), dtype=torch.float64))


lo, hi, probes = bisect_max_lr(lambda lr: cost_grows(start, X1, y, lr, cfg["epochs"]), cfg["lr_start"], cfg["rtol"])
empirical = 0.5 * (lo + hi)
log.info("theory %.6g, bisection bracket [%.6g, %.6g] after %d probes", theory, lo, hi, len(probes))

metrics = distance_to(torch.tensor(closed["theta"], dtype=torch.float64), X1, y)
showcase = []
for factor in cfg["show_factors"]:  # a handful of illustrative runs around the limit, not a grid
    hist = fit(start(), X1, y, epochs=run["epochs"], lr=factor * theory, metrics=metrics,
               divergence_factor=run["divergence_factor"])
    showcase.append({"factor": factor, "lr": factor * theory, "diverged": hist.diverged, "epochs_run": hist.epochs_run,
                     **{k: hist.column(k) for k in ("epoch", "loss", "distance")}})

write_json(snakemake.output.json, {
    "theory": theory, "empirical": empirical, "bracket": [lo, hi], "relative_difference": abs(empirical - theory) / theory,
    "probes": [{"lr": lr, "diverged": d} for lr, d in probes], "probe_epochs": cfg["epochs"], "showcase": showcase,
})
