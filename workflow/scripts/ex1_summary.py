"""Exercise 1: the numbers and facts the sheet quotes, in one summary (no torch: it only reads results)."""

from gdlab.facts import epochs_falling, outcome
from gdlab.io import read_json, setup_logging, write_json

setup_logging(snakemake.log[0])
rule = snakemake.params.outcome
closed, mx = read_json(snakemake.input.closed_form), read_json(snakemake.input.max_lr)
(gd,) = [read_json(p) for p in snakemake.input.gd]
runs = sorted((read_json(p) for p in snakemake.input.lr_study), key=lambda r: r["lr"])
cond = sorted((read_json(p) for p in snakemake.input.conditioning), key=lambda c: c["scale"])


def ended(run):
    return outcome(run["history"]["loss"], run["diverged"], **rule)


def showcase(run):
    return {"factor": run["factor"], "lr": run["lr"], "diverged": run["diverged"], "epochs_run": run["epochs_run"],
            "outcome": outcome(run["loss"], run["diverged"], **rule),
            "distance_falls_for": epochs_falling(run["distance"]), "final_distance": run["distance"][-1]}


study = [{k: r[k] for k in ("lr", "diverged", "epochs_run", "final_loss", "final_distance")} | {"outcome": ended(r)}
         for r in runs]
write_json(snakemake.output.json, {
    "closed_form": {k: closed[k] for k in ("theta", "loss", "lstsq_max_abs_diff", "n", "d")},
    "curvature": closed["curvature"],
    "gd": {k: gd[k] for k in ("theta", "lr", "epochs", "final_loss", "final_distance", "diverged")} | {"outcome": ended(gd)},
    "max_lr": {k: mx[k] for k in ("theory", "empirical", "bracket", "relative_difference", "probe_epochs")}
    | {"probes": len(mx["probes"]), "showcase": [showcase(r) for r in mx["showcase"]]},
    "lr_study": study,
    # Facts the prose picks its sentences by: the slowest rate that did not diverge, and the diverged ones.
    "lr_study_slowest": next((r for r in study if r["outcome"] != "diverged"), None),
    "lr_study_diverged": [r["lr"] for r in study if r["outcome"] == "diverged"],
    "conditioning": [{"scale": c["scale"], "condition_number": c["curvature"]["condition_number"],
                      "max_lr": c["curvature"]["max_lr"], "lr": c["lr"], "epochs_to_tol": c["epochs_to_tol"],
                      "max_epochs": c["max_epochs"], "tol": c["tol"]} for c in cond],
})
