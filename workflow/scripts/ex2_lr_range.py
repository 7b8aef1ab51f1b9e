"""Exercise 2 e: the sufficient bound 2/L, and a learning-rate range test (short runs on a geometric grid)."""

import numpy as np
import torch

from gdlab.io import load_arrays, setup_logging, write_json
from gdlab.logreg import cost, design, gradient_cost, smoothness
from gdlab.studies import lr_range_test

log = setup_logging(snakemake.log[0])
cfg = snakemake.params.range_test
data = load_arrays(snakemake.input.arrays)
X, Y = design(data["features"], data["labels"])
L = smoothness(X)
lrs = np.geomspace(cfg["lr_min"], cfg["lr_max"], cfg["steps"])
W0 = torch.zeros(1, X.shape[1], dtype=X.dtype)
rows = lr_range_test(lambda W: gradient_cost(X, Y, W), lambda W: cost(X, Y, W), W0, lrs, cfg["epochs"])
write_json(snakemake.output.json, {"smoothness_L": L, "theory_max_lr": 2 / L, "epochs": cfg["epochs"], "probes": rows,
                                   "initial_cost": float(cost(X, Y, W0))})
log.info("2/L = %.4g", 2 / L)
