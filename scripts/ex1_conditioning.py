"""Exercise 1, beyond the sheet: one feature scale -> condition number, 2/λmax, epochs to converge."""

from dataclasses import asdict

import torch

from gdlab.data import linreg_tensors, read_linreg_csv
from gdlab.io import setup_logging, write_json
from gdlab.linreg import add_bias, curvature, epochs_to_tolerance, normal_equations

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
cfg = snakemake.params.cfg
scale = float(snakemake.wildcards.scale)
X, y = linreg_tensors(read_linreg_csv(snakemake.input.csv))
X1 = add_bias(X * scale)
theta_star = normal_equations(X1, y)
curv = curvature(X1)
lr = cfg["lr_fraction"] * curv.max_lr
theta0 = torch.full((X1.shape[1],), float(snakemake.params.theta0), dtype=torch.float64)
reached = epochs_to_tolerance(X1, y, theta0, theta_star, lr, cfg["tol"], cfg["max_epochs"])
write_json(snakemake.output.json, {
    "scale": scale, "lr": lr, "tol": cfg["tol"], "epochs_to_tol": reached, "max_epochs": cfg["max_epochs"],
    "curvature": asdict(curv),
})
log.info("scale %g: kappa %.4g, 2/lambda_max %.4g, epochs to tol %s", scale, curv.condition_number, curv.max_lr, reached)
