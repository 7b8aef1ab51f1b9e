"""Exercise 1 numerics (gdlab.linreg, gdlab.linalg): hand gradient vs autograd, closed form vs lstsq, GD's limits,
the line search."""

import numpy as np
import pytest
import torch

from gdlab.linalg import add_bias, gram_eigenvalues
from gdlab.linreg import (
    LinearRegressionHand, LinearRegressionLineSearch, curvature, distance_to, epochs_to_reach, mse, mse_grad,
    mse_hessian, normal_equations,
)
from gdlab.linreg_data import arrays, make_linreg
from gdlab.train import AutogradModel, bisect_max_lr, cost_grows, fit


def tensors(frame):
    X, y = arrays(frame)
    return torch.tensor(X), torch.tensor(y)


@pytest.fixture(params=[([1.5, -2.0], 1.0, 1.0), ([0.3, 2.0, -1.0, 0.5], 2.0, 3.0)], ids=["d1", "d3"])
def data(request):
    theta, mean, std = request.param
    X, y = tensors(make_linreg(60, theta, mean, std, 0.3, seed=7))
    return add_bias(X), y


def zeros(X1):
    return torch.zeros(X1.shape[1], dtype=torch.float64)


# --- the design matrix ----------------------------------------------------------------------------------

def test_add_bias_prepends_ones_and_keeps_dtype():
    X = torch.tensor([[2.0, 3.0], [4.0, 5.0]], dtype=torch.float32)
    X1 = add_bias(X)
    assert X1.dtype == torch.float32 and X1.tolist() == [[1.0, 2.0, 3.0], [1.0, 4.0, 5.0]]


def test_gram_eigenvalues_ascending_float64_equal_numpy(data):
    X1, _ = data
    ev = gram_eigenvalues(X1.to(torch.float32))
    assert ev.dtype == torch.float64 and torch.all(ev[1:] >= ev[:-1])
    X = X1.numpy()
    np.testing.assert_allclose(ev.numpy(), np.linalg.eigvalsh(X.T @ X / len(X)), rtol=1e-6)


# --- cost, gradient, Hessian, closed form ---------------------------------------------------------------

def test_hand_gradient_equals_autograd(data):
    X1, y = data
    theta = torch.randn(X1.shape[1], dtype=torch.float64, generator=torch.Generator().manual_seed(1), requires_grad=True)
    mse(theta, X1, y).backward()
    torch.testing.assert_close(mse_grad(theta.detach(), X1, y), theta.grad, rtol=1e-12, atol=1e-12)


def test_mse_is_the_mean_squared_residual(data):
    X1, y = data
    theta = torch.linspace(-1, 1, X1.shape[1], dtype=torch.float64)
    assert float(mse(theta, X1, y)) == pytest.approx(float(torch.mean((X1 @ theta - y) ** 2)), rel=1e-14)


def test_hessian_equals_autograd(data):
    X1, y = data
    H = torch.autograd.functional.hessian(lambda t: mse(t, X1, y), zeros(X1))
    torch.testing.assert_close(mse_hessian(X1), H, rtol=1e-12, atol=1e-12)


def test_normal_equations_equal_lstsq(data):
    X1, y = data
    expected = np.linalg.lstsq(X1.numpy(), y.numpy(), rcond=None)[0]
    np.testing.assert_allclose(normal_equations(X1, y).numpy(), expected, rtol=1e-10, atol=1e-12)


def test_gradient_vanishes_at_closed_form(data):
    X1, y = data
    assert torch.linalg.vector_norm(mse_grad(normal_equations(X1, y), X1, y)) < 1e-10


def test_curvature_is_the_hessian_spectrum(data):
    X1, _ = data
    c = curvature(X1)
    ev = torch.linalg.eigvalsh(mse_hessian(X1))
    np.testing.assert_allclose(c.eigenvalues, ev.numpy(), rtol=1e-10)
    assert c.lambda_max == pytest.approx(float(ev[-1])) and c.lambda_min == pytest.approx(float(ev[0]))
    assert c.max_lr == pytest.approx(2 / float(ev[-1])) and c.condition_number == pytest.approx(float(ev[-1] / ev[0]))
    assert c.optimal_lr == pytest.approx(2 / float(ev[0] + ev[-1]))


