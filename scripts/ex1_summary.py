"""Exercise 1: collect the numbers the answer sheet quotes into one summary file."""

from gdlab.io import read_json, setup_logging, write_json

setup_logging(snakemake.log[0])
closed = read_json(snakemake.input.closed_form)
gd = read_json(snakemake.input.gd)
mx = read_json(snakemake.input.max_lr)
runs = [read_json(p) for p in snakemake.input.lr_study]
cond = [read_json(p) for p in snakemake.input.conditioning]
write_json(snakemake.output.json, {
    "closed_form": {k: closed[k] for k in ("theta", "loss", "lstsq_max_abs_diff", "n", "d")},
    "curvature": closed["curvature"],
    "gd": {"theta": gd["theta"], "lr": gd["lr"], "epochs": gd["epochs"], "final_loss": gd["final_loss"],
           "final_distance": gd["final_distance"], "diverged": gd["diverged"]},
    "max_lr": {k: mx[k] for k in ("theory", "empirical", "bracket", "relative_difference", "probe_epochs")}
    | {"probes": len(mx["probes"])},
    "lr_study": sorted(({k: r[k] for k in ("lr", "diverged", "epochs_run", "final_loss", "final_distance")}
                        for r in runs), key=lambda r: r["lr"]),
    "conditioning": sorted(({"scale": c["scale"], "condition_number": c["curvature"]["condition_number"],
                             "max_lr": c["curvature"]["max_lr"], "lr": c["lr"], "epochs_to_tol": c["epochs_to_tol"],
                             "max_epochs": c["max_epochs"], "tol": c["tol"]} for c in cond), key=lambda c: c["scale"]),
})
