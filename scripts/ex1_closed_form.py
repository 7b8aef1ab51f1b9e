"""Exercise 1a: the normal equations, and the curvature that bounds the learning rate."""

from dataclasses import asdict

import numpy as np

from gdlab.data import linreg_tensors, read_linreg_csv
from gdlab.io import setup_logging, write_json
from gdlab.linreg import add_bias, curvature, mse, normal_equations

log = setup_logging(snakemake.log[0])
X, y = linreg_tensors(read_linreg_csv(snakemake.input.csv))
X1 = add_bias(X)
theta = normal_equations(X1, y)
# An independent solver, recorded so the sheet can show the two agree.
lstsq = np.linalg.lstsq(X1.numpy(), y.numpy(), rcond=None)[0]
curv = curvature(X1)
write_json(
    snakemake.output.json,
    {
        "theta": theta.tolist(),
        "loss": float(mse(theta, X1, y)),
        "lstsq_theta": lstsq.tolist(),
        "lstsq_max_abs_diff": float(np.max(np.abs(lstsq - theta.numpy()))),
        "n": X.shape[0],
        "d": X.shape[1],
        "curvature": asdict(curv),
    },
)
log.info("closed form theta=%s, 2/lambda_max=%.6g", theta.tolist(), curv.max_lr)
