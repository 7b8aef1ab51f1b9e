"""Exercise 2 numerics (gdlab.logreg): hand gradient and Hessian vs autograd, stability, GD vs scipy's L-BFGS,
the smoothness bound, the rank deficiency."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gdlab.linalg import add_bias
from gdlab.logreg import (
    LogisticRegressionHand, accuracy, cost, cost_hessian, dummy_check, gradient_cost, lbfgs_optimum, null_direction,
    predict, smoothness,
)
from gdlab.train import fit


@pytest.fixture
def data():
    """80 rows, 4 features on very different scales, standardised; labels drawn from a logistic model (not separable)."""
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(80, 4, generator=gen, dtype=torch.float64) * torch.tensor([1.0, 10.0, 0.1, 3.0]) + 5
    Z = (X - X.mean(0)) / X.std(0)
    w = torch.tensor([0.5, -1.0, 0.3, 2.0], dtype=torch.float64)
    y = (torch.rand(80, generator=gen, dtype=torch.float64) < torch.sigmoid(Z @ w)).to(torch.float64)
    return add_bias(Z), y


def test_gradient_equals_autograd(data):
    X1, y = data
    theta = torch.randn(X1.shape[1], dtype=torch.float64, generator=torch.Generator().manual_seed(2), requires_grad=True)
    cost(theta, X1, y).backward()
    torch.testing.assert_close(gradient_cost(theta.detach(), X1, y), theta.grad, rtol=1e-12, atol=1e-14)


def test_hessian_equals_autograd_and_respects_smoothness_bound(data):
    X1, y = data
    for theta in (0.3 * torch.ones(X1.shape[1], dtype=torch.float64), torch.zeros(X1.shape[1], dtype=torch.float64)):
        H = torch.autograd.functional.hessian(lambda t: cost(t, X1, y), theta)
        torch.testing.assert_close(cost_hessian(theta, X1), H, rtol=1e-10, atol=1e-12)
        assert float(torch.linalg.eigvalsh(H)[-1]) <= smoothness(X1) + 1e-12
    # At θ = 0 every σ(1−σ) is 1/4: the bound is attained.
    H0 = cost_hessian(torch.zeros(X1.shape[1], dtype=torch.float64), X1)
    assert float(torch.linalg.eigvalsh(H0)[-1]) == pytest.approx(smoothness(X1), rel=1e-12)


def test_cost_equals_torch_bce_and_is_stable_for_huge_logits(data):
    X1, y = data
    theta = torch.linspace(-1, 1, X1.shape[1], dtype=torch.float64)
    torch.testing.assert_close(cost(theta, X1, y), F.binary_cross_entropy_with_logits(X1 @ theta, y))
    huge = torch.full((X1.shape[1],), 500.0, dtype=torch.float64)
    c = cost(huge, X1, y)
    assert torch.isfinite(c) and c > 0
    naive = -(y * torch.log(predict(huge, X1)) + (1 - y) * torch.log(1 - predict(huge, X1))).mean()
    assert not torch.isfinite(naive)  # the textbook formula overflows where ours does not
    torch.testing.assert_close(c, F.binary_cross_entropy_with_logits(X1 @ huge, y))
    assert torch.isfinite(gradient_cost(huge, X1, y)).all()


def test_shapes_are_checked(data):
    X1, y = data
    with pytest.raises(AssertionError):
        predict(torch.zeros(3, dtype=torch.float64), X1)
    with pytest.raises(AssertionError):
        cost(torch.zeros(X1.shape[1], dtype=torch.float64), X1, y[:-1])
    assert predict(torch.zeros(X1.shape[1], dtype=torch.float64), X1).shape == (80,)


def test_gd_reaches_the_lbfgs_optimum(data):
    X1, y = data
    ref = lbfgs_optimum(X1, y)
    assert ref["success"] and ref["gradient_norm"] < 1e-8 and ref["solver"] == "scipy L-BFGS-B"
    model = LogisticRegressionHand(torch.zeros(X1.shape[1], dtype=torch.float64))
    hist = fit(model, X1, y, epochs=5000, lr=1.9 / smoothness(X1))
    assert not hist.diverged
    assert abs(hist.rows[-1]["loss"] - ref["cost"]) < 1e-10
    np.testing.assert_allclose(model.theta.numpy(), ref["theta"], atol=1e-4)
    losses = hist.column("loss")
    assert all(b <= a + 1e-15 for a, b in zip(losses, losses[1:]))  # lr < 2/L: the cost falls at every step


def test_lbfgs_optimum_is_a_stationary_point(data):
    X1, y = data
    ref = lbfgs_optimum(X1, y)
    theta = torch.tensor(ref["theta"], dtype=torch.float64)
    assert float(torch.linalg.vector_norm(gradient_cost(theta, X1, y))) < 1e-8
    assert float(cost(theta, X1, y)) == pytest.approx(ref["cost"], rel=1e-14)


def test_hand_model_step_is_one_gradient_step(data):
    X1, y = data
    theta0 = torch.linspace(-0.5, 0.5, X1.shape[1], dtype=torch.float64)
    m = LogisticRegressionHand(theta0)
    m.step(X1, y, 0.7)
    torch.testing.assert_close(m.theta, theta0 - 0.7 * gradient_cost(theta0, X1, y), rtol=0, atol=0)
    assert float(m.loss(X1, y)) == float(cost(m.theta, X1, y))


def test_accuracy_counts_threshold():
    X1 = torch.tensor([[1.0, 2.0], [1.0, -2.0], [1.0, 0.0]], dtype=torch.float64)
    theta = torch.tensor([0.0, 1.0], dtype=torch.float64)
    assert accuracy(theta, X1, torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)) == 1.0  # σ(0)=0.5 -> class 1
    assert accuracy(theta, X1, torch.tensor([0.0, 0.0, 0.0], dtype=torch.float64)) == pytest.approx(1 / 3)


def test_null_direction_of_a_rank_deficient_design():
    gen = torch.Generator().manual_seed(1)
    a = torch.randn(30, generator=gen, dtype=torch.float64)
    X1 = torch.stack([torch.ones(30, dtype=torch.float64), a, 2 * a], dim=1)  # third column = 2 × second
    y = (a > 0).to(torch.float64)
    v = null_direction(X1)
    assert float(torch.linalg.vector_norm(v)) == pytest.approx(1.0)
    assert float(torch.linalg.vector_norm(X1 @ v)) < 1e-12
    torch.testing.assert_close(v.abs(), torch.tensor([0.0, 2.0, 1.0], dtype=torch.float64) / math.sqrt(5), atol=1e-12,
                               rtol=0)
    theta = torch.tensor([0.1, 0.4, -0.3], dtype=torch.float64)
    assert float(cost(theta + 7 * v, X1, y)) == pytest.approx(float(cost(theta, X1, y)), rel=1e-12)
    H = cost_hessian(theta, X1)
    assert float(torch.linalg.vector_norm(H @ v)) < 1e-12  # the Hessian is singular along v


def test_null_direction_of_a_full_rank_design_is_the_least_stretched(data):
    X1, _ = data
    v = null_direction(X1)
    smallest = float(torch.linalg.svdvals(X1)[-1])
    assert float(torch.linalg.vector_norm(X1 @ v)) == pytest.approx(smallest, rel=1e-10) and smallest > 0.1


def test_dummy_check_is_finite_for_every_case_and_has_the_shapes():
    r = dummy_check(seed=0, n=5, d=3)
    assert r["X_shape"] == [5, 4] and r["y"] == [1.0, 0.0, 1.0, 0.0, 1.0]
    assert [c["theta"] for c in r["cases"]] == ["zeros", "random", "every weight 1000"]
    for c in r["cases"]:
        assert c["predict_shape"] == [5] and c["gradient_shape"] == [4] and c["finite"]
    zeros = r["cases"][0]
    assert zeros["cost"] == pytest.approx(math.log(2)) and zeros["accuracy"] == pytest.approx(0.6)
    assert r["cases"][2]["cost"] > 1.0 and math.isfinite(r["cases"][2]["cost"])  # σ saturates, cost stays finite
    assert dummy_check(seed=0) == r and dummy_check(seed=1)["cases"][1] != r["cases"][1]
