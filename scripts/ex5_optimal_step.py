"""Exercise 5 numbers: the Hessian's condition number and the optimal step gᵀg/gᵀHg on the Exercise 1 data."""

import torch

from gdlab.data import linreg_tensors, read_linreg_csv
from gdlab.io import read_json, setup_logging, write_json
from gdlab.linreg import add_bias, curvature, epochs_to_tolerance, exact_line_search_steps

setup_logging(snakemake.log[0])
X, y = linreg_tensors(read_linreg_csv(snakemake.input.csv))
X1 = add_bias(X)
closed = read_json(snakemake.input.closed_form)
star = torch.tensor(closed["theta"], dtype=torch.float64)
cfg = snakemake.params.cfg
theta0 = torch.full((X1.shape[1],), float(snakemake.params.theta0), dtype=torch.float64)
curv = curvature(X1)
eps0, ls_epochs = exact_line_search_steps(X1, y, theta0, star, cfg["tol"], cfg["max_epochs"])


write_json(snakemake.output.json, {
    "condition_number": curv.condition_number, "lambda_max": curv.lambda_max, "lambda_min": curv.lambda_min,
    "optimal_step_at_start": eps0, "one_over_lambda_max": 1 / curv.lambda_max, "tol": cfg["tol"],
    "epochs_line_search": ls_epochs, "epochs_fixed_optimal_lr": epochs_to_tolerance(X1, y, theta0, star, curv.optimal_lr, cfg["tol"],
                                                  cfg["max_epochs"]),
    "fixed_optimal_lr": curv.optimal_lr,
    # Worst-case contraction per step of GD with the best fixed rate: (κ-1)/(κ+1).
    "contraction_fixed": (curv.condition_number - 1) / (curv.condition_number + 1),
})
