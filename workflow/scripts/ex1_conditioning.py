"""Exercise 1, beyond the sheet: one feature scale -> condition number, 2/λmax, epochs to reach the closed form."""

from dataclasses import asdict

import torch

from gdlab.io import setup_logging, write_json
from gdlab.linalg import add_bias
from gdlab.linreg import LinearRegressionHand, curvature, distance_to, normal_equations
from gdlab.linreg_data import arrays, read_linreg_csv
from gdlab.train import fit

log = setup_logging(snakemake.log[0])
study, scale = snakemake.params.study, float(snakemake.wildcards.scale)
X, y = map(torch.from_numpy, arrays(read_linreg_csv(snakemake.input.csv)))
X1 = add_bias(X * scale)
theta_star = normal_equations(X1, y)
curv = curvature(X1)
lr = study["lr_fraction"] * curv.max_lr
target = study["tol"] * float(torch.linalg.vector_norm(theta_star))
model = LinearRegressionHand(torch.full((X1.shape[1],), float(snakemake.params.theta0), dtype=torch.float64))
hist = fit(model, X1, y, epochs=study["max_epochs"], lr=lr, metrics=distance_to(theta_star, X1, y),
           until=lambda row: row["distance"] <= target)
reached = hist.epochs_run if hist.rows[-1]["distance"] <= target else None
write_json(snakemake.output.json, {"scale": scale, "lr": lr, "tol": study["tol"], "epochs_to_tol": reached,
                                   "max_epochs": study["max_epochs"], "curvature": asdict(curv)})
log.info("scale %g: kappa %.4g, 2/lambda_max %.4g, epochs to tol %s", scale, curv.condition_number, curv.max_lr, reached)
