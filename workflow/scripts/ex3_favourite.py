"""Exercise 3 h: the favourite of the study trained until more epochs no longer help (its seeds again with twice
the epochs, the rate's schedule stretched over the longer run, until a doubling is level with the epochs before),
and its first seed trained again in float64 for the study's epochs: does its result depend on rounding? Writes the
model the favourite keeps (the first seed's weights and test confusion matrix), and compares it with the best point's
model of the same seed on the same validation images (McNemar's exact test), where the favourite is not the best."""

import pandas as pd
import torch

from gdlab.grid import best_point, choose_favourite, enough, enough_epochs, paired
from gdlab.io import load_arrays, read_json, save_arrays, setup_logging, write_json
from sklearn.metrics import confusion_matrix

from gdlab.softmax import linear_trsf, load_mnist, run_setting

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
p = snakemake.params
points = pd.read_csv(snakemake.input.points)
fav, best = choose_favourite(points), best_point(points)
lr, nbatch, epochs, seeds = float(fav["lr"]), int(fav["batch_size"]), p.grid["epochs"], p.grid["seeds"]
d = load_mnist(snakemake.input.mnist)
parts = [d[k] for k in ("X_fit", "y_fit", "X_val", "y_val", "X_test", "y_test")]


# The study's point files (and their data), read once, by (rate, batch size).
point_files = {(r["lr"], r["batch_size"]): (f, r) for f in snakemake.input.point_files for r in [read_json(f)]}


def point_weights(lr, nbatch):
    return load_arrays(point_files[lr, nbatch][0].removesuffix(".json") + ".npz")


grid_runs = {r["row"]["seed"]: r for r in point_files[lr, nbatch][1]["runs"]}
weights = point_weights(lr, nbatch)


def run(parts, seed, epochs):
    return run_setting(*parts, lr, nbatch, seed, p.init_std, epochs, p.grid["schedule"], p.divergence_factor)


# The study's own runs are the first budget: their rows (and, for the first seed, the weights) as the point wrote them.
first = [(torch.from_numpy(weights[f"W_{s}"]), torch.from_numpy(weights[f"b_{s}"]), None, grid_runs[s]["row"])
         for s in seeds]
budgets = enough_epochs(lambda e: [run(parts, s, e) for s in seeds], first, epochs, p.doublings)
kept = enough(budgets)
W, b = kept["runs"][0][:2]
confusion = confusion_matrix(d["y_test"].numpy(), linear_trsf(d["X_test"], W, b).argmax(1).numpy())  # rows: true digit
save_arrays(snakemake.output.favourite, W=W.numpy(), b=b.numpy(), confusion=confusion)
float64 = run([t.double() if t.is_floating_point() else t for t in parts], seeds[0], epochs)[3]
versus_best = None
if (float(best["lr"]), int(best["batch_size"])) != (lr, nbatch):
    best_weights = point_weights(float(best["lr"]), int(best["batch_size"]))

    def right(W, b):  # per validation image: classified correctly?
        return linear_trsf(d["X_val"], W, b).argmax(1) == d["y_val"]

    versus_best = paired(right(W, b), right(*(torch.from_numpy(best_weights[f"{k}_{seeds[0]}"]) for k in "Wb")),
                         p.confidence) | {"seed": seeds[0], "n": len(d["y_val"])}
    log.info("against the best point (lr=%g bs=%d), seed %d: %s", best["lr"], best["batch_size"], seeds[0], versus_best)
for budget in budgets:
    log.info("lr=%g bs=%d, %d epochs (%s): val %s, test %s", lr, nbatch, budget["epochs"], budget["verdict"],
             [r[3]["val_accuracy"] for r in budget["runs"]], [r[3]["test_accuracy"] for r in budget["runs"]])
log.info("float64, seed %d: val %.4f, test %.4f", seeds[0], float64["val_accuracy"], float64["test_accuracy"])
write_json(snakemake.output.json, {
    "lr": lr, "batch_size": nbatch, "epochs": epochs, "kept_epochs": kept["epochs"],
    "budgets": [{"epochs": b["epochs"], "verdict": b["verdict"], "rows": [r[3] for r in b["runs"]]} for b in budgets],
    "float64_run": float64, "versus_best": versus_best})
