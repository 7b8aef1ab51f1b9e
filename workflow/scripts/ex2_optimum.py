"""Exercise 2 d: the optimum of the same cost by an independent solver (scipy's L-BFGS), to check GD against."""

import numpy as np
import torch

from gdlab.io import load_arrays, read_json, setup_logging, write_json
from gdlab.logreg import cost, cost_hessian, design, lbfgs_optimum, null_direction

log = setup_logging(snakemake.log[0])
data = load_arrays(snakemake.input.arrays)
X, Y = design(data["features"], data["labels"])
opt = lbfgs_optimum(X, Y)
gd = next(r for r in read_json(snakemake.input.gd)["runs"] if r["lr"] == snakemake.params.lr)
# Is the minimiser unique? Move it by its own length along the direction X maps closest to zero and along the
# one X stretches most: a flat direction leaves the cost where it is.
W_star = torch.tensor(opt["W"], dtype=X.dtype).reshape(1, -1)
step = float(torch.linalg.vector_norm(W_star))
flat, steep = null_direction(X), torch.linalg.svd(X, full_matrices=False).Vh[:1]
change = {name: float(cost(X, Y, W_star + step * v) - cost(X, Y, W_star)) for name, v in (("flat", flat), ("steep", steep))}
# The largest curvature at the minimum itself: a fixed rate settles there only below 2 / it (L bounds it anywhere).
curvature = float(torch.linalg.eigvalsh(cost_hessian(X, W_star)).max())
write_json(snakemake.output.json, opt | {
    "curvature": curvature, "local_bound": 2 / curvature,
    "move": {"step": step, "flat_change": change["flat"], "steep_change": change["steep"]},
    "gd_cost": gd["cost"][-1], "abs_cost_gap": abs(gd["cost"][-1] - opt["cost"]),
    "W_distance": float(np.linalg.norm(np.array(gd["W"]) - np.array(opt["W"]))),
})
log.info("L-BFGS cost %.12g, GD %.12g", opt["cost"], gd["cost"][-1])
