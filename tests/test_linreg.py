"""Exercise 1 numerics: hand gradient vs autograd, closed form vs lstsq, GD limits."""

import numpy as np
import pytest
import torch

from gdlab.data import linreg_tensors, make_linreg
from gdlab.linreg import (
    LinearRegressionGD, add_bias, bisect_max_lr, curvature, distance_to, epochs_to_tolerance, gd_diverges, mse, mse_grad,
    mse_hessian, normal_equations,
)
from gdlab.train import AutogradModel, fit


@pytest.fixture(params=[([1.5, -2.0], 1.0, 1.0), ([0.3, 2.0, -1.0, 0.5], 2.0, 3.0)], ids=["d1", "d3"])
def data(request):
    theta, mean, std = request.param
    X, y = linreg_tensors(make_linreg(60, theta, mean, std, 0.3, seed=7))
    return add_bias(X), y


def test_hand_gradient_equals_autograd(data):
    X1, y = data
    theta = torch.randn(X1.shape[1], dtype=torch.float64, generator=torch.Generator().manual_seed(1), requires_grad=True)
    mse(theta, X1, y).backward()
    torch.testing.assert_close(mse_grad(theta.detach(), X1, y), theta.grad, rtol=1e-12, atol=1e-12)


def test_hessian_equals_autograd(data):
    X1, y = data
    theta = torch.zeros(X1.shape[1], dtype=torch.float64)
    H = torch.autograd.functional.hessian(lambda t: mse(t, X1, y), theta)
    torch.testing.assert_close(mse_hessian(X1), H, rtol=1e-12, atol=1e-12)


def test_normal_equations_equal_lstsq(data):
    X1, y = data
    expected = np.linalg.lstsq(X1.numpy(), y.numpy(), rcond=None)[0]
    np.testing.assert_allclose(normal_equations(X1, y).numpy(), expected, rtol=1e-10, atol=1e-12)


def test_gradient_vanishes_at_closed_form(data):
    X1, y = data
    assert torch.linalg.vector_norm(mse_grad(normal_equations(X1, y), X1, y)) < 1e-10


def test_gd_reaches_closed_form(data):
    X1, y = data
    curv = curvature(X1)
    model = LinearRegressionGD(torch.zeros(X1.shape[1], dtype=torch.float64))
    hist = fit(model, X1, y, epochs=20000, lr=curv.optimal_lr)
    assert not hist.diverged
    star = normal_equations(X1, y)
    assert torch.linalg.vector_norm(model.theta - star) <= 1e-9 * (1 + torch.linalg.vector_norm(star))


def test_theory_and_bisection_agree_within_two_percent(data):
    X1, y = data
    theory = curvature(X1).max_lr
    lo, hi, probes = bisect_max_lr(X1, y, lr_start=1e-4, epochs=400, rtol=0.01)
    assert (hi - lo) / lo <= 0.01
    assert lo <= theory * 1.001 and hi >= theory * 0.999  # the bracket holds the theoretical limit
    assert abs(0.5 * (lo + hi) - theory) / theory < 0.02
    assert any(d for _, d in probes) and any(not d for _, d in probes)


def test_just_below_converges_just_above_diverges(data):
    X1, y = data
    theory = curvature(X1).max_lr
    assert not gd_diverges(X1, y, 0.98 * theory, 500)
    assert gd_diverges(X1, y, 1.02 * theory, 500)


def test_divergence_is_recorded_not_raised(data):
    X1, y = data
    model = LinearRegressionGD(torch.zeros(X1.shape[1], dtype=torch.float64))
    hist = fit(model, X1, y, epochs=10_000, lr=3 * curvature(X1).max_lr, divergence_factor=1e6)
    assert hist.diverged and hist.epochs_run < 10_000
    assert hist.rows[-1]["loss"] > 1e6 * hist.rows[0]["loss"]


def test_one_loop_serves_hand_and_module_models(data):
    """The same fit() drives the hand-gradient model and an nn.Module with autograd: same path."""
    X1, y = data
    d = X1.shape[1]
    hand = LinearRegressionGD(torch.zeros(d, dtype=torch.float64))
    lin = torch.nn.Linear(d, 1, bias=False, dtype=torch.float64)
    torch.nn.init.zeros_(lin.weight)
    auto = AutogradModel(lin, lambda out, t: torch.mean((out.squeeze(1) - t) ** 2))
    lr = 0.5 * curvature(X1).max_lr
    h1 = fit(hand, X1, y, epochs=50, lr=lr)
    h2 = fit(auto, X1, y, epochs=50, lr=lr)
    torch.testing.assert_close(lin.weight.detach().squeeze(0), hand.theta, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h1.column("loss"), h2.column("loss"), rtol=1e-10)


def test_epochs_to_tolerance_follows_the_condition_number(data):
    X1, y = data
    star = normal_equations(X1, y)
    curv = curvature(X1)
    zero = torch.zeros(X1.shape[1], dtype=torch.float64)
    fast = epochs_to_tolerance(X1, y, zero, star, curv.optimal_lr, 1e-6, 100_000)
    slow = epochs_to_tolerance(X1, y, zero, star, 0.1 * curv.optimal_lr, 1e-6, 100_000)
    assert fast is not None and slow is not None and slow > 5 * fast
    assert epochs_to_tolerance(X1, y, zero, star, 1e-6, 1e-6, 10) is None


def test_distance_to_is_the_euclidean_distance_fit_records():
    theta_star = torch.tensor([1.0, -2.0], dtype=torch.float64)
    m = LinearRegressionGD(torch.tensor([4.0, 2.0], dtype=torch.float64))
    assert distance_to(theta_star)(m, 0) == {"distance": 5.0}  # a 3-4-5 triangle
    X1 = torch.tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], dtype=torch.float64)
    hist = fit(m, X1, X1 @ theta_star, epochs=5, lr=0.1, on_epoch=distance_to(theta_star))
    assert hist.column("distance")[0] == 5.0 and hist.column("distance")[-1] < 5.0
