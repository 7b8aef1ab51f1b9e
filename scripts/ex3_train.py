"""Exercise 3: one softmax-regression run (reference run or grid point) with per-epoch metrics."""

import torch

from gdlab.data import load_tensors
from gdlab.io import setup_logging, write_json
from gdlab.softmax import evaluate, prepare_mnist, resolve_device, train_run

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
cfg, run = snakemake.params.train, snakemake.params.run
device = resolve_device(cfg["device"])
data = prepare_mnist(load_tensors(snakemake.input.tensors), cfg["val_size"], cfg["seed"], device)
if run["batch_size"] > len(data["y_train"]):
    raise ValueError(f"batch size {run['batch_size']} is larger than the {len(data['y_train'])} training images "
                     "(config ex3.grid.batch_sizes / ex3.reference.batch_size)")
model, hist = train_run(run["impl"], data, lr=run["lr"], batch_size=run["batch_size"], epochs=run["epochs"],
                        decay=run["decay"], init_std=cfg["init_std"], seed=run["seed"],
                        divergence_factor=cfg["divergence_factor"])
test_cost, test_acc = evaluate(model, data["X_test"], data["y_test"])
W, b = model.params()
last = hist.rows[-1]
write_json(snakemake.output.json, run | {
    "device": str(device), "diverged": hist.diverged, "epochs_run": hist.epochs_run,
    "train_seconds": last["seconds"], "final_cost": last["loss"], "train_accuracy": last["train_accuracy"],
    "val_accuracy": last["val_accuracy"], "test_accuracy": test_acc, "test_cost": test_cost,
    "weight_norm": float(torch.linalg.vector_norm(W)),
    "history": {k: hist.column(k) for k in ("epoch", "seconds", "loss", "train_accuracy", "val_accuracy", "val_cost")},
})
log.info("%s lr=%g bs=%d seed=%d: val %.4f test %.4f in %.1f s%s", run["impl"], run["lr"], run["batch_size"], run["seed"],
         last["val_accuracy"], test_acc, last["seconds"], " (diverged)" if hist.diverged else "")
