"""Exercise 2 numerics: hand gradient vs autograd, stability, GD vs an independent solver, data checks."""

import numpy as np
import pytest
import torch
from scipy.optimize import minimize

from gdlab.data import DataError, read_spine_csv
from gdlab.linreg import add_bias
from gdlab.logreg import (
    LogisticRegressionGD, accuracy, cost, cost_hessian, gradient_cost, predict, smoothness, stratified_split,
    zscore_apply, zscore_fit,
)
from gdlab.train import fit


@pytest.fixture
def data():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(80, 4, generator=gen, dtype=torch.float64) * torch.tensor([1.0, 10.0, 0.1, 3.0]) + 5
    w = torch.tensor([0.5, -1.0, 0.3, 2.0], dtype=torch.float64)
    Z = zscore_apply(X, *zscore_fit(X))
    y = (torch.rand(80, generator=gen, dtype=torch.float64) < torch.sigmoid(Z @ w)).to(torch.float64)
    return add_bias(Z), y


def test_gradient_equals_autograd(data):
    X1, y = data
    theta = torch.randn(X1.shape[1], dtype=torch.float64, generator=torch.Generator().manual_seed(2), requires_grad=True)
    cost(theta, X1, y).backward()
    torch.testing.assert_close(gradient_cost(theta.detach(), X1, y), theta.grad, rtol=1e-12, atol=1e-14)


def test_hessian_equals_autograd_and_respects_smoothness_bound(data):
    X1, y = data
    theta = 0.3 * torch.ones(X1.shape[1], dtype=torch.float64)
    H = torch.autograd.functional.hessian(lambda t: cost(t, X1, y), theta)
    torch.testing.assert_close(cost_hessian(theta, X1), H, rtol=1e-10, atol=1e-12)
    assert float(torch.linalg.eigvalsh(H)[-1]) <= smoothness(X1) + 1e-12


def test_cost_is_stable_for_huge_logits(data):
    X1, y = data
    theta = torch.full((X1.shape[1],), 500.0, dtype=torch.float64)
    c = cost(theta, X1, y)
    assert torch.isfinite(c) and c > 0
    naive = -(y * torch.log(predict(theta, X1)) + (1 - y) * torch.log(1 - predict(theta, X1))).mean()
    assert not torch.isfinite(naive)  # the textbook formula overflows where ours does not
    ref = torch.nn.functional.binary_cross_entropy_with_logits(X1 @ theta, y)
    torch.testing.assert_close(c, ref)


def test_shapes_are_checked(data):
    X1, y = data
    with pytest.raises(AssertionError):
        predict(torch.zeros(3, dtype=torch.float64), X1)
    with pytest.raises(AssertionError):
        cost(torch.zeros(X1.shape[1], dtype=torch.float64), X1, y[:-1])


def test_gd_reaches_the_scipy_optimum(data):
    X1, y = data

    def f(w):
        t = torch.from_numpy(w)
        return float(cost(t, X1, y)), gradient_cost(t, X1, y).numpy()

    ref = minimize(f, np.zeros(X1.shape[1]), jac=True, method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 1e-15})
    model = LogisticRegressionGD(torch.zeros(X1.shape[1], dtype=torch.float64))
    hist = fit(model, X1, y, epochs=5000, lr=1.9 / smoothness(X1))
    assert not hist.diverged
    assert abs(hist.rows[-1]["loss"] - ref.fun) < 1e-10
    np.testing.assert_allclose(model.theta.numpy(), ref.x, atol=1e-4)
    losses = hist.column("loss")
    assert all(b <= a + 1e-15 for a, b in zip(losses, losses[1:]))  # lr < 2/L: monotone decrease


def test_accuracy_counts_threshold():
    X1 = torch.tensor([[1.0, 2.0], [1.0, -2.0], [1.0, 0.0]], dtype=torch.float64)
    theta = torch.tensor([0.0, 1.0], dtype=torch.float64)
    assert accuracy(theta, X1, torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)) == 1.0  # σ(0)=0.5 -> class 1
    assert accuracy(theta, X1, torch.tensor([0.0, 0.0, 0.0], dtype=torch.float64)) == pytest.approx(1 / 3)


def test_zscore_uses_given_statistics_and_rejects_constant_columns():
    X = torch.tensor([[1.0, 2.0], [3.0, 2.0]], dtype=torch.float64)
    with pytest.raises(ValueError, match="constant"):
        zscore_fit(X)
    mean, std = zscore_fit(torch.tensor([[0.0], [2.0]], dtype=torch.float64))
    assert zscore_apply(torch.tensor([[4.0]], dtype=torch.float64), mean, std).item() == 3.0


def test_stratified_split_keeps_proportions_and_is_seeded():
    labels = torch.tensor([1.0] * 210 + [0.0] * 100)
    train, test = stratified_split(labels, 0.25, seed=1)
    assert len(set(train.tolist()) | set(test.tolist())) == 310 and not set(train.tolist()) & set(test.tolist())
    assert int(labels[test].sum()) == 52 and len(test) == 52 + 25
    assert torch.equal(test, stratified_split(labels, 0.25, seed=1)[1])
    assert not torch.equal(test, stratified_split(labels, 0.25, seed=2)[1])


FEATURES = ["a", "b"]


@pytest.mark.parametrize("text, match", [
    ("", "not a readable CSV"),
    ("a,Class_att\n1,Normal\n", r"missing \['b'\]"),
    ("a,b,c,Class_att\n1,2,3,Normal\n", r"unexpected \['c'\]"),
    ("a,b,Class_att\n1,2,Normal\n1,x,Abnormal\n", r"line 3 \(data row 2\), column 'b': expected a number, found 'x'"),
    ("a,b,Class_att\n1,2,Normal\n1,2,Maybe\n", r"line 3 .*'Class_att': expected one of \['Abnormal', 'Normal'\], found 'Maybe'"),
    ("a,b,Class_att\n", "no data rows"),
])
def test_spine_csv_errors_name_file_and_place(tmp_path, text, match):
    p = tmp_path / "spine.csv"
    p.write_text(text)
    with pytest.raises(DataError, match=match) as err:
        read_spine_csv(p, FEATURES, "Class_att", ["Abnormal", "Normal"])
    assert str(p) in str(err.value)


def test_real_spine_file_passes_the_checks(mirror):
    import yaml
    from conftest import REPO
    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["ex2"]
    frame = read_spine_csv(mirror / "spine" / "Dataset_spine.csv", cfg["features"], cfg["label"],
                           [cfg["positive_class"], cfg["negative_class"]])
    assert frame.shape == (310, 13)
    assert frame[cfg["label"]].value_counts().to_dict() == {"Abnormal": 210, "Normal": 100}
