"""Exercise 1, beyond the sheet: one feature scale -> condition number, 2/λmax, epochs to reach the closed form."""

from dataclasses import asdict

import torch

from gdlab.io import setup_logging, write_json
from gdlab.linalg import add_bias
from gdlab.linreg import LinearRegressionHand, curvature, epochs_to_reach, normal_equations
from gdlab.linreg_data import arrays, read_linreg_csv

log = setup_logging(snakemake.log[0])
study, tol, scale = snakemake.params.study, snakemake.params.tol, float(snakemake.wildcards.scale)
X, y = map(torch.from_numpy, arrays(read_linreg_csv(snakemake.input.csv)))
X1 = add_bias(X * scale)
curv = curvature(X1)
lr = study["lr_fraction"] * curv.max_lr
model = LinearRegressionHand(torch.full((X1.shape[1],), float(snakemake.params.theta0), dtype=torch.float64))
reached = epochs_to_reach(model, X1, y, normal_equations(X1, y), lr, tol, study["max_epochs"])
write_json(snakemake.output.json, {"scale": scale, "lr": lr, "tol": tol, "epochs_to_tol": reached,
                                   "max_epochs": study["max_epochs"], "curvature": asdict(curv)})
log.info("scale %g: kappa %.4g, 2/lambda_max %.4g, epochs to tol %s", scale, curv.condition_number, curv.max_lr, reached)