# --- gradient descent -----------------------------------------------------------------------------------

def test_gd_reaches_closed_form(data):
    X1, y = data
    model = LinearRegressionHand(zeros(X1))
    hist = fit(model, X1, y, epochs=20000, lr=curvature(X1).optimal_lr)
    assert not hist.diverged
    star = normal_equations(X1, y)
    assert torch.linalg.vector_norm(model.theta - star) <= 1e-9 * (1 + torch.linalg.vector_norm(star))


def test_error_obeys_the_linear_recursion(data):
    """e_{t+1} = (I − η H) e_t: one step and, late in a run, the slowest mode's factor max|1 − ηλ|."""
    X1, y = data
    star, H, c = normal_equations(X1, y), mse_hessian(X1), curvature(X1)
    lr = 0.3 * c.max_lr
    model = LinearRegressionHand(torch.ones(X1.shape[1], dtype=torch.float64))
    e0 = model.theta - star
    model.step(X1, y, lr)
    torch.testing.assert_close(model.theta - star, e0 - lr * H @ e0, rtol=1e-9, atol=1e-12)
    hist = fit(LinearRegressionHand(zeros(X1)), X1, y, epochs=4000, lr=lr, metrics=distance_to(star, X1, y))
    d = hist.column("distance")
    t = max(i for i, v in enumerate(d) if v > 1e-7)  # well above the rounding floor
    factor = max(abs(1 - lr * lam) for lam in c.eigenvalues)
    assert d[t] / d[t - 1] == pytest.approx(factor, rel=1e-5)


def test_theory_and_bisection_agree_within_two_percent(data):
    X1, y = data
    theory = curvature(X1).max_lr
    lo, hi, probes = bisect_max_lr(lambda lr: cost_grows(lambda: LinearRegressionHand(zeros(X1)), X1, y, lr, 400),
                                   lr_start=1e-4, rtol=0.01)
    assert (hi - lo) / lo <= 0.01
    assert lo <= theory * 1.001 and hi >= theory * 0.999  # the bracket holds the theoretical limit
    assert abs(0.5 * (lo + hi) - theory) / theory < 0.02
    assert any(d for _, d in probes) and any(not d for _, d in probes)


def test_just_below_converges_just_above_diverges(data):
    X1, y = data
    theory = curvature(X1).max_lr

    def grows(lr):
        return cost_grows(lambda: LinearRegressionHand(zeros(X1)), X1, y, lr, 500)

    assert not grows(0.98 * theory)
    assert grows(1.02 * theory)


def test_divergence_is_recorded_not_raised(data):
    X1, y = data
    model = LinearRegressionHand(zeros(X1))
    hist = fit(model, X1, y, epochs=10_000, lr=3 * curvature(X1).max_lr, divergence_factor=1e6)
    assert hist.diverged and hist.epochs_run < 10_000
    assert hist.rows[-1]["loss"] > 1e6 * hist.rows[0]["loss"]


def test_one_loop_serves_hand_and_module_models(data):
    """The same fit() drives the hand-gradient model and an nn.Module with autograd: same path."""
    X1, y = data
    d = X1.shape[1]
    hand = LinearRegressionHand(zeros(X1))
    lin = torch.nn.Linear(d, 1, bias=False, dtype=torch.float64)
    torch.nn.init.zeros_(lin.weight)
    auto = AutogradModel(lin, lambda out, t: torch.mean((out.squeeze(1) - t) ** 2))
    lr = 0.5 * curvature(X1).max_lr
    h1 = fit(hand, X1, y, epochs=50, lr=lr)
    h2 = fit(auto, X1, y, epochs=50, lr=lr)
    torch.testing.assert_close(lin.weight.detach().squeeze(0), hand.theta, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h1.column("loss"), h2.column("loss"), rtol=1e-10)
    assert h1.rows[-1]["loss"] < 0.5 * h1.rows[0]["loss"]  # it did train


