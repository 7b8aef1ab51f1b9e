"""Exercise 2: the optimum of the same cost by an independent solver (scipy L-BFGS), to check GD against."""

import numpy as np
import torch
from scipy.optimize import minimize

from gdlab.data import load_tensors
from gdlab.io import setup_logging, write_json
from gdlab.logreg import cost, gradient_cost

log = setup_logging(snakemake.log[0])
t = load_tensors(snakemake.input.tensors)
X1, y = t["X_train"], t["y_train"]


def f(w):
    theta = torch.from_numpy(w)
    return float(cost(theta, X1, y)), gradient_cost(theta, X1, y).numpy()


res = minimize(f, np.zeros(X1.shape[1]), jac=True, method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 1e-15,
                                                                                "maxiter": 100_000})
write_json(snakemake.output.json, {"theta": res.x.tolist(), "cost": float(res.fun), "success": bool(res.success),
                                   "message": str(res.message), "iterations": int(res.nit),
                                   "gradient_norm": float(np.linalg.norm(res.jac))})
log.info("L-BFGS: cost %.10g after %d iterations (%s)", res.fun, res.nit, res.message)
