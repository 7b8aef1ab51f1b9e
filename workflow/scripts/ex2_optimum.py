"""Exercise 2: the optimum of the same cost by an independent solver (scipy L-BFGS), for the model's features
and for all 12 — where the design is rank-deficient and the minimiser is not unique."""

import numpy as np
import torch

from gdlab.io import load_arrays, setup_logging, write_json
from gdlab.logreg import LogisticRegressionHand, cost, lbfgs_optimum, null_direction
from gdlab.train import fit

log = setup_logging(snakemake.log[0])
run = snakemake.params.run
t = {k: torch.from_numpy(v) for k, v in load_arrays(snakemake.input.arrays).items()}
y = t["y_train"]
model_opt = lbfgs_optimum(t["X1_train"], y)

# All 12 features: X1 v = 0 for the null direction v, so cost(θ + s v) = cost(θ) for every s.
X1_full = t["X1_full_train"]
full_opt = lbfgs_optimum(X1_full, y)
v = null_direction(X1_full)
theta = torch.tensor(full_opt["theta"], dtype=torch.float64)
shift = float(torch.linalg.vector_norm(theta))  # move the optimum by its own length along v
moved = float(cost(theta + shift * v, X1_full, y))
# For contrast: the same move along the direction in which the data vary most (the first right singular vector).
steep = float(cost(theta + shift * torch.linalg.svd(X1_full, full_matrices=False).Vh[0], X1_full, y))
# GD from 0 never leaves the row space of X1 (every gradient is X1ᵀ(σ − y)/n ⟂ v): it finds the minimiser
# without a component along v.
gd = LogisticRegressionHand(torch.full((X1_full.shape[1],), float(run["theta0"]), dtype=torch.float64))
fit(gd, X1_full, y, epochs=run["epochs"], lr=run["lr"])
write_json(snakemake.output.json, {
    "model": model_opt,
    "full": full_opt | {"null_direction": v.tolist(), "shift": shift, "moved_cost": moved,
                        "cost_change": abs(moved - full_opt["cost"]), "steep_cost_change": steep - full_opt["cost"],
                        "gd_cost": float(gd.loss(X1_full, y)), "gd_along_null": float(gd.theta @ v),
                        "optimum_along_null": float(theta @ v)},
})
log.info("model optimum cost %.10g; all features: cost %.10g, moved by %.3g along v: change %.3g",
         model_opt["cost"], full_opt["cost"], shift, abs(moved - full_opt["cost"]))
