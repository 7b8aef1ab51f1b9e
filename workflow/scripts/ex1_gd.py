"""Exercise 1 b-d: full-batch GD with the hand-written gradient at one learning rate, from a = 0."""

import torch

from gdlab.io import read_json, setup_logging, write_json
from gdlab.linreg import load, run

log = setup_logging(snakemake.log[0])
p, lr = snakemake.params, float(snakemake.wildcards.lr)
X, Y = load(snakemake.input.csv, p.feature, p.target)
a_star = torch.tensor(read_json(snakemake.input.closed_form)["a"], dtype=torch.float64).reshape(-1, 1)
a, history = run(X, Y, lr, p.epochs)
write_json(snakemake.output.json, {
    "lr": lr, "epochs": p.epochs, "a": a.flatten().tolist(),
    "cost": [c for c, _ in history],
    "distance": [float(torch.linalg.vector_norm(torch.tensor(w, dtype=torch.float64) - a_star.flatten())) for _, w in history],
})
log.info("lr=%g: final cost %.10g", lr, history[-1][0])
