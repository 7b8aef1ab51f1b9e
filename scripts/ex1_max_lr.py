"""Exercise 1e: the largest stable learning rate, by theory (2/λmax) and by bisection."""

import torch

from gdlab.data import linreg_tensors, read_linreg_csv
from gdlab.io import read_json, setup_logging, write_json
from gdlab.linreg import LinearRegressionGD, add_bias, bisect_max_lr, distance_to
from gdlab.train import fit

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
cfg = snakemake.params.max_lr
X, y = linreg_tensors(read_linreg_csv(snakemake.input.csv))
X1 = add_bias(X)
closed = read_json(snakemake.input.closed_form)
theory = closed["curvature"]["max_lr"]
lo, hi, probes = bisect_max_lr(X1, y, cfg["lr_start"], cfg["epochs"], cfg["rtol"])
empirical = 0.5 * (lo + hi)
log.info("theory %.6g, bisection bracket [%.6g, %.6g] after %d probes", theory, lo, hi, len(probes))

theta_star = torch.tensor(closed["theta"], dtype=torch.float64)
showcase = []
for factor in cfg["show_factors"]:  # a handful of illustrative runs around the limit, not a grid
    model = LinearRegressionGD(torch.full((X1.shape[1],), float(snakemake.params.theta0), dtype=torch.float64))
    hist = fit(model, X1, y, epochs=snakemake.params.epochs, lr=factor * theory,
               on_epoch=distance_to(theta_star),
               divergence_factor=snakemake.params.divergence_factor)
    showcase.append({"factor": factor, "lr": factor * theory, "diverged": hist.diverged,
                     "epoch": hist.column("epoch"), "loss": hist.column("loss"), "distance": hist.column("distance")})

write_json(snakemake.output.json, {
    "theory": theory,
    "empirical": empirical,
    "bracket": [lo, hi],
    "relative_difference": abs(empirical - theory) / theory,
    "probes": [{"lr": lr, "diverged": d} for lr, d in probes],
    "probe_epochs": cfg["epochs"],
    "showcase": showcase,
})
