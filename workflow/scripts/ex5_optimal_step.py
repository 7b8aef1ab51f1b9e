"""Exercise 5: the Hessian's condition number, the optimal step gᵀg/gᵀHg, exact line search against the best fixed rate."""

import torch

from gdlab.io import setup_logging, write_json
from gdlab.linalg import add_bias
from gdlab.linreg import (LinearRegressionHand, LinearRegressionLineSearch, curvature, epochs_to_reach, mse_grad,
                          mse_hessian, normal_equations)
from gdlab.linreg_data import arrays, read_linreg_csv

setup_logging(snakemake.log[0])
tol, max_epochs = snakemake.params.tol, snakemake.params.max_epochs
X, y = map(torch.from_numpy, arrays(read_linreg_csv(snakemake.input.csv)))
X1 = add_bias(X)
star = normal_equations(X1, y)
theta0 = torch.full((X1.shape[1],), float(snakemake.params.theta0), dtype=torch.float64)
curv = curvature(X1)
g = mse_grad(theta0, X1, y)
write_json(snakemake.output.json, {
    "condition_number": curv.condition_number, "lambda_max": curv.lambda_max, "lambda_min": curv.lambda_min,
    "optimal_step_at_start": float(g @ g / (g @ mse_hessian(X1) @ g)), "one_over_lambda_max": 1 / curv.lambda_max,
    "one_over_lambda_min": 1 / curv.lambda_min, "tol": tol, "fixed_optimal_lr": curv.optimal_lr,
    "epochs_line_search": epochs_to_reach(LinearRegressionLineSearch(theta0), X1, y, star, 0.0, tol, max_epochs),
    "epochs_fixed_optimal_lr": epochs_to_reach(LinearRegressionHand(theta0), X1, y, star, curv.optimal_lr, tol, max_epochs),
    # The worst-case contraction per step of GD with the best fixed rate: (κ-1)/(κ+1).
    "contraction_fixed": (curv.condition_number - 1) / (curv.condition_number + 1),
})
