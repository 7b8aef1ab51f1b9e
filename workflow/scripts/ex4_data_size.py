"""Exercise 4 f: the training cost reached on n training images after a fixed number of full-batch epochs
(and half of them: is it still falling?), with the test cost and accuracy at the end."""

import torch

from gdlab.io import setup_logging, write_json
from gdlab.softmax import evaluate, full_batch_subset, load_mnist
from gdlab.train import resolve_device

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
run, cfg, n = snakemake.params.run, snakemake.params.train, int(snakemake.wildcards.n)
data = load_mnist(snakemake.input.mnist, resolve_device(cfg["device"]))
model, hist, lr = full_batch_subset(data, n, run["epochs"], run["lr_fraction"], cfg["init_std"], snakemake.params.seed)
costs = hist.column("loss")
_, train_acc = evaluate(model, data["X_train"][:n], data["y_train"][:n])
test_cost, test_acc = evaluate(model, data["X_test"], data["y_test"])
write_json(snakemake.output.json, {
    "n_train": n, "epochs": run["epochs"], "lr": lr, "final_train_cost": costs[-1],
    "half_train_cost": costs[run["epochs"] // 2], "train_accuracy": train_acc,
    "final_test_cost": test_cost, "final_test_accuracy": test_acc,
})
log.info("n=%d: train cost %.4g (%.4g at half), test cost %.4g", n, costs[-1], costs[run["epochs"] // 2], test_cost)
