"""Exercise 3 numerics (gdlab.softmax): hand gradient vs autograd (with init_params' transposed W), stability,
shapes, the hand model vs the nn.Module, evaluation, the smoothness bound, and the helpers of Exercises 3 and 4."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gdlab.io import save_array_dir
from gdlab.softmax import (
    SoftmaxModuleModel, SoftmaxRegression, SoftmaxRegressionHand, SpanEvaluation, confusion_matrix, cost_ce,
    dummy_check, epoch_seconds, evaluate, full_batch_subset, grad_cost_ce, init_params, linear_trsf, load_mnist, loss_ce,
    make_model, predict, smoothness, softmax,
)
from gdlab.train import fit, schedule


@pytest.fixture
def batch():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(32, 20, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 10, (32,), generator=gen)
    W, b = init_params(20, 10, 0.5, seed=1, dtype=torch.float64)
    return X, y, W, b + 0.1 * torch.arange(10, dtype=torch.float64)


def test_init_params_layout_values_and_seed():
    W, b = init_params(20, 10, 0.5, seed=1, dtype=torch.float64)
    assert W.shape == (20, 10) and not W.is_contiguous() and W.T.is_contiguous()  # nn.Linear's (k, d) storage
    expected = 0.5 * torch.randn(10, 20, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    assert torch.equal(W, expected.T) and torch.equal(b, torch.zeros(10, dtype=torch.float64))
    assert torch.equal(init_params(20, 10, 0.5, seed=1, dtype=torch.float64)[0], W)
    assert not torch.equal(init_params(20, 10, 0.5, seed=2, dtype=torch.float64)[0], W)
    assert init_params(20, 10, 0.5, seed=1)[0].dtype == torch.float32


def test_hand_gradient_equals_autograd_with_the_transposed_weights(batch):
    X, y, W, b = batch
    W_, b_ = W.clone().requires_grad_(), b.clone().requires_grad_()
    cost_ce(X, y, W_, b_).backward()
    dW, db = grad_cost_ce(X, y, W, b)
    assert dW.shape == (20, 10) and db.shape == (10,)
    torch.testing.assert_close(dW, W_.grad, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(db, b_.grad, rtol=1e-12, atol=1e-14)
    # The same with a row-major W: the layout changes nothing but speed.
    Wc = W.contiguous()
    torch.testing.assert_close(grad_cost_ce(X, y, Wc, b)[0], dW, rtol=1e-13, atol=1e-15)


def test_cost_equals_torch_cross_entropy(batch):
    X, y, W, b = batch
    torch.testing.assert_close(cost_ce(X, y, W, b), F.cross_entropy(X @ W + b, y))
    torch.testing.assert_close(loss_ce(linear_trsf(X, W, b), y), F.cross_entropy(X @ W + b, y, reduction="none"))
    torch.testing.assert_close(linear_trsf(X, W, b), X @ W + b)


def test_softmax_equals_torch_and_is_stable_for_huge_logits(batch):
    X, _, W, b = batch
    Z = linear_trsf(X, W, b)
    torch.testing.assert_close(softmax(Z), torch.softmax(Z, dim=1))
    Z = torch.tensor([[1000.0, 0.0, -1000.0], [-5000.0, -5000.0, -5000.0]], dtype=torch.float64)
    P = softmax(Z)
    assert torch.isfinite(P).all()
    torch.testing.assert_close(P, torch.tensor([[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]], dtype=torch.float64))
    loss = loss_ce(Z, torch.tensor([2, 0]))
    torch.testing.assert_close(loss, torch.tensor([2000.0, math.log(3.0)], dtype=torch.float64))
    naive = -torch.log(torch.exp(Z) / torch.exp(Z).sum(1, keepdim=True))[[0, 1], [2, 0]]
    assert not torch.isfinite(naive).all()  # the textbook formula breaks where ours does not


def test_shapes_are_asserted(batch):
    X, y, W, b = batch
    with pytest.raises(AssertionError):
        linear_trsf(X, W[:-1], b)
    with pytest.raises(AssertionError):
        linear_trsf(X, W, b[:-1])
    with pytest.raises(AssertionError):
        loss_ce(X @ W, y[:-1])
    with pytest.raises(AssertionError):
        softmax(torch.zeros(3))
    p = predict(X, W, b)
    assert p.shape == (32,) and p.dtype == torch.int64 and torch.equal(p, (X @ W + b).argmax(1))


def test_hand_model_and_module_follow_the_same_trajectory_in_float64():
    gen = torch.Generator().manual_seed(3)
    X = torch.randn(200, 12, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 10, (200,), generator=gen)
    W, b = init_params(12, 10, 0.1, seed=5, dtype=torch.float64)
    W0 = W.clone()
    hand, mod = make_model("hand", W, b), make_model("module", W, b)
    assert isinstance(hand, SoftmaxRegressionHand) and isinstance(mod, SoftmaxModuleModel)
    assert isinstance(mod.module, SoftmaxRegression) and isinstance(mod.module, torch.nn.Module)
    kw = dict(epochs=3, lr=schedule("linear", 0.5), batch_size=16)
    h1 = fit(hand, X, y, generator=torch.Generator().manual_seed(7), **kw)
    h2 = fit(mod, X, y, generator=torch.Generator().manual_seed(7), **kw)
    W2, b2 = mod.params()
    torch.testing.assert_close(hand.W, W2, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(hand.b, b2, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h1.column("loss"), h2.column("loss"), rtol=1e-10)
    assert h1.rows[-1]["loss"] < 0.9 * h1.rows[0]["loss"]  # it did train
    assert torch.equal(W, W0)  # neither model writes into the weights it was given
    assert hand.W.stride() == W.stride()  # the hand model keeps the (k, d) storage


def test_hand_model_and_module_agree_in_float32():
    gen = torch.Generator().manual_seed(3)
    X = torch.randn(500, 30, generator=gen)
    y = torch.randint(0, 10, (500,), generator=gen)
    W, b = init_params(30, 10, 0.01, seed=5)
    hand, mod = SoftmaxRegressionHand(W, b), SoftmaxModuleModel(W, b)
    fit(hand, X, y, epochs=1, lr=0.1, batch_size=16, generator=torch.Generator().manual_seed(7))
    fit(mod, X, y, epochs=1, lr=0.1, batch_size=16, generator=torch.Generator().manual_seed(7))
    W2, b2 = mod.params()
    torch.testing.assert_close(hand.W, W2, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(hand.b, b2, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(hand.logits(X), mod.logits(X).detach(), rtol=1e-4, atol=1e-4)


def test_a_different_batch_order_gives_a_different_path():
    gen = torch.Generator().manual_seed(3)
    X, y = torch.randn(200, 8, generator=gen), torch.randint(0, 10, (200,), generator=gen)
    W, b = init_params(8, 10, 0.01, seed=5)
    a, c = SoftmaxRegressionHand(W, b), SoftmaxRegressionHand(W, b)
    fit(a, X, y, epochs=1, lr=0.5, batch_size=8, generator=torch.Generator().manual_seed(1))
    fit(c, X, y, epochs=1, lr=0.5, batch_size=8, generator=torch.Generator().manual_seed(2))
    assert not torch.allclose(a.W, c.W)


def test_make_model_rejects_unknown_implementations(batch):
    _, _, W, b = batch
    with pytest.raises(ValueError, match="unknown implementation 'magic'.*'hand', 'module'"):
        make_model("magic", W, b)


def test_evaluate_equals_direct_computation_in_any_chunk_size(batch):
    X, y, W, b = batch
    model = SoftmaxRegressionHand(W, b)
    cost, acc = evaluate(model, X, y)
    assert cost == pytest.approx(float(F.cross_entropy(X @ W + b, y)), rel=1e-12)
    assert acc == float(((X @ W + b).argmax(1) == y).double().mean())
    c7, a7 = evaluate(model, X, y, chunk=7)
    assert c7 == pytest.approx(cost, rel=1e-12) and a7 == acc
    mc, ma = evaluate(SoftmaxModuleModel(W, b), X, y, chunk=5)
    assert mc == pytest.approx(cost, rel=1e-12) and ma == acc


def test_confusion_matrix_counts():
    conf = confusion_matrix(torch.tensor([0, 1, 1, 2]), torch.tensor([0, 1, 2, 2]), k=3)
    assert conf.tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]  # rows: true class, columns: predicted
    full = confusion_matrix(torch.tensor([9, 3]), torch.tensor([3, 3]))
    assert full.shape == (10, 10) and full[3, 9] == 1 and full[3, 3] == 1 and int(full.sum()) == 2


def test_smoothness_bounds_the_hessian_in_weights_and_biases():
    gen = torch.Generator().manual_seed(4)
    n, d, k = 40, 3, 4
    X = torch.randn(n, d, generator=gen, dtype=torch.float64) + 1.0
    y = torch.randint(0, k, (n,), generator=gen)
    for scale in (0.0, 1.0):  # the bound must hold wherever the weights are
        theta = scale * torch.randn(d * k + k, generator=gen, dtype=torch.float64)
        H = torch.autograd.functional.hessian(lambda t: cost_ce(X, y, t[: d * k].reshape(d, k), t[d * k :]), theta)
        top = float(torch.linalg.eigvalsh(H)[-1])
        assert 0 < top <= smoothness(X) * (1 + 1e-12)
    # Two classes at zero weights: p = (1/2, 1/2), the logits' Hessian has eigenvalue 1/2 — the bound is attained.
    k = 2
    y2 = y % 2
    H = torch.autograd.functional.hessian(lambda t: cost_ce(X, y2, t[: d * k].reshape(d, k), t[d * k :]),
                                          torch.zeros(d * k + k, dtype=torch.float64))
    assert float(torch.linalg.eigvalsh(H)[-1]) == pytest.approx(smoothness(X), rel=1e-10)


def test_load_mnist_reads_only_the_data_arrays(tmp_path):
    arrays = {"X_train": np.ones((3, 4), np.float32), "y_train": np.array([1, 2, 3]), "X_val": np.zeros((1, 4), np.float32),
              "y_val": np.array([0]), "train_index": np.arange(3), "mean": np.float64(0.5), "std": np.float64(2.0)}
    save_array_dir(tmp_path / "mnist", **arrays)
    data = load_mnist(tmp_path / "mnist", torch.device("cpu"))
    assert sorted(data) == ["X_train", "X_val", "y_train", "y_val"]
    assert data["X_train"].dtype == torch.float32 and data["y_train"].dtype == torch.int64
    assert data["y_train"].tolist() == [1, 2, 3] and data["X_val"].shape == (1, 4)


def synthetic_data(n=60, d=12, n_test=30):
    gen = torch.Generator().manual_seed(0)
    return {"X_train": torch.randn(n, d, generator=gen), "y_train": torch.randint(0, 10, (n,), generator=gen),
            "X_test": torch.randn(n_test, d, generator=gen), "y_test": torch.randint(0, 10, (n_test,), generator=gen)}


def test_full_batch_subset_falls_every_epoch_at_a_fraction_of_two_over_l():
    data = synthetic_data()
    model, hist, lr = full_batch_subset(data, 40, epochs=15, lr_fraction=0.9, init_std=0.01, seed=1)
    assert lr == pytest.approx(0.9 * 2 / smoothness(data["X_train"][:40]))
    costs = hist.column("loss")
    assert len(costs) == 16 and all(b < a for a, b in zip(costs, costs[1:]))
    assert set(hist.rows[-1]) == {"epoch", "seconds", "loss"}
    with pytest.raises(ValueError, match="ex4: 61 training images asked for, only 60"):
        full_batch_subset(data, 61, epochs=1, lr_fraction=0.5, init_std=0.01, seed=1)


def test_full_batch_subset_tracks_the_test_part_every_epoch_exactly_as_evaluate_does():
    data = synthetic_data(n=60, d=30, n_test=50)
    model, hist, _ = full_batch_subset(data, 8, epochs=40, lr_fraction=0.9, init_std=0.01, seed=1, test_every_epoch=True)
    assert len(hist.rows) == 41
    last = hist.rows[-1]
    test_cost, test_acc = evaluate(model, data["X_test"], data["y_test"])
    train_cost, train_acc = evaluate(model, data["X_train"][:8], data["y_train"][:8])
    assert last["test_cost"] == pytest.approx(test_cost, rel=1e-5) and last["test_accuracy"] == test_acc
    assert last["loss"] == pytest.approx(train_cost) and last["train_accuracy"] == train_acc
    _, plain, _ = full_batch_subset(data, 8, epochs=40, lr_fraction=0.9, init_std=0.01, seed=1)
    assert plain.column("loss") == pytest.approx(hist.column("loss"), rel=1e-6)  # tracking changes no step


def test_span_evaluation_equals_evaluate_and_refuses_weights_outside_the_span():
    gen = torch.Generator().manual_seed(3)
    Xtr, ytr = torch.randn(5, 20, generator=gen), torch.randint(0, 10, (5,), generator=gen)
    X, y = torch.randn(200, 20, generator=gen), torch.randint(0, 10, (200,), generator=gen)
    W0, b0 = init_params(20, 10, 0.5, seed=3)
    model = SoftmaxRegressionHand(W0, b0)
    span = SpanEvaluation(Xtr, X, y, model.W)
    for _ in range(25):
        model.step(Xtr, ytr, lr=0.5)
        cost, acc = span(model)
        assert cost == pytest.approx(evaluate(model, X, y)[0], rel=1e-5) and acc == evaluate(model, X, y)[1]
    model.W += 0.01 * torch.randn(20, 10, generator=gen)  # a step no gradient on these 5 images could take
    with pytest.raises(ValueError, match="left the span of the training images"):
        span(model)


@pytest.mark.parametrize("impl", ["hand", "module"])
def test_epoch_seconds_runs_both_implementations(impl):
    data = synthetic_data(64, 8)
    s = epoch_seconds(impl, data["X_train"], data["y_train"], batch_size=16, repeats=3, init_std=0.01)
    assert isinstance(s, float) and math.isfinite(s) and s >= 0


def test_dummy_check_shapes_and_no_nan():
    r = dummy_check(seed=0, n=4, d=6)
    shapes = {row["call"]: row["shape"] for row in r["rows"]}
    assert shapes == {"linear_trsf(X, W, b)": [4, 10], "softmax(Z)": [4, 10], "softmax(10⁴·Z)": [4, 10],
                      "predict(X, W, b)": [4], "loss_ce(Z, y)": [4], "loss_ce(10⁴·Z, y)": [4],
                      "cost_ce(X, y, W, b)": []}
    assert all(row["no_nan"] for row in r["rows"]) and r["softmax_rows_sum_to_one"]
    assert {row["call"]: row["dtype"] for row in r["rows"]}["predict(X, W, b)"] == "int64"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_hand_model_on_the_gpu_follows_the_cpu():
    gen = torch.Generator().manual_seed(3)
    X = torch.randn(300, 12, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 10, (300,), generator=gen)
    W, b = init_params(12, 10, 0.1, seed=5, dtype=torch.float64)
    runs = {}
    for dev in ("cpu", "cuda"):
        for impl in ("hand", "module"):
            m = make_model(impl, W.to(dev), b.to(dev))
            h = fit(m, X.to(dev), y.to(dev), epochs=2, lr=0.3, batch_size=32, generator=torch.Generator().manual_seed(7))
            runs[dev, impl] = (m.params()[0].cpu(), h.column("loss"))
    for key, (Wr, losses) in runs.items():
        torch.testing.assert_close(Wr, runs["cpu", "hand"][0], rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(losses, runs["cpu", "hand"][1], rtol=1e-9)
