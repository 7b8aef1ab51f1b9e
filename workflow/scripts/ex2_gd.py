"""Exercise 2 d-e: full-batch GD with the hand-written gradient, the course's way (all 310 patients, the 12
standardised features, W = 0 at the start), at the main learning rate and at every rate of the study."""

import torch

from gdlab.gd import gradient_descent
from gdlab.io import load_arrays, setup_logging, write_json
from gdlab.logreg import accuracy, cost, design, gradient_cost, predict

log = setup_logging(snakemake.log[0])
p = snakemake.params
data = load_arrays(snakemake.input.arrays)
X, Y = design(data["features"], data["labels"])
runs = []
for lr in p.lrs:
    W, history = gradient_descent(lambda W: gradient_cost(X, Y, W), torch.zeros(1, X.shape[1], dtype=X.dtype), lr,
                                  p.epochs, lambda W: (cost(X, Y, W).item(), accuracy(Y, predict(X, W))))
    runs.append({"lr": lr, "W": W.tolist(), "cost": [c for c, _ in history], "accuracy": [a for _, a in history]})
    log.info("lr=%g: cost %.6g -> %.10g, accuracy %.4f", lr, history[0][0], history[-1][0], history[-1][1])
write_json(snakemake.output.json, {"epochs": p.epochs, "runs": runs})
