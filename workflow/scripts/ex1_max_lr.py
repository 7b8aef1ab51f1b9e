"""Exercise 1 e: the largest learning rate by theory (2/λmax), and runs just below and just above it."""

import torch

from gdlab.io import read_json, setup_logging, write_json
from gdlab.linreg import load, run

log = setup_logging(snakemake.log[0])
p, cfg = snakemake.params, snakemake.params.max_lr
X, Y = load(snakemake.input.csv, p.feature, p.target)
closed = read_json(snakemake.input.closed_form)
theory = closed["curvature"]["max_lr"]
a_star = torch.tensor(closed["a"], dtype=torch.float64)
log.info("theory: 2/λmax = %.6g", theory)

showcase = []
for factor in cfg["show_factors"]:  # a few illustrative runs around the limit, not a grid
    _, history = run(X, Y, factor * theory, p.epochs)
    showcase.append({"factor": factor, "lr": factor * theory, "cost": [c for c, _ in history],
                     "distance": [float(torch.linalg.vector_norm(torch.tensor(w, dtype=torch.float64) - a_star)) for _, w in history]})

write_json(snakemake.output.json, {"theory": theory, "showcase": showcase})
