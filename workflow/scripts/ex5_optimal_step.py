"""Exercise 5: on Exercise 1's data (one feature variant), the Hessian's condition number, the optimal step
gᵀg/gᵀHg, and steepest descent with that exact line search against GD at the best fixed rate."""

import torch

from gdlab.io import setup_logging, write_json
from gdlab.linreg import curvature, epochs_to_reach, gradient_cost, load, normal_equations, optimal_step

setup_logging(snakemake.log[0])
p = snakemake.params
X, Y = load(snakemake.input.csv, p.feature, p.target, p.variant)
a_star = normal_equations(X, Y)
a0 = torch.zeros_like(a_star)
curv = curvature(X)


def line_search(a):
    """The step of steepest descent with exact line search, as a 'gradient' for GD with lr 1."""
    return optimal_step(X, Y, a) * gradient_cost(X, Y, a)


write_json(snakemake.output.json, {
    "variant": p.variant, "condition_number": curv.condition_number, "lambda_max": curv.lambda_max,
    "lambda_min": curv.lambda_min, "optimal_step_at_start": optimal_step(X, Y, a0),
    "one_over_lambda_max": 1 / curv.lambda_max, "one_over_lambda_min": 1 / curv.lambda_min, "tol": p.tol,
    "fixed_optimal_lr": curv.optimal_lr,
    "epochs_line_search": epochs_to_reach(line_search, a_star, 1.0, p.tol, p.max_epochs),
    "epochs_fixed_optimal_lr": epochs_to_reach(lambda a: gradient_cost(X, Y, a), a_star, curv.optimal_lr, p.tol, p.max_epochs),
    # The worst-case contraction per step of GD with the best fixed rate: (κ-1)/(κ+1).
    "contraction_fixed": (curv.condition_number - 1) / (curv.condition_number + 1),
})
