"""Exercise 3 numerics (gdlab.softmax), with the course's names and shapes: hand gradient vs autograd, a softmax and
a cost that stay finite, the hand model vs the nn.Module under gdlab.gd.train, the stopping rule and one run of the
study, the evaluation on a span, the smoothness bound, and the data helpers. Small random tensors only."""

import math
import time
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gdlab.facts import STATUSES
from gdlab.gd import train
from gdlab.io import save_array_dir
from gdlab.softmax import (
    NeuralNetwork, SpanEvaluation, common_rate, cost_ce, epoch_seconds, full_batch_subset, grad_loss_ce,
    hand_step, init_params, library_model, linear_trsf, load_mnist, loss_ce, metrics, module_params, module_step, predict,
    run_setting, smoothness, softmax, split, with_split, decaying_step,
)


def images(n, seed, dtype=torch.float32):
    """n random 'images' (n, 1, 28, 28) in [0, 1]."""
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed), dtype=dtype)


# Ten sparse binary "digits"; an image is its class's digit, half faded into uniform noise: a linear model learns
# them within a few epochs, and then its accuracy stops rising.
DIGITS = (torch.rand(10, 784, generator=torch.Generator().manual_seed(99)) > 0.8).float()
LR = 0.01  # a quarter of 2/L for these images (smoothness ≈ 50): a rate that trains


def labelled(n, seed, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 10, (n,), generator=gen)
    x = 0.5 * DIGITS[y] + 0.5 * torch.rand(n, 784, generator=gen)
    return x.reshape(n, 1, 28, 28).to(dtype), y


@pytest.fixture
def batch():
    """x (nb, 1, 28, 28), y (nb,), W (10, 784), b (1, 10): random, in float64."""
    gen = torch.Generator().manual_seed(0)
    x = images(16, 1, torch.float64)
    y = torch.randint(0, 10, (16,), generator=gen)
    W = 0.1 * torch.randn(10, 784, generator=gen, dtype=torch.float64)
    b = torch.randn(1, 10, generator=gen, dtype=torch.float64)
    return x, y, W, b


# --- the course's functions -------------------------------------------------------------------------------

def test_linear_trsf_is_x_flat_times_w_transposed_plus_b(batch):
    x, _, W, b = batch
    z = linear_trsf(x, W, b)
    assert z.shape == (16, 10) and z.dtype == torch.float64
    torch.testing.assert_close(z, x.reshape(16, 784) @ W.T + b, rtol=1e-13, atol=1e-13)
    torch.testing.assert_close(linear_trsf(x.reshape(16, 784), W, b), z, rtol=0, atol=0)  # flat rows: the same


def test_softmax_equals_torch_and_rows_sum_to_one(batch):
    x, _, W, b = batch
    z = linear_trsf(x, W, b)
    u = softmax(z)
    torch.testing.assert_close(u, torch.softmax(z, dim=1), rtol=1e-13, atol=1e-15)
    torch.testing.assert_close(u.sum(1), torch.ones(16, dtype=torch.float64), rtol=0, atol=1e-14)
    torch.testing.assert_close(predict(x, W, b), u, rtol=0, atol=0)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_softmax_stays_finite_and_sums_to_one_for_huge_logits(dtype):
    z = 1e4 * torch.randn(50, 10, generator=torch.Generator().manual_seed(2), dtype=dtype)
    z[0] = torch.tensor([1000.0, -1000.0] * 5, dtype=dtype)
    z[1] = -5000.0  # every logit equal and hugely negative
    u = softmax(z)
    assert torch.isfinite(u).all() and (u >= 0).all()
    torch.testing.assert_close(u.sum(1), torch.ones(50, dtype=dtype), rtol=0, atol=1e-6)
    torch.testing.assert_close(u[1], torch.full((10,), 0.1, dtype=dtype))
    assert u[0, 0] == 0.2  # five equal maxima share the mass
    naive = torch.exp(z) / torch.exp(z).sum(1, keepdim=True)
    assert not torch.isfinite(naive).all()  # the textbook formula overflows where this one does not


