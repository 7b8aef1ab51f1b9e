"""Exercise 3: the course's test runs, the study's facts and favourite, the isolated timings, in one summary."""

import numpy as np
import pandas as pd

from gdlab.facts import direction, strictly_increasing, time_verdict
from gdlab.grid import (choose_favourite, curves_of, grid_facts, jumps, moved_images, neighbours, rounding, shared_images,
                        table_cells, where)
from gdlab.io import load_array_dir, load_arrays, read_json, setup_logging, write_json

log = setup_logging(snakemake.log[0])
p = snakemake.params
points = pd.read_csv(snakemake.input.points)
runs = pd.read_csv(snakemake.input.runs)
timing = read_json(snakemake.input.timing)
library = read_json(snakemake.input.library)
epoch_s = {(r["impl"], r["batch_size"]): r["epoch_seconds"] for r in timing["rows"]}
ref = {(r["impl"], r["init_std"]): r for r in (read_json(f) for f in snakemake.input.reference)}
course, module, small = ref[("hand", p.course_std)], ref[("module", p.course_std)], ref[("hand", p.init_std)]

fav = choose_favourite(points)
checks = read_json(snakemake.input.favourite)
assert (checks["lr"], checks["batch_size"]) == (fav["lr"], fav["batch_size"]), "ex3_favourite trained another point"
seed = p.seeds[0]  # the first seed's model is the one drawn (its weights)
w = load_arrays(snakemake.input.favourite_model)
log.info("favourite: %s", dict(fav))


def final(run):
    return {"train_cost": run["train_cost"][-1], "train_accuracy": run["train_accuracy"][-1],
            "test_cost": run["test_cost"][-1], "test_accuracy": run["test_accuracy"][-1],
            "start_cost": run["train_cost"][0], "test_accuracy_first_epoch": run["test_accuracy"][1],
            "cost_falls_every_epoch": strictly_increasing([-c for c in run["train_cost"]])}


def row(r):
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}


hand_times = sorted((bs, t) for (impl, bs), t in epoch_s.items() if impl == "hand")
# What the favourite's weights look like: each digit's row against that digit's mean image minus the mean image.
mnist = load_array_dir(snakemake.input.mnist)
X, y = mnist["X_train"], mnist["y_train"]
overall = X.mean(axis=0, dtype=np.float64)
corr = [float(np.corrcoef(w["W"][k], X[y == k].mean(axis=0, dtype=np.float64) - overall)[0, 1]) for k in range(10)]
facts = grid_facts(points)
table = table_cells(points)  # the notebook's table of the study, cell for cell
fav_runs = runs[(runs["lr"] == fav["lr"]) & (runs["batch_size"] == fav["batch_size"])]
first = fav_runs[fav_runs["seed"] == seed].iloc[0]
# Trained until more epochs no longer help: each budget's seeds, and the one the favourite keeps.
budgets = [{"epochs": b["epochs"], "verdict": b["verdict"],
            "val_accuracy": [r["val_accuracy"] for r in b["rows"]],
            "test_accuracy": [r["test_accuracy"] for r in b["rows"]]} for b in checks["budgets"]]
for before, after in zip(budgets, budgets[1:]):  # a doubling's change, seed by seed, in validation images
    after["moved_images"] = moved_images(before["val_accuracy"], after["val_accuracy"], p.val_size)
kept = next(b for b in budgets if b["epochs"] == checks["kept_epochs"])
f64 = checks["float64_run"]
trained = {"budgets": budgets, "epochs": kept["epochs"],
           "val_accuracy": float(np.mean(kept["val_accuracy"])), "val_accuracy_by_seed": kept["val_accuracy"],
           "test_accuracy": float(np.mean(kept["test_accuracy"])), "test_accuracy_by_seed": kept["test_accuracy"],
           "shown_test_accuracy": kept["test_accuracy"][0],
           # "enough": the last doubling was not higher; "cap": every doubling was, up to the configured number.
           "stopped": "cap" if budgets[-1]["verdict"] == "higher" else "enough"}
