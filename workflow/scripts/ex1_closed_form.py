"""Exercise 1 a: the normal equations on the standardised data, an independent solver beside them, the curvature."""

from dataclasses import asdict

import numpy as np
import torch

from gdlab.io import setup_logging, write_json
from gdlab.linreg import cost, curvature, load, normal_equations

log = setup_logging(snakemake.log[0])
p = snakemake.params
X, Y = load(snakemake.input.csv, p.feature, p.target)
a = normal_equations(X, Y)
lstsq = np.linalg.lstsq(X.numpy(), Y.numpy(), rcond=None)[0]  # independent of our code: the sheet shows they agree
torch_lstsq = torch.linalg.lstsq(X, Y).solution.numpy()  # the notebook prints both
curv = curvature(X)
write_json(snakemake.output.json, {
    "a": a.flatten().tolist(), "cost": float(cost(X, Y, a)), "n": len(X),
    "lstsq": lstsq.flatten().tolist(), "lstsq_max_abs_diff": float(max(np.max(np.abs(s - a.numpy())) for s in (lstsq, torch_lstsq))),
    "hessian": (X.T @ X / len(X)).tolist(), "curvature": asdict(curv),
})
log.info("closed form a=%s, 2/lambda_max=%.6g", a.flatten().tolist(), curv.max_lr)