def test_loss_and_cost_are_the_cross_entropy(batch):
    x, y, W, b = batch
    uhat = predict(x, W, b)
    loss = loss_ce(y, uhat)
    assert loss.shape == (16,) and cost_ce(y, uhat).shape == ()
    torch.testing.assert_close(loss, -torch.log(uhat[torch.arange(16), y]), rtol=0, atol=0)
    torch.testing.assert_close(loss, F.cross_entropy(linear_trsf(x, W, b), y, reduction="none"), rtol=1e-12,
                               atol=1e-12)
    torch.testing.assert_close(cost_ce(y, uhat), loss.mean(), rtol=0, atol=0)


@pytest.mark.parametrize("seed", [0, 1])
def test_hand_gradient_equals_autograd(seed):
    """grad_loss_ce(x, u, uhat) against autograd of cost_ce(y, predict(x, W, b)), at random parameters, in float64."""
    gen = torch.Generator().manual_seed(seed)
    x = images(12, seed + 10, torch.float64)
    y = torch.randint(0, 10, (12,), generator=gen)
    W = (0.2 * torch.randn(10, 784, generator=gen, dtype=torch.float64)).requires_grad_()
    b = torch.randn(1, 10, generator=gen, dtype=torch.float64).requires_grad_()
    uhat = predict(x, W, b)
    cost_ce(y, uhat).backward()
    gradW, gradb = grad_loss_ce(x, F.one_hot(y, 10).to(torch.float64), uhat.detach())
    assert gradW.shape == (10, 784) and gradb.shape == (1, 10)
    torch.testing.assert_close(gradW, W.grad, rtol=1e-10, atol=1e-14)
    torch.testing.assert_close(gradb, b.grad, rtol=1e-10, atol=1e-14)


# --- metrics ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype, rel", [(torch.float64, 1e-12), (torch.float32, 1e-5)])
def test_metrics_equal_cost_ce_and_the_argmax_accuracy(batch, dtype, rel):
    x, y, W, b = (t.to(dtype) if t.is_floating_point() else t for t in batch)
    cost, acc = metrics(x, y, W, b)
    assert isinstance(cost, float) and isinstance(acc, float)
    assert cost == pytest.approx(cost_ce(y, predict(x, W, b)).item(), rel=rel)
    assert acc == (predict(x, W, b).argmax(1) == y).double().mean().item()


def test_metrics_stay_finite_where_the_probabilities_underflow(batch):
    x, y, W, b = batch
    W = 1e3 * W
    assert not math.isfinite(cost_ce(y, predict(x, W, b)).item())  # a true class's probability rounds to 0
    cost, acc = metrics(x, y, W, b)
    assert math.isfinite(cost) and cost > 100
    assert cost == pytest.approx(F.cross_entropy(linear_trsf(x, W, b), y).item(), rel=1e-12)
    assert acc == (linear_trsf(x, W, b).argmax(1) == y).double().mean().item()


# --- parameters and the two models --------------------------------------------------------------------------

def test_init_params_shapes_seed_and_scale():
    W, b = init_params(3, 0.5)
    assert W.shape == (10, 784) and b.shape == (1, 10) and W.dtype == b.dtype == torch.float32
    assert torch.equal(b, torch.zeros(1, 10))
    assert torch.equal(W, 0.5 * torch.randn(10, 784, generator=torch.Generator().manual_seed(3)))
    assert torch.equal(init_params(3, 0.5)[0], W) and not torch.equal(init_params(4, 0.5)[0], W)
    assert float(init_params(3, 1.0)[0].std()) == pytest.approx(1.0, rel=0.02)  # the course's W = torch.randn(10, 784)


def test_hand_step_is_one_gradient_step_in_place(batch):
    x, y, W, b = batch
    W0, b0 = W.clone(), b.clone()
    gradW, gradb = grad_loss_ce(x, F.one_hot(y, 10).to(x.dtype), predict(x, W0, b0))
    ids = (id(W), id(b))
    hand_step(W, b, 0.3)(x, y)
    assert (id(W), id(b)) == ids
    torch.testing.assert_close(W, W0 - 0.3 * gradW, rtol=0, atol=1e-15)
    torch.testing.assert_close(b, b0 - 0.3 * gradb, rtol=0, atol=1e-15)


def module_with(W, b):
    model = NeuralNetwork()
    with torch.no_grad():
        model.linear.weight.copy_(W)
        model.linear.bias.copy_(b.flatten())
    return model


