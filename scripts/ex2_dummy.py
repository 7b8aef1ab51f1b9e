"""Exercise 2c: predict, cost, gradient_cost and accuracy tried on dummy values (shapes, no NaN)."""

import torch

from gdlab.io import setup_logging, write_json
from gdlab.logreg import accuracy, cost, gradient_cost, predict

setup_logging(snakemake.log[0])
gen = torch.Generator().manual_seed(snakemake.params.seed)
n, d = 5, 3
X1 = torch.cat([torch.ones(n, 1, dtype=torch.float64), torch.randn(n, d, generator=gen, dtype=torch.float64)], 1)
y = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0], dtype=torch.float64)
cases = {"zeros": torch.zeros(d + 1, dtype=torch.float64),
         "random": torch.randn(d + 1, generator=gen, dtype=torch.float64),
         "huge (|z| ~ 1e3)": 1e3 * torch.ones(d + 1, dtype=torch.float64)}
rows = []
for name, theta in cases.items():
    p, c, g = predict(theta, X1), cost(theta, X1, y), gradient_cost(theta, X1, y)
    rows.append({"theta": name, "predict_shape": list(p.shape), "cost": float(c), "gradient_shape": list(g.shape),
                 "gradient_norm": float(torch.linalg.vector_norm(g)), "accuracy": accuracy(theta, X1, y),
                 "finite": bool(torch.isfinite(p).all() and torch.isfinite(c) and torch.isfinite(g).all())})
write_json(snakemake.output.json, {"n": n, "d": d, "X_shape": list(X1.shape), "cases": rows})