float64 = {"seed": seed, "val_accuracy": f64["val_accuracy"], "float32_val_accuracy": float(first["val_accuracy"]),
           "test_accuracy": f64["test_accuracy"], "float32_test_accuracy": float(first["test_accuracy"]),
           "change": abs(f64["val_accuracy"] - float(first["val_accuracy"])),
           "verdict": rounding(float(first["val_accuracy"]), f64["val_accuracy"], float(fav["val_accuracy_range"]))}
# The favourite's tie with the best point, in validation images: 0 where the seeds' ranges only touch (at one accuracy).
best = facts["best"]
shared = shared_images(fav["val_accuracy_min"], fav["val_accuracy_max"], best["val_accuracy_min"],
                       best["val_accuracy_max"], p.val_size)
tie = {"shared_images": shared, "touches": shared == 0,
       "at": float(max(fav["val_accuracy_min"], best["val_accuracy_min"]))}
write_json(snakemake.output.json, {
    "reference": {**{k: course[k] for k in ("lr", "nbatch", "nepochs", "seed")},
                  "course": final(course), "module": final(module), "small_init": final(small),
                  "course_std": p.course_std, "init_std": p.init_std,
                  "max_abs_cost_difference": max(abs(a - b) for a, b in zip(course["train_cost"], module["train_cost"])),
                  # The two starts are compared on what training minimises; the test accuracy is only reported.
                  "small_init_cost": direction(final(course)["train_cost"], final(small)["train_cost"])},
    "data": {"n_train": len(y), "n_test": len(mnist["y_test"]), "n_study_train": len(y) - p.val_size,
             "val_size": p.val_size},
    "timing": timing | {
        "hand_64": epoch_s[("hand", p.reference_batch)], "module_64": epoch_s[("module", p.reference_batch)],
        "module_over_hand": epoch_s[("module", p.reference_batch)] / epoch_s[("hand", p.reference_batch)],
        "module_vs_hand": time_verdict(epoch_s[("module", p.reference_batch)], epoch_s[("hand", p.reference_batch)]),
        "smallest_over_largest": hand_times[0][1] / hand_times[-1][1],
        "smallest_batch": hand_times[0][0], "largest_batch": hand_times[-1][0]},
    "grid": [row(r) for _, r in points.iterrows()],
    # The notebook's table of the study, cell for cell, for the sheet's table.
    "table": {"batch_sizes": [int(c) for c in table.columns],
              "rows": [{"lr": lr, "cells": list(r)} for lr, r in table.iterrows()]},
    "grid_facts": facts,
    "jumps": jumps(curves_of([read_json(f) for f in snakemake.input.point_files]), points, p.val_size),
    "seeds": p.seeds, "n_runs": len(runs), "epochs": p.epochs, "schedule": p.schedule,
    "favourite": row(fav) | {"shown_seed": seed, "at": where(fav, points),
                             "neighbours": neighbours(fav, points),
                             "is_best": (fav["lr"], fav["batch_size"]) == (best["lr"], best["batch_size"]),
                             "tie": tie,
                             "val_accuracy_by_seed": fav_runs["val_accuracy"].tolist(),
                             "test_accuracy_by_seed": fav_runs["test_accuracy"].tolist(),
                             "trained": trained, "float64": float64,
                             # The validation images' own verdict on the favourite against the best point (McNemar).
                             "versus_best": checks["versus_best"]},
    # The favourite's mean test accuracy against the library's fit of the same model on the same training part.
    "library": library | {"favourite_vs_library": direction(library["test_accuracy"], trained["test_accuracy"])},
    "templates": {"correlation": corr, "min": min(corr), "max": max(corr), "min_digit": int(np.argmin(corr)),
                  "max_digit": int(np.argmax(corr))},
    "dummy": read_json(snakemake.input.dummy),
})