def test_epochs_to_reach_follows_the_rate(data):
    X1, y = data
    star = normal_equations(X1, y)
    c = curvature(X1)
    fast = epochs_to_reach(LinearRegressionHand(zeros(X1)), X1, y, star, c.optimal_lr, 1e-6, 100_000)
    slow = epochs_to_reach(LinearRegressionHand(zeros(X1)), X1, y, star, 0.1 * c.optimal_lr, 1e-6, 100_000)
    assert fast is not None and slow is not None and slow > 5 * fast
    # It is the first epoch within the tolerance.
    hist = fit(LinearRegressionHand(zeros(X1)), X1, y, epochs=fast, lr=c.optimal_lr, metrics=distance_to(star, X1, y))
    target = 1e-6 * float(torch.linalg.vector_norm(star))
    assert hist.column("distance")[fast] <= target < hist.column("distance")[fast - 1]
    assert epochs_to_reach(LinearRegressionHand(zeros(X1)), X1, y, star, 1e-6, 1e-6, 10) is None
    # A diverging rate never reaches it (the cost becomes non-finite and fit stops).
    assert epochs_to_reach(LinearRegressionHand(zeros(X1)), X1, y, star, 3 * c.max_lr, 1e-6, 5000) is None


def test_distance_to_is_the_euclidean_distance_fit_records():
    theta_star = torch.tensor([1.0, -2.0], dtype=torch.float64)
    X1 = torch.tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], dtype=torch.float64)
    y = X1 @ theta_star
    m = LinearRegressionHand(torch.tensor([4.0, 2.0], dtype=torch.float64))
    row = distance_to(theta_star, X1, y)(m)
    assert row == {"loss": pytest.approx(float(mse(m.theta, X1, y))), "distance": 5.0}  # a 3-4-5 triangle
    hist = fit(m, X1, y, epochs=5, lr=0.1, metrics=distance_to(theta_star, X1, y))
    assert hist.column("distance")[0] == 5.0 and hist.column("distance")[-1] < 5.0


# --- the line search (Exercise 5) -------------------------------------------------------------------------

def test_line_search_step_is_the_exact_minimiser_along_the_gradient(data):
    X1, y = data
    theta0 = torch.ones(X1.shape[1], dtype=torch.float64)
    t = theta0.clone().requires_grad_()
    mse(t, X1, y).backward()
    g = t.grad
    H = torch.autograd.functional.hessian(lambda v: mse(v, X1, y), theta0)
    eps = float(g @ g) / float(g @ H @ g)  # ε* = gᵀg / gᵀHg
    m = LinearRegressionLineSearch(theta0)
    m.step(X1, y, lr=123.0)  # the rate handed in is ignored
    torch.testing.assert_close(m.theta, theta0 - eps * g, rtol=1e-12, atol=1e-12)
    # The exact minimiser along −g: the new gradient is orthogonal to the old one, and nearby steps cost more.
    assert abs(float(mse_grad(m.theta, X1, y) @ g)) < 1e-9 * float(g @ g)
    J = float(mse(m.theta, X1, y))
    assert J < float(mse(theta0 - 0.99 * eps * g, X1, y)) and J < float(mse(theta0 - 1.01 * eps * g, X1, y))


def test_line_search_reaches_the_closed_form_and_stays_there(data):
    X1, y = data
    star = normal_equations(X1, y)
    n = epochs_to_reach(LinearRegressionLineSearch(zeros(X1)), X1, y, star, 0.0, 1e-8, 100_000)
    assert n is not None
    at_star = LinearRegressionLineSearch(star)
    at_star.step(X1, y, 0.0)  # gradient (nearly) zero: no NaN, no move beyond rounding
    assert torch.isfinite(at_star.theta).all() and torch.allclose(at_star.theta, star, rtol=1e-10, atol=1e-12)


def test_line_search_solves_an_isotropic_quadratic_in_one_step():
    # Orthogonal, centred columns with equal norms: H is a multiple of I, so −g points at θ*.
    X1 = torch.tensor([[1.0, 1.0], [1.0, -1.0], [1.0, 1.0], [1.0, -1.0]], dtype=torch.float64)
    y = torch.tensor([3.0, -1.0, 2.0, 0.0], dtype=torch.float64)
    m = LinearRegressionLineSearch(torch.zeros(2, dtype=torch.float64))
    m.step(X1, y, 0.0)
    torch.testing.assert_close(m.theta, normal_equations(X1, y), rtol=1e-14, atol=1e-14)
