"""Exercise 3g: the grid as one long table, one row per grid point and epoch."""

import pandas as pd

from gdlab.io import atomic_path, read_json, setup_logging

setup_logging(snakemake.log[0])
frames = []
for path in snakemake.input.runs:
    run = read_json(path)
    h = pd.DataFrame(run["history"])
    h.insert(0, "seed", run["seed"])
    h.insert(0, "batch_size", run["batch_size"])
    h.insert(0, "lr", run["lr"])
    h["diverged"] = run["diverged"]
    h["test_accuracy_final"] = run["test_accuracy"]  # reported only, never used to choose
    frames.append(h)
table = pd.concat(frames).sort_values(["lr", "batch_size", "seed", "epoch"])
with atomic_path(snakemake.output.csv) as tmp:
    table.to_csv(tmp, index=False, float_format="%.10g")
