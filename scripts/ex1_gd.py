"""Exercise 1b-d: full-batch GD with the hand-written gradient at one learning rate."""

import torch

from gdlab.data import linreg_tensors, read_linreg_csv
from gdlab.io import read_json, setup_logging, write_json
from gdlab.linreg import LinearRegressionGD, add_bias, distance_to
from gdlab.train import fit

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
lr = float(snakemake.wildcards.lr)
X, y = linreg_tensors(read_linreg_csv(snakemake.input.csv))
X1 = add_bias(X)
theta_star = torch.tensor(read_json(snakemake.input.closed_form)["theta"], dtype=torch.float64)
model = LinearRegressionGD(torch.full((X1.shape[1],), float(snakemake.params.theta0), dtype=torch.float64))
distance = distance_to(theta_star)
hist = fit(model, X1, y, epochs=snakemake.params.epochs, lr=lr,
           on_epoch=lambda m, e: distance(m, e) | {"theta": m.state()},
           divergence_factor=snakemake.params.divergence_factor)
write_json(snakemake.output.json, {
    "lr": lr,
    "epochs": snakemake.params.epochs,
    "epochs_run": hist.epochs_run,
    "diverged": hist.diverged,
    "theta": model.state(),
    "final_loss": hist.rows[-1]["loss"],
    "final_distance": hist.rows[-1]["distance"],
    "history": {k: hist.column(k) for k in ("epoch", "loss", "distance", "theta")},
})
log.info("lr=%g: %s after %d epochs, loss %.6g", lr, "diverged" if hist.diverged else "done", hist.epochs_run,
         hist.rows[-1]["loss"])
