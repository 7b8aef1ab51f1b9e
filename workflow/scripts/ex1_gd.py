"""Exercise 1 b-d: full-batch GD with the hand-written gradient at one learning rate."""

import torch

from gdlab.io import read_json, setup_logging, write_json
from gdlab.linalg import add_bias
from gdlab.linreg import LinearRegressionHand, distance_to
from gdlab.linreg_data import arrays, read_linreg_csv
from gdlab.train import fit

log = setup_logging(snakemake.log[0])
run, lr = snakemake.params.run, float(snakemake.wildcards.lr)
X, y = map(torch.from_numpy, arrays(read_linreg_csv(snakemake.input.csv)))
X1 = add_bias(X)
theta_star = torch.tensor(read_json(snakemake.input.closed_form)["theta"], dtype=torch.float64)
model = LinearRegressionHand(torch.full((X1.shape[1],), float(run["theta0"]), dtype=torch.float64))
distance = distance_to(theta_star, X1, y)
hist = fit(model, X1, y, epochs=run["epochs"], lr=lr, metrics=lambda m: distance(m) | {"theta": m.theta.tolist()},
           divergence_factor=run["divergence_factor"])
write_json(snakemake.output.json, {
    "lr": lr, "epochs": run["epochs"], "epochs_run": hist.epochs_run, "diverged": hist.diverged,
    "theta": model.theta.tolist(), "final_loss": hist.rows[-1]["loss"], "final_distance": hist.rows[-1]["distance"],
    "history": {k: hist.column(k) for k in ("epoch", "loss", "distance", "theta")},
})
log.info("lr=%g: %s after %d epochs, loss %.6g", lr, "diverged" if hist.diverged else "done", hist.epochs_run,
         hist.rows[-1]["loss"])