def test_neural_network_is_the_same_linear_map_and_module_params_are_views(batch):
    x, _, W, b = batch
    model = module_with(W.float(), b.float())
    torch.testing.assert_close(model(x.float()), linear_trsf(x.float(), W.float(), b.float()), rtol=1e-5, atol=1e-5)
    Wm, bm = module_params(model)
    assert Wm.shape == (10, 784) and bm.shape == (1, 10) and not Wm.requires_grad
    with torch.no_grad():
        model.linear.bias.add_(1.0)
    torch.testing.assert_close(bm, b.float() + 1.0)  # a view: it follows the module


@pytest.mark.parametrize("nbatch", [1, 7, 64])
def test_hand_step_and_module_step_follow_the_same_trajectory_under_train(nbatch):
    """The same start (NeuralNetwork initialised with W, b), the same seed: the same path, to float32 rounding."""
    x, y = labelled(64, 3)
    W, b = init_params(5, 0.01)
    model = module_with(W, b)
    Wm, bm = module_params(model)
    h_hand = train(hand_step(W, b, LR), x, y, 3, nbatch, 7, lambda: metrics(x, y, W, b))
    h_mod = train(module_step(model, LR), x, y, 3, nbatch, 7, lambda: metrics(x, y, Wm, bm))
    torch.testing.assert_close(Wm, W, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(bm, b, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose([c for c, _ in h_hand], [c for c, _ in h_mod], rtol=1e-5)
    assert h_hand[-1][0] < h_hand[0][0] and h_hand[-1][1] > h_hand[0][1]  # it did train


def test_module_step_in_float64_matches_the_hand_step_to_rounding():
    x, y = labelled(40, 4, torch.float64)
    W, b = (t.double() for t in init_params(6, 0.01))
    model = module_with(W, b).double()
    train(hand_step(W, b, LR), x, y, 2, 8, 1, lambda: None)
    train(module_step(model, LR), x, y, 2, 8, 1, lambda: None)
    Wm, bm = module_params(model)
    torch.testing.assert_close(Wm, W, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(bm, b, rtol=1e-12, atol=1e-14)


def test_another_seed_gives_another_path():
    x, y = labelled(60, 5)
    runs = []
    for seed in (1, 1, 2):
        W, b = init_params(0, 0.01)
        train(hand_step(W, b, LR), x, y, 1, 8, seed, lambda: None)
        runs.append(W)
    assert torch.equal(runs[0], runs[1]) and not torch.allclose(runs[0], runs[2])


# --- the decaying rate ----------------------------------------------------------------------------------------

def test_decaying_step_is_hand_step_at_a_rate_falling_linearly_to_zero():
    x, y = labelled(40, 8)
    W, b = init_params(0, 0.01)
    W2, b2 = W.clone(), b.clone()
    step, total = decaying_step(W, b, 0.5, 4), 4
    for t in range(total):
        xb, yb = x[10 * t: 10 * t + 10], y[10 * t: 10 * t + 10]
        step(xb, yb)
        hand_step(W2, b2, 0.5 * (1 - t / total))(xb, yb)
        assert torch.equal(W, W2) and torch.equal(b, b2)
    assert not torch.equal(W, init_params(0, 0.01)[0])  # it moved
    last = W.clone()
    decaying_step(W, b, 0.5, 1)(x[:10], y[:10])  # a one-step run: the first step is at the full rate
    W3 = last.clone()
    hand_step(W3, b2.clone(), 0.5)(x[:10], y[:10])
    assert torch.equal(W, W3)


# --- one run of the study ---------------------------------------------------------------------------------------

ROW_KEYS = {"lr", "batch_size", "seed", "epochs", "status", "val_accuracy", "start_cost", "val_cost", "test_accuracy",
            "test_cost", "examples", "steps"}


@pytest.fixture(scope="module")
def study_data():
    x, y = labelled(400, 6)
    X = x.reshape(400, -1)
    return X[:240], y[:240], X[240:320], y[240:320], X[320:], y[320:]


def setting(data, lr, nbatch=48, seed=1, epochs=6, schedule="linear", factor=5.0):
    return run_setting(*data, lr, nbatch, seed, 0.01, epochs, schedule, factor)


def test_run_setting_row_reports_the_model_it_returns(study_data):
    X, Y, Xv, Yv, Xt, Yt = study_data
    W, b, history, row = setting(study_data, LR)
    assert set(row) == ROW_KEYS and row["status"] in STATUSES
    assert (row["lr"], row["batch_size"], row["seed"]) == (LR, 48, 1)
    assert row["epochs"] == len(history) - 1 == 6  # no early stop unless it diverges
    assert row["examples"] == 6 * 240 and row["steps"] == 6 * 5  # ceil(240/48)
    assert (row["start_cost"], row["val_cost"]) == (history[0][0], history[-1][0])
    assert (row["val_cost"], row["val_accuracy"]) == metrics(Xv, Yv, W, b) == history[-1]  # the last model
    assert (row["test_cost"], row["test_accuracy"]) == metrics(Xt, Yt, W, b)
    assert row["start_cost"] == pytest.approx(math.log(10), rel=0.05)  # small weights: nearly uniform
    assert row["status"] == "trained" and row["val_cost"] < row["start_cost"]


def test_run_setting_linear_schedule_is_the_decaying_step_and_constant_the_hand_step(study_data):
    X, Y = study_data[:2]
    for schedule, make in (("linear", lambda W, b: decaying_step(W, b, LR, 3 * 5)), ("constant", lambda W, b: hand_step(W, b, LR))):
        W, b, _, _ = setting(study_data, LR, epochs=3, schedule=schedule)
        W2, b2 = init_params(1, 0.01)
        train(make(W2, b2), X, Y, 3, 48, 1, lambda: None)
        assert torch.equal(W, W2) and torch.equal(b, b2)
    assert not torch.equal(setting(study_data, LR, epochs=3)[0], setting(study_data, LR, epochs=3, schedule="constant")[0])


def test_run_setting_computes_in_the_dtype_of_its_data(study_data):
    as64 = [t.double() if t.is_floating_point() else t for t in study_data]
    W, b, _, row = run_setting(*as64, LR, 48, 1, 0.01, 3, "linear", 5.0)
    assert W.dtype == b.dtype == torch.float64
    W32, _, _, row32 = setting(study_data, LR, epochs=3)
    assert torch.allclose(W.float(), W32, atol=1e-5) and not torch.equal(W.float(), W32)  # rounding, nothing else


def test_run_setting_is_deterministic_for_a_seed(study_data):
    a, b_, c = (setting(study_data, LR, seed=s, epochs=3)[3] for s in (1, 1, 2))
    assert a == b_ and a != c


def test_run_setting_diverged_when_the_cost_exceeds_the_factor(study_data):
    _, _, history, row = setting(study_data, 1e4)
    assert row["status"] == "diverged" and row["epochs"] == 1 and len(history) == 2  # stopped at once
    assert row["val_cost"] > 5.0 * row["start_cost"]


def test_run_setting_unstable_when_training_changes_nothing(study_data):
    _, _, history, row = setting(study_data, 0.0)
    assert row["status"] == "unstable" and row["epochs"] == 6  # trained to the end
    assert all(h == history[0] for h in history)


# --- the split, the data helpers ------------------------------------------------------------------------------------

def test_split_is_seeded_sorted_disjoint_and_complete():
    tr, va = split(100, 15, seed=3)
    assert len(tr) == 85 and len(va) == 15 and tr.dtype == va.dtype == torch.int64
    assert torch.all(tr[1:] > tr[:-1]) and torch.all(va[1:] > va[:-1])
    assert sorted(torch.cat([tr, va]).tolist()) == list(range(100))
    again = split(100, 15, seed=3)
    assert torch.equal(again[0], tr) and torch.equal(again[1], va)
    assert not torch.equal(split(100, 15, seed=4)[1], va)


def test_load_mnist_and_with_split(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {"X_train": rng.random((30, 784), dtype=np.float32), "y_train": rng.integers(0, 10, 30),
              "X_test": rng.random((8, 784), dtype=np.float32), "y_test": rng.integers(0, 10, 8)}
    save_array_dir(tmp_path / "mnist", **arrays)
    data = load_mnist(tmp_path / "mnist")
    assert sorted(data) == sorted(arrays)
    assert data["X_train"].dtype == torch.float32 and data["y_train"].dtype == torch.int64
    for k, v in arrays.items():
        np.testing.assert_array_equal(data[k].numpy(), v)
    d = with_split(data, 10, seed=2)
    tr, va = split(30, 10, seed=2)
    assert torch.equal(d["X_fit"], data["X_train"][tr]) and torch.equal(d["y_fit"], data["y_train"][tr])
    assert torch.equal(d["X_val"], data["X_train"][va]) and torch.equal(d["y_val"], data["y_train"][va])
    assert torch.equal(d["X_train"], data["X_train"]) and torch.equal(d["X_test"], data["X_test"])
    assert len(set(tr.tolist()) | set(va.tolist())) == 30 and not set(tr.tolist()) & set(va.tolist())


def test_the_library_model_is_this_softmax_regression_at_the_minimum_of_its_penalised_cost():
    """On 300 points of 3 classes (lbfgs converges within its 100 iterations): the library's weights make the
    gradient of its objective — C times the summed cross-entropy of our softmax, plus ||W||²/2 — vanish (autograd),
    and its predictions are our `predict` with those weights."""
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(300, 5, generator=gen, dtype=torch.float64)
    y = (X[:, :3] + 0.5 * torch.randn(300, 3, generator=gen, dtype=torch.float64)).argmax(dim=1)
    clf = library_model(X.numpy(), y.numpy(), max_iter=100)
    W = torch.tensor(clf.coef_, requires_grad=True)
    b = torch.tensor(clf.intercept_).reshape(1, 3).requires_grad_(True)
    objective = len(y) * cost_ce(y, softmax(linear_trsf(X, W, b))) + (W ** 2).sum() / 2  # C = 1
    objective.backward()
    # lbfgs stops when the gradient of the mean (the objective / n) is below its tolerance, 1e-4.
    assert max(W.grad.abs().max(), b.grad.abs().max()) / len(y) < 1e-4 and clf.n_iter_.max() < 100
    assert (torch.from_numpy(clf.predict(X.numpy())) == predict(X, W, b).argmax(dim=1)).all()
    # With too few iterations it stops at the limit (what the summary reads as "not converged"), without a warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert library_model(X.numpy(), y.numpy(), max_iter=2).n_iter_.max() == 2
    # The check can fail: half those weights are not at the minimum.
    half = (0.5 * W.detach()).requires_grad_(True)
    (len(y) * cost_ce(y, softmax(linear_trsf(X, half, b.detach()))) + (half ** 2).sum() / 2).backward()
    assert half.grad.abs().max() > 100 * W.grad.abs().max()


# --- the smoothness bound ---------------------------------------------------------------------------------------------

def test_smoothness_bounds_the_hessian_in_w_and_b_and_is_exact_at_zero():
    """λmax(H) ≤ L everywhere; at W = 0, b = 0 every example's Hessian in the logits is (I − 11ᵀ/10)/10, so
    λmax(H) = λmax([x 1]ᵀ[x 1]/n)/10 = L/5 exactly."""
    gen = torch.Generator().manual_seed(4)
    n, d = 30, 3
    x = torch.randn(n, d, generator=gen, dtype=torch.float64) + 1.0
    y = torch.randint(0, 10, (n,), generator=gen)
    L = smoothness(x)
    ref = np.linalg.eigvalsh(np.column_stack([x.numpy(), np.ones(n)]).T @ np.column_stack([x.numpy(), np.ones(n)]) / n)
    assert L == pytest.approx(ref[-1] / 2, rel=1e-12)

    def top(theta):
        f = lambda t: cost_ce(y, predict(x, t[:10 * d].reshape(10, d), t[10 * d:].reshape(1, 10)))  # noqa: E731
        return float(torch.linalg.eigvalsh(torch.autograd.functional.hessian(f, theta))[-1])

    assert top(torch.zeros(10 * d + 10, dtype=torch.float64)) == pytest.approx(L / 5, rel=1e-10)
    for scale in (0.3, 1.0, 3.0):
        assert 0 < top(scale * torch.randn(10 * d + 10, generator=gen, dtype=torch.float64)) <= L * (1 + 1e-12)


def test_smoothness_flattens_images():
    x = images(6, 8)
    assert smoothness(x) == pytest.approx(smoothness(x.reshape(6, 784)), rel=1e-12)


# --- Exercise 4: full-batch GD on a few images, evaluated on a span -----------------------------------------------

def test_span_evaluation_equals_metrics_under_full_batch_gd_and_refuses_weights_off_the_span():
    Xtr, ytr = labelled(5, 9, torch.float64)
    X, y = labelled(300, 10, torch.float64)
    W, b = (t.double() for t in init_params(3, 0.5))
    span = SpanEvaluation(Xtr, X, y, W)
    pairs = train(hand_step(W, b, LR), Xtr, ytr, 25, 5, 0, lambda: (span(W, b), metrics(X, y, W, b)))
    for (sc, sa), (mc, ma) in pairs:  # the start (W0 itself) and every epoch
        assert sc == pytest.approx(mc, rel=1e-10) and sa == ma
    assert pairs[-1][1][0] != pairs[0][1][0]  # the weights did move
    off = W + 1e-3 * torch.randn(10, 784, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    with pytest.raises(ValueError, match="left the span of the training images"):
        span(off, b)


def test_full_batch_subset_falls_every_epoch_inside_the_smoothness_bound():
    X, Y = labelled(60, 11)
    X = X.reshape(60, -1)
    lr = common_rate(X, [20], 0.9)
    assert lr == pytest.approx(0.9 * 2 / smoothness(X[:20]), rel=1e-12)
    W, b, history = full_batch_subset(X, Y, 20, 15, lr, 0.01, 1)
    costs = [c for c, _ in history]
    assert len(history) == 16 and all(b_ < a for a, b_ in zip(costs, costs[1:]))
    assert history[-1] == metrics(X[:20], Y[:20], W, b)  # the default evaluation: the n training images
    assert history[-1][1] > history[0][1]
    with pytest.raises(ValueError, match="ex4: 61 training images asked for, only 60"):
        full_batch_subset(X, Y, 61, 1, lr, 0.01, 1)
    # One rate for several sizes: the smallest of their bounds, inside every one of them.
    bounds = {m: 0.9 * 2 / smoothness(X[:m]) for m in (5, 20, 40)}
    one = common_rate(X, [5, 20, 40], 0.9)
    assert one == pytest.approx(min(bounds.values()), rel=1e-12)
    assert min(bounds.values()) < max(bounds.values())  # the sizes' bounds differ: the test can tell
    for m in (5, 20, 40):
        costs = [c for c, _ in full_batch_subset(X, Y, m, 5, one, 0.01, 1)[2]]
        assert all(b_ < a for a, b_ in zip(costs, costs[1:])), m
    with pytest.raises(ValueError, match="ex4: 61 training images asked for"):
        common_rate(X, [20, 61], 0.5)


def test_full_batch_subset_with_a_span_evaluation_tracks_the_held_out_metrics():
    """As Exercise 4 runs it: the held-out cost every epoch, through SpanEvaluation, in float32."""
    X, Y = labelled(40, 12)
    X = X.reshape(40, -1)
    Xt, Yt = labelled(200, 13)
    span = SpanEvaluation(X[:8], Xt, Yt, init_params(2, 0.01)[0])
    W, b, history = full_batch_subset(X, Y, 8, 30, common_rate(X, [8], 0.9), 0.01, 2, evaluate=span)
    assert len(history) == 31
    cost, acc = metrics(Xt, Yt, W, b)
    assert history[-1][0] == pytest.approx(cost, rel=1e-4) and abs(history[-1][1] - acc) <= 1 / 200


# --- timing -----------------------------------------------------------------------------------------------------------

def test_epoch_seconds_is_the_median_epoch_after_a_warm_up():
    calls = []

    def step(x, y):
        calls.append(len(x))
        time.sleep(0.002)

    X, Y = torch.zeros(10, 784), torch.zeros(10, dtype=torch.int64)
    s = epoch_seconds(step, X, Y, 4, repeats=3)
    assert calls == [4, 4, 2] * 4  # one warm-up epoch and three timed ones, every example once an epoch
    assert 3 * 0.002 <= s < 1.0
