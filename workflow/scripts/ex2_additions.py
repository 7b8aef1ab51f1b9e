"""Exercise 2, beyond the course's notebook: the held-out accuracy (a stratified split, standardised with the
training part's statistics), and a model without the redundant feature, whose weights can be compared."""

import torch

from gdlab.gd import gradient_descent
from gdlab.io import load_arrays, setup_logging, write_json
from gdlab.logreg import accuracy, cost, design, gradient_cost, predict

log = setup_logging(snakemake.log[0])
lr, epochs = snakemake.params.lr, snakemake.params.epochs
data = load_arrays(snakemake.input.arrays)
F, labels, train, test = data["features"], data["labels"], data["train"], data["test"]


def fit(X, Y, track):
    return gradient_descent(lambda W: gradient_cost(X, Y, W), torch.zeros(1, X.shape[1], dtype=X.dtype), lr, epochs, track)


X_tr, Y_tr = design(F[train], labels[train])
X_te, Y_te = design(F[test], labels[test], reference=F[train])
W, history = fit(X_tr, Y_tr, lambda W: (cost(X_tr, Y_tr, W).item(), accuracy(Y_tr, predict(X_tr, W)),
                                       cost(X_te, Y_te, W).item(), accuracy(Y_te, predict(X_te, W))))
X_used, Y_used = design(F[:, data["used"]], labels)
W_used, used_history = fit(X_used, Y_used, lambda W: cost(X_used, Y_used, W).item())
write_json(snakemake.output.json, {
    "lr": lr, "epochs": epochs,
    "heldout": {k: [h[i] for h in history] for i, k in enumerate(("train_cost", "train_accuracy", "test_cost",
                                                                   "test_accuracy"))},
    "reduced": {"W": W_used.tolist(), "final_cost": used_history[-1]},
})
log.info("held out: train acc %.4f, test acc %.4f; reduced model cost %.6g", history[-1][1], history[-1][3],
         used_history[-1])
