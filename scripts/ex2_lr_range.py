"""Exercise 2e: a suitable learning rate, by theory (2/L) and by an empirical range test."""

import numpy as np
import torch

from gdlab.data import load_tensors
from gdlab.io import setup_logging, write_json
from gdlab.logreg import LogisticRegressionGD, smoothness
from gdlab.train import fit

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
cfg = snakemake.params.cfg
t = load_tensors(snakemake.input.tensors)
X1, y = t["X_train"], t["y_train"]
L = smoothness(X1)
rows = []
# One experiment scanning a geometric range (not a grid of jobs): each probe is a short, cheap run.
for lr in np.geomspace(cfg["lr_min"], cfg["lr_max"], cfg["steps"]):
    model = LogisticRegressionGD(torch.full((X1.shape[1],), float(snakemake.params.theta0), dtype=torch.float64))
    hist = fit(model, X1, y, epochs=cfg["epochs"], lr=float(lr), divergence_factor=snakemake.params.divergence_factor)
    rows.append({"lr": float(lr), "final_cost": hist.rows[-1]["loss"], "diverged": hist.diverged,
                 "monotone": all(b["loss"] <= a["loss"] + 1e-15 for a, b in zip(hist.rows, hist.rows[1:]))})
finite = [r for r in rows if not r["diverged"]]
best = min(finite, key=lambda r: r["final_cost"]) if finite else None
write_json(snakemake.output.json, {
    "smoothness_L": L, "theory_max_lr": 2 / L, "epochs": cfg["epochs"], "probes": rows,
    "best_lr": best and best["lr"], "best_cost": best and best["final_cost"],
    "largest_monotone_lr": max((r["lr"] for r in rows if r["monotone"] and not r["diverged"]), default=None),
})
log.info("L=%.4g, 2/L=%.4g, best probe lr=%s", L, 2 / L, best and best["lr"])
