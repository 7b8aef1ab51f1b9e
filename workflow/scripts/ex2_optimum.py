"""Exercise 2 d: the optimum of the same cost by an independent solver (scipy's L-BFGS), to check GD against."""

import numpy as np

from gdlab.io import load_arrays, read_json, setup_logging, write_json
from gdlab.logreg import design, lbfgs_optimum

log = setup_logging(snakemake.log[0])
data = load_arrays(snakemake.input.arrays)
X, Y = design(data["features"], data["labels"])
opt = lbfgs_optimum(X, Y)
gd = next(r for r in read_json(snakemake.input.gd)["runs"] if r["lr"] == snakemake.params.lr)
write_json(snakemake.output.json, opt | {
    "gd_cost": gd["cost"][-1], "abs_cost_gap": abs(gd["cost"][-1] - opt["cost"]),
    "W_distance": float(np.linalg.norm(np.array(gd["W"]) - np.array(opt["W"]))),
})
log.info("L-BFGS cost %.12g, GD %.12g", opt["cost"], gd["cost"][-1])
