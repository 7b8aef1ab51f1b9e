"""Exercise 1 a: the normal equations, an independent solver beside them, and the curvature of the cost."""

from dataclasses import asdict

import numpy as np
import torch

from gdlab.io import setup_logging, write_json
from gdlab.linalg import add_bias
from gdlab.linreg import curvature, mse, mse_hessian, normal_equations
from gdlab.linreg_data import arrays, read_linreg_csv

log = setup_logging(snakemake.log[0])
X, y = map(torch.from_numpy, arrays(read_linreg_csv(snakemake.input.csv)))
X1 = add_bias(X)
theta = normal_equations(X1, y)
lstsq = np.linalg.lstsq(X1.numpy(), y.numpy(), rcond=None)[0]  # independent of our code: the sheet shows they agree
curv = curvature(X1)
write_json(snakemake.output.json, {
    "theta": theta.tolist(), "loss": float(mse(theta, X1, y)), "n": X.shape[0], "d": X.shape[1],
    "lstsq_theta": lstsq.tolist(), "lstsq_max_abs_diff": float(np.max(np.abs(lstsq - theta.numpy()))),
    "hessian": mse_hessian(X1).tolist(), "curvature": asdict(curv),
})
log.info("closed form theta=%s, 2/lambda_max=%.6g", theta.tolist(), curv.max_lr)
