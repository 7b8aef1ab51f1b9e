"""Exercise 5: the Hessian's condition number, the optimal step gᵀg/gᵀHg, exact line search against the best fixed rate."""

import torch

from gdlab.io import setup_logging, write_json
from gdlab.linalg import add_bias
from gdlab.linreg import LinearRegressionHand, LinearRegressionLineSearch, curvature, distance_to, mse_grad, mse_hessian, normal_equations
from gdlab.linreg_data import arrays, read_linreg_csv
from gdlab.train import fit

setup_logging(snakemake.log[0])
study = snakemake.params.study
X, y = map(torch.from_numpy, arrays(read_linreg_csv(snakemake.input.csv)))
X1 = add_bias(X)
star = normal_equations(X1, y)
theta0 = torch.full((X1.shape[1],), float(snakemake.params.theta0), dtype=torch.float64)
curv = curvature(X1)
target = study["tol"] * float(torch.linalg.vector_norm(star))


def epochs_to_tolerance(model, lr):
    hist = fit(model, X1, y, epochs=study["max_epochs"], lr=lr, metrics=distance_to(star, X1, y),
               until=lambda row: row["distance"] <= target)
    return hist.epochs_run if hist.rows[-1]["distance"] <= target else None


g = mse_grad(theta0, X1, y)
write_json(snakemake.output.json, {
    "condition_number": curv.condition_number, "lambda_max": curv.lambda_max, "lambda_min": curv.lambda_min,
    "optimal_step_at_start": float(g @ g / (g @ mse_hessian(X1) @ g)), "one_over_lambda_max": 1 / curv.lambda_max,
    "one_over_lambda_min": 1 / curv.lambda_min, "tol": study["tol"], "fixed_optimal_lr": curv.optimal_lr,
    "epochs_line_search": epochs_to_tolerance(LinearRegressionLineSearch(theta0), 0.0),
    "epochs_fixed_optimal_lr": epochs_to_tolerance(LinearRegressionHand(theta0), curv.optimal_lr),
    # The worst-case contraction per step of GD with the best fixed rate: (κ-1)/(κ+1).
    "contraction_fixed": (curv.condition_number - 1) / (curv.condition_number + 1),
})
