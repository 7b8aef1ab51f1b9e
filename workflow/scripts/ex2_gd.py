"""Exercise 2 d-e: full-batch GD with the hand-written gradient at one learning rate."""

import torch

from gdlab.io import load_arrays, setup_logging, write_json
from gdlab.logreg import LogisticRegressionHand, accuracy, cost
from gdlab.train import fit

log = setup_logging(snakemake.log[0])
run, lr = snakemake.params.run, float(snakemake.wildcards.lr)
t = {k: torch.from_numpy(v) for k, v in load_arrays(snakemake.input.arrays).items()}
X1, y = t["X1_train"], t["y_train"]
model = LogisticRegressionHand(torch.full((X1.shape[1],), float(run["theta0"]), dtype=torch.float64))


def metrics(m):
    return {"loss": float(cost(m.theta, X1, y)), "train_accuracy": accuracy(m.theta, X1, y),
            "test_accuracy": accuracy(m.theta, t["X1_test"], t["y_test"]),
            "test_cost": float(cost(m.theta, t["X1_test"], t["y_test"]))}


hist = fit(model, X1, y, epochs=run["epochs"], lr=lr, metrics=metrics, divergence_factor=run["divergence_factor"])
last = hist.rows[-1]
write_json(snakemake.output.json, {
    "lr": lr, "epochs": run["epochs"], "epochs_run": hist.epochs_run, "diverged": hist.diverged,
    "theta": model.theta.tolist(), "initial_cost": hist.rows[0]["loss"], "final_cost": last["loss"],
    "train_accuracy": last["train_accuracy"], "test_accuracy": last["test_accuracy"],
    "history": {k: hist.column(k) for k in ("epoch", "loss", "train_accuracy", "test_accuracy", "test_cost")},
})
log.info("lr=%g: cost %.6g, train acc %.4f, test acc %.4f%s", lr, last["loss"], last["train_accuracy"],
         last["test_accuracy"], " (diverged)" if hist.diverged else "")
