"""Exercise 1, beyond the questions: the feature raw, centred, scaled or standardised — the curvature, and the
epochs GD needs at its fastest fixed rate, measured and as theory predicts them."""

import numpy as np
import torch

from dataclasses import asdict

from gdlab.io import setup_logging, write_json
from gdlab.linreg import curvature, epochs_to_reach, gradient_cost, hessian, load, normal_equations, predicted_epochs

log = setup_logging(snakemake.log[0])
p, variant = snakemake.params, snakemake.wildcards.variant
X, Y = load(snakemake.input.csv, p.feature, p.target, variant)
a_star = normal_equations(X, Y)
curv = curvature(X)
lr = curv.optimal_lr
measured = epochs_to_reach(lambda a: gradient_cost(X, Y, a), a_star, lr, p.tol, p.max_epochs)
lam, V = np.linalg.eigh(hessian(X).numpy())
target = p.tol * float(torch.linalg.vector_norm(a_star))
predicted = predicted_epochs((lam, V), (0 - a_star).numpy(), lr, target)
write_json(snakemake.output.json, {
    "variant": variant, "curvature": asdict(curv), "lr": lr, "tol": p.tol, "max_epochs": p.max_epochs,
    "epochs_measured": measured, "epochs_predicted": predicted,
    "contraction": (curv.condition_number - 1) / (curv.condition_number + 1),
})
log.info("%s: kappa %.4g, epochs measured %s, predicted %s", variant, curv.condition_number, measured, predicted)
