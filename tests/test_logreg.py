"""Exercise 2 numerics (gdlab.logreg): the design, hand gradient and Hessian vs autograd, a cost that stays finite,
GD vs scipy's L-BFGS, the smoothness bound, the rank deficiency (also on the real spine data)."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import assert_hand_gradient_is_autograds, data_mirror
from gdlab.gd import gradient_descent
from gdlab.logreg import (
    accuracy, cost, cost_hessian, design, gradient_cost, lbfgs_optimum, null_direction, predict, smoothness,
    standardise,
)


def sample(n=80, seed=0):
    """12 features on very different scales; labels drawn from a logistic model (not separable)."""
    gen = torch.Generator().manual_seed(seed)
    scales = torch.logspace(-2, 2, 12, dtype=torch.float64)
    F_ = torch.randn(n, 12, generator=gen, dtype=torch.float64) * scales + 5
    Z = (F_ - F_.mean(0)) / F_.std(0)
    w = torch.linspace(-1.5, 1.5, 12, dtype=torch.float64)
    labels = (torch.rand(n, generator=gen, dtype=torch.float64) < torch.sigmoid(Z @ w + 0.3)).to(torch.float64)
    return F_.numpy(), labels.numpy()


@pytest.fixture
def data():
    return design(*sample())


def random_W(seed, scale=1.0):
    return scale * torch.randn(1, 13, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


# --- the design -----------------------------------------------------------------------------------------------

def test_design_is_ones_then_standardised_features_and_labels_as_a_column():
    features, labels = sample()
    X, Y = design(features, labels)
    assert X.shape == (80, 13) and Y.shape == (80, 1) and X.dtype == Y.dtype == torch.float64
    assert torch.equal(X[:, 0], torch.ones(80, dtype=torch.float64))
    torch.testing.assert_close(X[:, 1:].mean(0), torch.zeros(12, dtype=torch.float64), rtol=0, atol=1e-13)
    np.testing.assert_allclose(X[:, 1:].numpy().std(0, ddof=1), 1.0, rtol=1e-13)  # torch's default: 1/(N−1)
    assert Y.flatten().tolist() == labels.tolist()


def test_held_out_rows_are_standardised_with_the_reference_statistics():
    features, labels = sample()
    train, test = features[:60], features[60:]
    X, _ = design(test, labels[60:], reference=train)
    expected = (test - train.mean(0)) / train.std(0, ddof=1)
    np.testing.assert_allclose(X[:, 1:].numpy(), expected, rtol=1e-12, atol=1e-13)
    torch.testing.assert_close(standardise(torch.tensor(test), torch.tensor(train)), torch.tensor(expected))


# --- prediction, cost, gradient, Hessian --------------------------------------------------------------------

def test_predict_is_the_sigmoid_of_x_w_transposed(data):
    X, _ = data
    W = random_W(1)
    p = predict(X, W)
    assert p.shape == (80, 1)
    np.testing.assert_allclose(p.numpy(), 1 / (1 + np.exp(-(X.numpy() @ W.numpy().T))), rtol=1e-13)


def test_cost_equals_the_textbook_formula_and_torch_bce(data):
    X, Y = data
    W = random_W(2, 0.3)
    p = predict(X, W)
    textbook = -(Y * torch.log(p) + (1 - Y) * torch.log(1 - p)).mean()
    torch.testing.assert_close(cost(X, Y, W), textbook, rtol=1e-12, atol=0)
    torch.testing.assert_close(cost(X, Y, W), F.binary_cross_entropy_with_logits(X @ W.T, Y))
    assert cost(X, Y, torch.zeros(1, 13, dtype=torch.float64)).item() == pytest.approx(math.log(2), rel=1e-15)


def test_cost_and_gradient_stay_finite_where_sigma_rounds_to_0_or_1(data):
    X, Y = data
    huge = 1e3 * torch.ones(1, 13, dtype=torch.float64)
    p = predict(X, huge)
    assert ((p == 0) | (p == 1)).any()
    naive = -(Y * torch.log(p) + (1 - Y) * torch.log(1 - p)).mean()
    assert not torch.isfinite(naive)  # the textbook formula breaks where ours does not
    c = cost(X, Y, huge)
    assert torch.isfinite(c) and c > 1
    torch.testing.assert_close(c, F.binary_cross_entropy_with_logits(X @ huge.T, Y))
    assert torch.isfinite(gradient_cost(X, Y, huge)).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hand_gradient_equals_autograd(data, seed):
    assert_hand_gradient_is_autograds(cost, gradient_cost, *data, random_W(seed), (1, 13), atol=1e-14)


def test_hessian_equals_autograd_and_respects_the_smoothness_bound(data):
    X, Y = data
    L = smoothness(X)
    assert L == pytest.approx(np.linalg.eigvalsh(X.numpy().T @ X.numpy() / 80)[-1] / 4, rel=1e-12)
    for W in (torch.zeros(1, 13, dtype=torch.float64), random_W(4, 0.3), random_W(5, 3.0)):
        H = torch.autograd.functional.hessian(lambda v: cost(X, Y, v.reshape(1, 13)), W.flatten())
        torch.testing.assert_close(cost_hessian(X, W), H, rtol=1e-10, atol=1e-13)
        assert float(torch.linalg.eigvalsh(H)[-1]) <= L * (1 + 1e-12)
    # At W = 0 every σ(1 − σ) is 1/4: the bound is attained.
    H0 = cost_hessian(X, torch.zeros(1, 13, dtype=torch.float64))
    assert float(torch.linalg.eigvalsh(H0)[-1]) == pytest.approx(L, rel=1e-12)


def test_accuracy_thresholds_at_one_half():
    Y = torch.tensor([[1.0], [0.0], [1.0], [0.0]], dtype=torch.float64)
    assert accuracy(Y, torch.tensor([[0.5], [0.49], [0.9], [0.1]], dtype=torch.float64)) == 1.0  # 0.5 -> class 1
    assert accuracy(Y, torch.tensor([[0.49], [0.5], [0.9], [0.1]], dtype=torch.float64)) == 0.5
    assert accuracy(Y, 1 - Y) == 0.0


# --- GD and the independent optimum ------------------------------------------------------------------------

def test_gd_reaches_the_lbfgs_optimum_and_the_cost_falls_every_epoch(data):
    X, Y = data
    ref = lbfgs_optimum(X, Y)
    assert ref["success"] and ref["gradient_norm"] < 1e-8 and ref["solver"] == "scipy L-BFGS-B"
    W, costs = gradient_descent(lambda W: gradient_cost(X, Y, W), torch.zeros(1, 13, dtype=torch.float64),
                                1.9 / smoothness(X), 1000, lambda W: cost(X, Y, W).item())
    assert abs(costs[-1] - ref["cost"]) < 1e-10
    np.testing.assert_allclose(W.numpy(), ref["W"], atol=1e-7)
    assert all(b <= a + 1e-15 for a, b in zip(costs, costs[1:]))  # lr < 2/L: the cost falls at every step


def test_lbfgs_optimum_is_a_stationary_point_with_the_course_shapes(data):
    X, Y = data
    ref = lbfgs_optimum(X, Y)
    W = torch.tensor(ref["W"], dtype=torch.float64)
    assert W.shape == (1, 13) and ref["iterations"] > 0
    assert float(torch.linalg.vector_norm(gradient_cost(X, Y, W))) < 1e-8
    assert cost(X, Y, W).item() == pytest.approx(ref["cost"], rel=1e-14)


# --- rank deficiency ----------------------------------------------------------------------------------------

def test_null_direction_of_a_rank_deficient_design():
    gen = torch.Generator().manual_seed(1)
    a = torch.randn(30, generator=gen, dtype=torch.float64)
    X = torch.stack([torch.ones(30, dtype=torch.float64), a, 2 * a], dim=1)  # third column = 2 × second
    Y = (a > 0).to(torch.float64).reshape(-1, 1)
    v = null_direction(X)
    assert v.shape == (1, 3) and float(torch.linalg.vector_norm(v)) == pytest.approx(1.0)
    assert float(torch.linalg.vector_norm(X @ v.T)) < 1e-12
    torch.testing.assert_close(v.abs(), torch.tensor([[0.0, 2.0, 1.0]], dtype=torch.float64) / math.sqrt(5),
                               atol=1e-12, rtol=0)
    W = torch.tensor([[0.1, 0.4, -0.3]], dtype=torch.float64)
    assert cost(X, Y, W + 7 * v).item() == pytest.approx(cost(X, Y, W).item(), rel=1e-12)
    assert float(torch.linalg.vector_norm(cost_hessian(X, W) @ v.T)) < 1e-12  # the Hessian is singular along v


def test_null_direction_of_a_full_rank_design_is_the_least_stretched(data):
    X, _ = data
    v = null_direction(X)
    smallest = float(torch.linalg.svdvals(X)[-1])
    assert float(torch.linalg.vector_norm(X @ v.T)) == pytest.approx(smallest, rel=1e-10) and smallest > 0.1


def test_the_spine_design_is_rank_deficient_along_incidence_minus_tilt_minus_slope():
    """On the real data (skipped without it): pelvic_incidence = pelvic_tilt + sacral_slope, so the 13 columns of X
    have rank 12 and the cost is flat along the null direction."""
    from gdlab.spine import KAGGLE_FEATURES, read_spine_csv

    m = data_mirror()
    path = m / "spine" / "Dataset_spine.csv" if m else None
    if path is None or not path.is_file():
        pytest.skip("the spine data is not in the data mirror")
    frame = read_spine_csv(path, KAGGLE_FEATURES, "Class_att", ["Abnormal", "Normal"])
    X, Y = design(frame[KAGGLE_FEATURES].to_numpy(), (frame["Class_att"] == "Abnormal").to_numpy(dtype=float))
    assert X.shape == (310, 13) and Y.shape == (310, 1)
    s = torch.linalg.svdvals(X)
    assert float(s[-1] / s[0]) < 1e-6 and float(s[-2] / s[0]) > 1e-3
    v = null_direction(X)[0]
    big = [KAGGLE_FEATURES[j] for j in torch.nonzero(v[1:].abs() > 0.1).flatten().tolist()]
    assert sorted(big) == ["pelvic_incidence", "pelvic_tilt", "sacral_slope"]
    W = random_W(7, 0.1)
    assert cost(X, Y, W + 100 * v).item() == pytest.approx(cost(X, Y, W).item(), rel=1e-6)
