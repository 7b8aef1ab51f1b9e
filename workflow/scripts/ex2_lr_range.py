"""Exercise 2 e: the sufficient bound 2/L, a learning-rate range test (short runs on a geometric grid), and the rate it
picks (the lowest cost after the short runs) run as long as the study's runs, to see whether it reaches the minimum."""

import numpy as np
import torch

from gdlab.facts import range_test_facts
from gdlab.gd import gradient_descent
from gdlab.io import load_arrays, setup_logging, write_json
from gdlab.logreg import accuracy, cost, design, gradient_cost, predict, smoothness
from gdlab.studies import lr_range_test

log = setup_logging(snakemake.log[0])
cfg = snakemake.params.range_test
data = load_arrays(snakemake.input.arrays)
X, Y = design(data["features"], data["labels"])
L = smoothness(X)
lrs = np.geomspace(cfg["lr_min"], cfg["lr_max"], cfg["steps"])
W0 = torch.zeros(1, X.shape[1], dtype=X.dtype)
rows = lr_range_test(lambda W: gradient_cost(X, Y, W), lambda W: cost(X, Y, W), W0, lrs, cfg["epochs"])
pick = range_test_facts(rows)["best_lr"]
_, history = gradient_descent(lambda W: gradient_cost(X, Y, W), W0, pick, snakemake.params.epochs,
                              lambda W: (cost(X, Y, W).item(), accuracy(Y, predict(X, W))))
write_json(snakemake.output.json, {"smoothness_L": L, "theory_max_lr": 2 / L, "epochs": cfg["epochs"], "probes": rows,
                                   "initial_cost": float(cost(X, Y, W0)),
                                   "pick": {"lr": pick, "cost": [c for c, _ in history],
                                            "accuracy": [a for _, a in history]}})
log.info("2/L = %.4g", 2 / L)
