"""Exercise 3: collect the numbers the answer sheet quotes into one summary file."""

import pandas as pd

from gdlab.io import read_json, setup_logging, write_json

setup_logging(snakemake.log[0])
manual, module = read_json(snakemake.input.manual), read_json(snakemake.input.module)
fav = read_json(snakemake.input.favourite)
grid = pd.read_csv(snakemake.input.grid)
final = grid.sort_values("epoch").groupby(["lr", "batch_size"]).tail(1).sort_values(["lr", "batch_size"])
keys = ("lr", "batch_size", "epochs", "diverged", "final_cost", "train_accuracy", "val_accuracy", "test_accuracy",
        "train_seconds")
write_json(snakemake.output.json, {
    "favourite": {k: fav[k] for k in ("lr", "batch_size", "epochs", "decay", "val_accuracy", "test_accuracy",
                                      "train_seconds", "grid_val_accuracy", "grid_best_val_accuracy", "device")},
    "reference_run": {
        "manual": {k: manual[k] for k in keys},
        "module": {k: module[k] for k in keys},
        "max_abs_cost_difference": max(abs(a - b) for a, b in zip(manual["history"]["loss"], module["history"]["loss"])),
    },
    "grid": [{"lr": float(r.lr), "batch_size": int(r.batch_size), "val_accuracy": float(r.val_accuracy),
              "train_accuracy": float(r.train_accuracy), "cost": float(r.loss), "seconds": float(r.seconds),
              "diverged": bool(r.diverged), "epochs_run": int(r.epoch)} for r in final.itertuples()],
    "grid_epochs": int(grid["epoch"].max()),
    "grid_total_seconds": float(final["seconds"].sum()),
})
