"""Exercise 3 h: the favourite of the study checked two ways. Its seeds trained `longer` times as many epochs (the
rate's schedule stretched over the longer run): were the study's epochs enough? And its first seed trained again in
float64 for the study's epochs: does its result depend on floating-point rounding?"""

import pandas as pd
import torch

from gdlab.grid import choose_favourite
from gdlab.io import setup_logging, write_json
from gdlab.softmax import load_mnist, run_setting

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
p = snakemake.params
fav = choose_favourite(pd.read_csv(snakemake.input.points))
lr, nbatch, epochs = float(fav["lr"]), int(fav["batch_size"]), p.grid["epochs"]
d = load_mnist(snakemake.input.mnist)
parts = [d[k] for k in ("X_fit", "y_fit", "X_val", "y_val", "X_test", "y_test")]


def run(parts, seed, epochs):
    return run_setting(*parts, lr, nbatch, seed, p.init_std, epochs, p.grid["schedule"], p.divergence_factor)[3]


longer = [run(parts, seed, p.longer * epochs) for seed in p.grid["seeds"]]
as64 = [t.double() if t.is_floating_point() else t for t in parts]
float64 = run(as64, p.grid["seeds"][0], epochs)
for r in [*longer, float64]:
    log.info("lr=%g bs=%d seed=%d, %d epochs: val %.4f, test %.4f", lr, nbatch, r["seed"], r["epochs"],
             r["val_accuracy"], r["test_accuracy"])
write_json(snakemake.output.json, {"lr": lr, "batch_size": nbatch, "epochs": epochs, "longer": p.longer,
                                   "longer_runs": longer, "float64_run": float64})
