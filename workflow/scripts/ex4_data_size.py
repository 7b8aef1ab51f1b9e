"""Exercise 4 f: the training cost reached on n training images after a fixed number of full-batch epochs (and
half of them: is it still falling?), with the test cost and accuracy at the end."""

import torch

from gdlab.io import setup_logging, write_json
from gdlab.softmax import common_rate, full_batch_subset, load_mnist, metrics

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
run, p, n = snakemake.params.run, snakemake.params, int(snakemake.wildcards.n)
d = load_mnist(snakemake.input.mnist)
lr = common_rate(d["X_fit"], run["sizes"], run["lr_fraction"])  # one for every size
W, b, history = full_batch_subset(d["X_fit"], d["y_fit"], n, run["epochs"], lr, p.init_std, p.seed)
costs = [c for c, _ in history]
test_cost, test_acc = metrics(d["X_test"], d["y_test"], W, b)
write_json(snakemake.output.json, {
    "n_train": n, "epochs": run["epochs"], "lr": lr, "final_train_cost": costs[-1],
    "half_train_cost": costs[run["epochs"] // 2], "train_accuracy": history[-1][1],
    "final_test_cost": test_cost, "final_test_accuracy": test_acc,
})
log.info("n=%d: train cost %.4g (%.4g at half), test cost %.4g", n, costs[-1], costs[run["epochs"] // 2], test_cost)
