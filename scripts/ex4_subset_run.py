"""Exercise 4 evidence: full-batch softmax regression on the first n training images (of the seeded split).

Used twice: on a small subset for many epochs (does the test cost rise again?), and
once per training-set size (how low can the training cost go?).
"""

import torch

from gdlab.data import load_tensors
from gdlab.io import setup_logging, write_json
from gdlab.softmax import SoftmaxRegressionGD, evaluate, init_params, prepare_mnist, resolve_device, smoothness
from gdlab.train import fit

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
cfg, train = snakemake.params.cfg, snakemake.params.train
device = resolve_device(train["device"])
data = prepare_mnist(load_tensors(snakemake.input.tensors), train["val_size"], train["seed"], device)
n = cfg["n_train"]
if n > len(data["y_train"]):
    raise ValueError(f"ex4: n_train {n} is larger than the {len(data['y_train'])} training images")
X, y = data["X_train"][:n], data["y_train"][:n]
L = smoothness(X)
lr = cfg["lr_fraction"] * 2 / L  # inside the smoothness bound: full-batch GD cannot diverge
model = SoftmaxRegressionGD(*[t.to(device) for t in init_params(X.shape[1], 10, train["init_std"], train["seed"])])


def metrics(m, epoch):
    test_cost, test_acc = evaluate(m, data["X_test"], data["y_test"])
    _, train_acc = evaluate(m, X, y)
    return {"test_cost": test_cost, "test_accuracy": test_acc, "train_accuracy": train_acc}


# The overfitting run needs the test cost after every epoch; the data-size runs only at the end.
per_epoch = snakemake.params.per_epoch
hist = fit(model, X, y, epochs=cfg["epochs"], lr=lr, on_epoch=metrics if per_epoch else None,
           divergence_factor=train["divergence_factor"])
if not per_epoch:
    hist.rows[-1].update(metrics(model, hist.epochs_run))
    for row in hist.rows[:-1]:
        row.update(test_cost=None, test_accuracy=None, train_accuracy=None)
test_costs = [c if c is not None else float("inf") for c in hist.column("test_cost")]
best = min(range(len(test_costs)), key=test_costs.__getitem__)
write_json(snakemake.output.json, {
    "n_train": n, "lr": lr, "smoothness_L": L, "epochs": cfg["epochs"], "diverged": hist.diverged,
    "final_train_cost": hist.rows[-1]["loss"], "final_test_cost": test_costs[-1],
    "min_test_cost": test_costs[best], "min_test_cost_epoch": hist.rows[best]["epoch"],
    "final_train_accuracy": hist.rows[-1]["train_accuracy"], "final_test_accuracy": hist.rows[-1]["test_accuracy"],
    "history": {k: hist.column(k) for k in ("epoch", "loss", "test_cost", "train_accuracy", "test_accuracy")},
})
log.info("n=%d: train cost %.4g, test cost %.4g (min %.4g at epoch %d)", n, hist.rows[-1]["loss"], test_costs[-1],
         test_costs[best], hist.rows[best]["epoch"])
