"""Exercise 4 e: full-batch softmax regression on a small training set for many epochs, with the test cost and
test error after every epoch — does the test error rise again?"""

import torch

from gdlab.io import setup_logging, write_json
from gdlab.softmax import full_batch_subset, load_mnist
from gdlab.train import resolve_device

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
run, cfg = snakemake.params.run, snakemake.params.train
data = load_mnist(snakemake.input.mnist, resolve_device(cfg["device"]))
model, hist, lr = full_batch_subset(data, run["n_train"], run["epochs"], run["lr_fraction"], cfg["init_std"],
                                    snakemake.params.seed, test_every_epoch=True)
write_json(snakemake.output.json, {"n_train": run["n_train"], "epochs": run["epochs"], "lr": lr,
                                   "history": {k: hist.column(k) for k in ("epoch", "loss", "train_accuracy",
                                                                           "test_cost", "test_accuracy")}})
log.info("n=%d: final train cost %.4g, test cost %.4g", run["n_train"], hist.rows[-1]["loss"], hist.rows[-1]["test_cost"])
