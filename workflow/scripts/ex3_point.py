"""Exercise 3 g: one point of the learning-rate × batch-size study, every seed: the hand-gradient model from small
random weights on the training part for the study's epochs (its rate falling as the schedule says), each epoch
scored on the validation part. The test images are scored once at the end, for the report only."""

import torch

from gdlab.io import save_arrays, setup_logging, write_json
from gdlab.softmax import load_mnist, run_setting

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
p, wc = snakemake.params, snakemake.wildcards
lr, nbatch = float(wc.lr), int(wc.bs)
d = load_mnist(snakemake.input.mnist)
runs, weights = [], {}
for seed in p.grid["seeds"]:
    W, b, history, row = run_setting(d["X_fit"], d["y_fit"], d["X_val"], d["y_val"], d["X_test"], d["y_test"], lr,
                                     nbatch, seed, p.init_std, p.grid["epochs"], p.grid["schedule"], p.divergence_factor)
    runs.append({"row": row, "val_cost": [c for c, _ in history], "val_accuracy": [a for _, a in history]})
    weights[f"W_{seed}"], weights[f"b_{seed}"] = W.numpy(), b.numpy()
    log.info("lr=%g bs=%d seed=%d: %d epochs, %s, val %.4f", lr, nbatch, seed, row["epochs"], row["status"],
             row["val_accuracy"])
save_arrays(snakemake.output.weights, **weights)
write_json(snakemake.output.json, {"lr": lr, "batch_size": nbatch, "runs": runs})
