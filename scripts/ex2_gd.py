"""Exercise 2d-e: full-batch GD with the explicit gradient at one learning rate."""

import torch

from gdlab.data import load_tensors
from gdlab.io import setup_logging, write_json
from gdlab.logreg import LogisticRegressionGD, accuracy, cost
from gdlab.train import fit

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
lr = float(snakemake.wildcards.lr)
t = load_tensors(snakemake.input.tensors)
model = LogisticRegressionGD(torch.full((t["X_train"].shape[1],), float(snakemake.params.theta0), dtype=torch.float64))


def metrics(m, epoch):
    return {"train_accuracy": accuracy(m.theta, t["X_train"], t["y_train"]),
            "test_accuracy": accuracy(m.theta, t["X_test"], t["y_test"]),
            "test_cost": float(cost(m.theta, t["X_test"], t["y_test"]))}


hist = fit(model, t["X_train"], t["y_train"], epochs=snakemake.params.epochs, lr=lr, on_epoch=metrics,
           divergence_factor=snakemake.params.divergence_factor)
last = hist.rows[-1]
write_json(snakemake.output.json, {
    "lr": lr, "epochs": snakemake.params.epochs, "epochs_run": hist.epochs_run, "diverged": hist.diverged,
    "theta": model.state(), "final_cost": last["loss"], "train_accuracy": last["train_accuracy"],
    "test_accuracy": last["test_accuracy"],
    "history": {k: hist.column(k) for k in ("epoch", "loss", "train_accuracy", "test_accuracy", "test_cost")},
})
log.info("lr=%g: cost %.6g, train acc %.4f, test acc %.4f%s", lr, last["loss"], last["train_accuracy"],
         last["test_accuracy"], " (diverged)" if hist.diverged else "")
