"""Exercise 3: collect the numbers the answer sheet quotes into one summary file."""

import pandas as pd

from gdlab.grid import final_rows, over_seeds
from gdlab.io import read_json, setup_logging, write_json

setup_logging(snakemake.log[0])
manual, module = read_json(snakemake.input.manual), read_json(snakemake.input.module)
fav = read_json(snakemake.input.favourite)
grid = pd.read_csv(snakemake.input.grid)
final = final_rows(grid).rename(columns={"loss": "cost"})
points = over_seeds(final, ["val_accuracy", "train_accuracy", "cost", "seconds"]).merge(
    final.groupby(["lr", "batch_size"], as_index=False)["epoch"].max().rename(columns={"epoch": "epochs_run"}))
keys = ("lr", "batch_size", "epochs", "diverged", "final_cost", "train_accuracy", "val_accuracy", "test_accuracy",
        "train_seconds")
write_json(snakemake.output.json, {
    "favourite": {k: fav[k] for k in ("lr", "batch_size", "epochs", "decay", "val_accuracy", "test_accuracy",
                                      "train_seconds", "grid_val_accuracy", "grid_val_accuracy_std", "grid_n_seeds",
                                      "grid_best_val_accuracy", "device", "seed")},
    "reference_run": {
        "manual": {k: manual[k] for k in keys},
        "module": {k: module[k] for k in keys},
        "max_abs_cost_difference": max(abs(a - b) for a, b in zip(manual["history"]["loss"], module["history"]["loss"])),
    },
    "grid": [{"lr": float(r["lr"]), "batch_size": int(r["batch_size"]), "diverged": bool(r["diverged"]),
              "n_seeds": int(r["n_seeds"]), "epochs_run": int(r["epochs_run"]),
              **{k: float(r[k]) for k in ("val_accuracy", "val_accuracy_std", "train_accuracy", "train_accuracy_std",
                                          "cost", "cost_std", "seconds", "seconds_std")}}
             for _, r in points.iterrows()],
    "grid_seeds": sorted(int(s) for s in grid["seed"].unique()),
    "grid_epochs": int(grid["epoch"].max()),
    "grid_runs": int(len(final)),
    "grid_total_seconds": float(final["seconds"].sum()),
})
