"""Exercise 3 numerics: hand gradient vs autograd, stability, shapes, hand model vs nn.Module."""

import pytest
import torch
import torch.nn.functional as F

from gdlab.softmax import (
    SoftmaxModuleModel, SoftmaxRegressionGD, confusion_matrix, cost_ce, grad_cost_ce, init_params, linear_trsf,
    loss_ce, lr_schedule, predict, prepare_mnist, resolve_device, softmax, train_run,
)
from gdlab.train import fit


@pytest.fixture
def batch():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(32, 20, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 10, (32,), generator=gen)
    W, b = init_params(20, 10, 0.5, seed=1, dtype=torch.float64)
    return X, y, W, b


def test_hand_gradient_equals_autograd(batch):
    X, y, W, b = batch
    W_, b_ = W.clone().requires_grad_(), (b + 0.1).clone().requires_grad_()
    cost_ce(X, y, W_, b_).backward()
    dW, db = grad_cost_ce(X, y, W, b + 0.1)
    torch.testing.assert_close(dW, W_.grad, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(db, b_.grad, rtol=1e-12, atol=1e-14)


def test_cost_equals_torch_cross_entropy(batch):
    X, y, W, b = batch
    torch.testing.assert_close(cost_ce(X, y, W, b), F.cross_entropy(X @ W + b, y))
    assert loss_ce(linear_trsf(X, W, b), y).shape == (32,)


def test_softmax_and_loss_are_stable_for_huge_logits():
    Z = torch.tensor([[1000.0, 0.0, -1000.0], [-5000.0, -5000.0, -5000.0]], dtype=torch.float64)
    P = softmax(Z)
    assert torch.isfinite(P).all()
    torch.testing.assert_close(P.sum(1), torch.ones(2, dtype=torch.float64))
    loss = loss_ce(Z, torch.tensor([2, 0]))
    torch.testing.assert_close(loss, torch.tensor([2000.0, float(torch.log(torch.tensor(3.0)))], dtype=torch.float64))
    naive = -torch.log(torch.exp(Z) / torch.exp(Z).sum(1, keepdim=True))[[0, 1], [2, 0]]
    assert not torch.isfinite(naive).all()  # the textbook formula breaks where ours does not


def test_shapes_are_asserted(batch):
    X, y, W, b = batch
    with pytest.raises(AssertionError):
        linear_trsf(X, W[:-1], b)
    with pytest.raises(AssertionError):
        loss_ce(X @ W, y[:-1])
    assert predict(X, W, b).shape == (32,) and predict(X, W, b).dtype == torch.int64


def test_hand_model_and_module_follow_the_same_trajectory():
    gen = torch.Generator().manual_seed(3)
    X = torch.randn(500, 30, generator=gen)
    y = torch.randint(0, 10, (500,), generator=gen)
    W, b = init_params(30, 10, 0.01, seed=5)
    hand, mod = SoftmaxRegressionGD(W, b), SoftmaxModuleModel(W, b)
    h1 = fit(hand, X, y, epochs=1, lr=0.1, batch_size=16, generator=torch.Generator().manual_seed(7))
    h2 = fit(mod, X, y, epochs=1, lr=0.1, batch_size=16, generator=torch.Generator().manual_seed(7))
    W2, b2 = mod.params()
    torch.testing.assert_close(hand.W, W2, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(hand.b, b2, rtol=1e-4, atol=1e-5)
    assert abs(h1.rows[-1]["loss"] - h2.rows[-1]["loss"]) < 1e-5
    assert not torch.equal(W, hand.W)  # it did train


def test_a_different_batch_order_gives_a_different_path():
    gen = torch.Generator().manual_seed(3)
    X, y = torch.randn(200, 8, generator=gen), torch.randint(0, 10, (200,), generator=gen)
    W, b = init_params(8, 10, 0.01, seed=5)
    a, c = SoftmaxRegressionGD(W, b), SoftmaxRegressionGD(W, b)
    fit(a, X, y, epochs=1, lr=0.5, batch_size=8, generator=torch.Generator().manual_seed(1))
    fit(c, X, y, epochs=1, lr=0.5, batch_size=8, generator=torch.Generator().manual_seed(2))
    assert not torch.allclose(a.W, c.W)


def test_confusion_matrix_counts():
    conf = confusion_matrix(torch.tensor([0, 1, 1, 2]), torch.tensor([0, 1, 2, 2]), k=3)
    assert conf.tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]


def test_lr_schedule():
    s = lr_schedule(0.1, 0.5)
    assert [s(e) for e in (1, 2, 3)] == [0.1, 0.05, 0.025]


def synthetic_mnist(n_train=120, n_test=30):
    gen = torch.Generator().manual_seed(0)
    return {"train_images": torch.randint(0, 256, (n_train, 28, 28), generator=gen, dtype=torch.uint8),
            "train_labels": torch.randint(0, 10, (n_train,), generator=gen),
            "test_images": torch.randint(0, 256, (n_test, 28, 28), generator=gen, dtype=torch.uint8),
            "test_labels": torch.randint(0, 10, (n_test,), generator=gen)}


def test_prepare_mnist_splits_seeded_and_keeps_test_apart():
    t = synthetic_mnist()
    d = prepare_mnist(t, val_size=20, seed=1, device=torch.device("cpu"))
    assert d["X_train"].shape == (100, 784) and d["X_val"].shape == (20, 784) and d["X_test"].shape == (30, 784)
    assert abs(float(d["X_train"].mean())) < 1e-5 and abs(float(d["X_train"].std()) - 1) < 1e-3
    again = prepare_mnist(t, val_size=20, seed=1, device=torch.device("cpu"))
    assert torch.equal(d["y_val"], again["y_val"])
    other = prepare_mnist(t, val_size=20, seed=2, device=torch.device("cpu"))
    assert not torch.equal(d["X_val"], other["X_val"])
    with pytest.raises(ValueError, match="val_size"):
        prepare_mnist(t, val_size=120, seed=1, device=torch.device("cpu"))


def test_train_run_is_deterministic():
    d = prepare_mnist(synthetic_mnist(), val_size=20, seed=1, device=torch.device("cpu"))
    kw = dict(lr=0.05, batch_size=16, epochs=2, decay=0.9, init_std=0.01, seed=4, divergence_factor=1e3)
    (m1, h1), (m2, h2) = train_run("manual", d, **kw), train_run("manual", d, **kw)
    assert torch.equal(m1.W, m2.W) and h1.column("loss") == h2.column("loss")
    with pytest.raises(ValueError, match="unknown implementation"):
        train_run("magic", d, **kw)


def test_device_resolution():
    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="ex3.device"):
            resolve_device("cuda")
