"""Exercise 2 e: a suitable learning rate, by theory (2/L) and by an empirical range test."""

import numpy as np
import torch

from gdlab.io import load_arrays, setup_logging, write_json
from gdlab.logreg import LogisticRegressionHand, smoothness
from gdlab.train import lr_range_test

log = setup_logging(snakemake.log[0])
cfg, run = snakemake.params.range_test, snakemake.params.run
t = {k: torch.from_numpy(v) for k, v in load_arrays(snakemake.input.arrays).items()}
X1, y = t["X1_train"], t["y_train"]
L = smoothness(X1)
rows = lr_range_test(lambda: LogisticRegressionHand(torch.full((X1.shape[1],), float(run["theta0"]), dtype=torch.float64)),
                     X1, y, np.geomspace(cfg["lr_min"], cfg["lr_max"], cfg["steps"]), cfg["epochs"],
                     run["divergence_factor"])
write_json(snakemake.output.json, {"smoothness_L": L, "theory_max_lr": 2 / L, "epochs": cfg["epochs"], "probes": rows})
log.info("L=%.4g, 2/L=%.4g", L, 2 / L)
