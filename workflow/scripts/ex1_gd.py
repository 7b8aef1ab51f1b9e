"""Exercise 1 b-d: full-batch GD with the hand-written gradient from a = 0, at the main learning rate and at every
rate of the study (one job: each run takes milliseconds, the process's start most of its time)."""

import torch

from gdlab.io import read_json, setup_logging, write_json
from gdlab.linreg import load, run

log = setup_logging(snakemake.log[0])
p = snakemake.params
X, Y = load(snakemake.input.csv, p.feature, p.target)
a_star = torch.tensor(read_json(snakemake.input.closed_form)["a"], dtype=torch.float64)
runs = []
for lr in p.lrs:
    a, history = run(X, Y, lr, p.epochs)
    runs.append({"lr": lr, "a": a.flatten().tolist(), "cost": [c for c, _ in history],
                 "distance": [float(torch.linalg.vector_norm(torch.tensor(w, dtype=torch.float64) - a_star))
                              for _, w in history]})
    log.info("lr=%g: final cost %.10g", lr, history[-1][0])
write_json(snakemake.output.json, {"epochs": p.epochs, "runs": runs})
