"""Exercise 3h: choose the favourite (lr, batch size) by validation accuracy and time; train it; test it once."""

import pandas as pd
import torch

from gdlab.data import load_tensors, save_tensors
from gdlab.io import setup_logging, write_json
from gdlab.softmax import confusion_matrix, evaluate, predict, prepare_mnist, resolve_device, train_run

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
cfg, fav = snakemake.params.train, snakemake.params.fav
grid = pd.read_csv(snakemake.input.grid)
final = grid.sort_values("epoch").groupby(["lr", "batch_size"]).tail(1)
final = final[~final["diverged"]]
if final.empty:
    raise ValueError(f"{snakemake.input.grid}: every grid point diverged; nothing to choose from")
# Validation accuracy first; among points within the tolerance of the best, the fastest.
best = final["val_accuracy"].max()
near = final[final["val_accuracy"] >= best - fav["val_tolerance"]].sort_values("seconds")
choice = near.iloc[0]
lr, bs = float(choice["lr"]), int(choice["batch_size"])
log.info("favourite: lr=%g bs=%d (val %.4f, best %.4f)", lr, bs, choice["val_accuracy"], best)

device = resolve_device(cfg["device"])
data = prepare_mnist(load_tensors(snakemake.input.tensors), cfg["val_size"], cfg["seed"], device)
model, hist = train_run(snakemake.params.impl, data, lr=lr, batch_size=bs, epochs=fav["epochs"], decay=fav["decay"],
                        init_std=cfg["init_std"], seed=cfg["seed"], divergence_factor=cfg["divergence_factor"])
test_cost, test_acc = evaluate(model, data["X_test"], data["y_test"])
W, b = model.params()
conf = confusion_matrix(predict(data["X_test"], W, b).cpu(), data["y_test"].cpu())
save_tensors({"W": W.cpu().contiguous(), "b": b.cpu().contiguous(), "confusion": conf}, snakemake.output.model)
last = hist.rows[-1]
write_json(snakemake.output.json, {
    "lr": lr, "batch_size": bs, "epochs": fav["epochs"], "decay": fav["decay"], "grid_val_accuracy":
    float(choice["val_accuracy"]), "grid_best_val_accuracy": float(best), "grid_seconds": float(choice["seconds"]),
    "val_accuracy": last["val_accuracy"], "train_accuracy": last["train_accuracy"], "test_accuracy": test_acc,
    "test_cost": test_cost, "train_seconds": last["seconds"], "diverged": hist.diverged, "device": str(device),
    "history": {k: hist.column(k) for k in ("epoch", "seconds", "loss", "train_accuracy", "val_accuracy")},
})
log.info("favourite: test accuracy %.4f after %d epochs (%.1f s)", test_acc, fav["epochs"], last["seconds"])
