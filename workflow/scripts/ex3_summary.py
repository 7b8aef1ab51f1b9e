"""Exercise 3: the favourite, the reference runs, the grid's facts and the isolated timings, in one summary."""

import numpy as np
import pandas as pd

from gdlab.facts import strictly_increasing, time_verdict
from gdlab.grid import SETTING, choose_favourite, compare, grid_facts, ranked
from gdlab.io import load_arrays, read_json, save_arrays, setup_logging, write_json

log = setup_logging(snakemake.log[0])
p = snakemake.params
settings = pd.read_csv(snakemake.input.settings)
timing = read_json(snakemake.input.timing)
epoch_s = {(r["impl"], r["batch_size"]): r["epoch_seconds"] for r in timing["rows"]}
settings["epoch_seconds"] = [epoch_s[(r.impl, r.batch_size)] for r in settings.itertuples()]
settings["seconds"] = settings["epochs"] * settings["epoch_seconds"]
is_grid = ((settings["impl"] == p.grid["impl"]) & (settings["schedule"] == "constant")
           & (settings["epochs"] == p.grid["epochs"]))
grid = settings[is_grid].sort_values(["lr", "batch_size"])

fav = choose_favourite(settings, p.val_tolerance)
runs = {path: read_json(path) for path in snakemake.input.runs}
mine = sorted((path for path, r in runs.items() if all(r[k] == fav[k] for k in SETTING)),
              key=lambda path: p.grid["seeds"].index(runs[path]["seed"]))
shown = runs[mine[0]]  # the first grid seed's run: its weights and confusion matrix are drawn
save_arrays(snakemake.output.favourite, **load_arrays(mine[0].removesuffix(".json") + ".npz"),
            confusion=np.array(shown["confusion"]))
log.info("favourite: %s", dict(fav))

hand, module = (read_json(path) for path in snakemake.input.reference)


def final(run):
    h = run["history"]
    return {"cost": h["loss"][-1], "val_accuracy": h["val_accuracy"][-1], "test_accuracy": run["test_accuracy"],
            "epoch_seconds": epoch_s[(run["impl"], run["batch_size"])], "diverged": run["diverged"],
            "val_accuracy_first_epoch": h["val_accuracy"][1],
            "cost_falls_every_epoch": strictly_increasing([-c for c in h["loss"]])}


def row(r):
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}


best_grid = ranked(grid).iloc[-1]
same = grid[(grid["lr"] == fav["lr"]) & (grid["batch_size"] == fav["batch_size"]) & (fav["schedule"] != "constant")]
others = settings[~is_grid]
hand_times = sorted((bs, t) for (impl, bs), t in epoch_s.items() if impl == p.grid["impl"])
timing_facts = {
    "module_vs_hand": time_verdict(final(module)["epoch_seconds"], final(hand)["epoch_seconds"]),
    # Each larger batch's epoch clearly faster than the one before (beyond the timing noise)?
    "larger_batches_faster": all(time_verdict(b[1], a[1]) == "faster" for a, b in zip(hand_times, hand_times[1:])),
    "smallest_vs_largest_batch": time_verdict(hand_times[-1][1], hand_times[0][1]),
}
conf = np.array(shown["confusion"])
off = conf - np.diag(np.diag(conf))
true_digit, predicted = np.unravel_index(int(np.argmax(off)), off.shape)  # first of the largest, row by row
per_digit = np.diag(conf) / conf.sum(axis=1)
write_json(snakemake.output.json, {
    "confusion_facts": {"true": int(true_digit), "predicted": int(predicted), "count": int(off.max()),
                        "worst_digit": int(np.argmin(per_digit)), "worst_digit_accuracy": float(per_digit.min()),
                        "best_digit": int(np.argmax(per_digit)), "best_digit_accuracy": float(per_digit.max())},
    "favourite": row(fav) | {"shown_seed": shown["seed"], "is_grid_point": bool(is_grid[fav.name])},
    "reference": {"lr": hand["lr"], "batch_size": hand["batch_size"], "epochs": hand["epochs"], "seed": hand["seed"],
                  "hand": final(hand), "module": final(module),
                  "max_abs_cost_difference": max(abs(a - b) for a, b in zip(hand["history"]["loss"],
                                                                            module["history"]["loss"])),
                  "module_over_hand_time": final(module)["epoch_seconds"] / final(hand)["epoch_seconds"]},
    "grid": [row(r) for _, r in grid.iterrows()],
    "grid_facts": grid_facts(grid),
    "grid_seeds": p.grid["seeds"], "grid_epochs": p.grid["epochs"], "grid_runs": int(grid["n_seeds"].sum()),
    "candidates": [row(r) | {"vs_best_grid": compare(r, best_grid), "vs_favourite": compare(r, fav)}
                   for _, r in others.sort_values(SETTING).iterrows()],
    "best_grid": row(best_grid),
    "favourite_vs_best_grid": compare(fav, best_grid),
    # The grid point with the favourite's rate and batch size at a constant rate: does the schedule matter?
    "favourite_vs_same_constant": compare(fav, same.iloc[0]) if len(same) else "no such grid point",
    "same_constant": row(same.iloc[0]) if len(same) else None,
    "timing_facts": timing_facts,
    "dummy": read_json(snakemake.input.dummy),
    "timing": timing,
})
