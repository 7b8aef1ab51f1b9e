"""Exercise 2 c: the practical's test — each function called on the data with a few weights W (1, 13): zeros, a
seeded random W as in the course's test cell, and weights so large that σ(z) rounds to 0 or 1."""

import torch

from gdlab.io import load_arrays, setup_logging, write_json
from gdlab.logreg import accuracy, cost, design, gradient_cost, predict

setup_logging(snakemake.log[0])
data = load_arrays(snakemake.input.arrays)
X, Y = design(data["features"], data["labels"])
d = X.shape[1]
cases = {"zeros": torch.zeros(1, d, dtype=X.dtype),
         "random": torch.randn(1, d, generator=torch.Generator().manual_seed(snakemake.params.seed), dtype=X.dtype),
         "every weight 1000": 1e3 * torch.ones(1, d, dtype=X.dtype)}
rows = []
for name, W in cases.items():
    Yhat, c, g = predict(X, W), cost(X, Y, W), gradient_cost(X, Y, W)
    rows.append({"W": name, "predict_shape": list(Yhat.shape), "cost": c.item(), "gradient_shape": list(g.shape),
                 "accuracy": accuracy(Y, Yhat),
                 "finite": bool(torch.isfinite(Yhat).all() and torch.isfinite(c) and torch.isfinite(g).all())})
write_json(snakemake.output.json, {"X_shape": list(X.shape), "Y_shape": list(Y.shape), "cases": rows})
