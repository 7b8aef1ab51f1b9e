"""Exercise 3h: choose the favourite (lr, batch size) by validation accuracy and time; train it; test it once."""

import pandas as pd
import torch

from gdlab.data import load_tensors, save_tensors
from gdlab.grid import choose_favourite, final_rows, over_seeds
from gdlab.io import setup_logging, write_json
from gdlab.softmax import confusion_matrix, evaluate, predict, prepare_mnist, resolve_device, train_run

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
cfg, fav = snakemake.params.train, snakemake.params.fav
points = over_seeds(final_rows(pd.read_csv(snakemake.input.grid)), ["val_accuracy", "seconds"])
try:
    choice = choose_favourite(points, fav["val_tolerance"])
except ValueError as e:
    raise ValueError(f"{snakemake.input.grid}: {e}") from None
lr, bs = float(choice["lr"]), int(choice["batch_size"])
best = float(points.loc[~points["diverged"], "val_accuracy"].max())
log.info("favourite: lr=%g bs=%d (mean val %.4f over %d seeds, best %.4f)", lr, bs, choice["val_accuracy"],
         choice["n_seeds"], best)

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
    "lr": lr, "batch_size": bs, "epochs": fav["epochs"], "decay": fav["decay"], "seed": cfg["seed"],
    "grid_val_accuracy": float(choice["val_accuracy"]), "grid_val_accuracy_std": float(choice["val_accuracy_std"]),
    "grid_n_seeds": int(choice["n_seeds"]), "grid_best_val_accuracy": best, "grid_seconds": float(choice["seconds"]),
    "val_accuracy": last["val_accuracy"], "train_accuracy": last["train_accuracy"], "test_accuracy": test_acc,
    "test_cost": test_cost, "train_seconds": last["seconds"], "diverged": hist.diverged, "device": str(device),
    "history": {k: hist.column(k) for k in ("epoch", "seconds", "loss", "train_accuracy", "val_accuracy")},
})
log.info("favourite: test accuracy %.4f after %d epochs (%.1f s)", test_acc, fav["epochs"], last["seconds"])
