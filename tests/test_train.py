"""gdlab.train: the one training loop — batches, schedules, divergence, early stop — and the learning-rate searches."""

import math

import pytest
import torch

from gdlab.train import (
    AutogradModel, HandGradientModel, bisect_max_lr, cost_grows, epoch_batches, fit, lr_range_test, resolve_device,
    schedule,
)


def rows(batches):
    """The row numbers in each mini-batch (X holds its own row number)."""
    return [xb.squeeze(1).long() for xb, _ in batches]


X103, Y103 = torch.arange(103.0).reshape(103, 1), torch.arange(103)


# --- epoch_batches ------------------------------------------------------------------------------------

def test_minibatches_cover_each_row_once_and_are_seeded():
    idx = rows(epoch_batches(X103, Y103, 10, torch.Generator().manual_seed(3)))
    assert [len(b) for b in idx] == [10] * 10 + [3]
    assert sorted(torch.cat(idx).tolist()) == list(range(103))
    again = rows(epoch_batches(X103, Y103, 10, torch.Generator().manual_seed(3)))
    assert all(torch.equal(a, b) for a, b in zip(idx, again))
    other = torch.cat(rows(epoch_batches(X103, Y103, 10, torch.Generator().manual_seed(4))))
    assert not torch.equal(torch.cat(idx), other)
    # The order is the generator's permutation, and X and y stay paired.
    assert torch.equal(torch.cat(idx), torch.randperm(103, generator=torch.Generator().manual_seed(3)))
    assert all(torch.equal(xb.squeeze(1).long(), yb) for xb, yb in epoch_batches(X103, Y103, 10, torch.Generator()))


def test_one_generator_gives_a_new_order_every_epoch():
    gen = torch.Generator().manual_seed(0)
    first = torch.cat(rows(epoch_batches(X103, Y103, 10, gen)))
    second = torch.cat(rows(epoch_batches(X103, Y103, 10, gen)))
    assert sorted(second.tolist()) == list(range(103)) and not torch.equal(first, second)


def test_full_batch_when_batch_size_is_none_or_large():
    for bs in (None, 103, 500):
        (only,) = list(epoch_batches(X103, Y103, bs, None))
        assert only[0] is X103 and only[1] is Y103


def test_out_buffers_give_the_same_batches_and_are_used():
    X = torch.randn(50, 3, generator=torch.Generator().manual_seed(0))
    y = torch.arange(50)
    plain = list(epoch_batches(X, y, 8, torch.Generator().manual_seed(5)))
    out = (torch.empty_like(X), torch.empty_like(y))
    buffered = []
    for xb, yb in epoch_batches(X, y, 8, torch.Generator().manual_seed(5), out):
        # Each batch is a slice of the buffers handed in, not a fresh copy.
        assert xb.untyped_storage().data_ptr() == out[0].untyped_storage().data_ptr()
        assert yb.untyped_storage().data_ptr() == out[1].untyped_storage().data_ptr()
        buffered.append((xb.clone(), yb.clone()))
    assert len(plain) == len(buffered) == 7
    for (xa, ya), (xb, yb) in zip(plain, buffered):
        assert torch.equal(xa, xb) and torch.equal(ya, yb)
    assert torch.equal(X[out[1]], out[0])  # the buffer holds the whole permuted set, rows still paired


# --- schedules ----------------------------------------------------------------------------------------

def test_schedules():
    assert schedule("constant", 0.3) == 0.3
    lin = schedule("linear", 0.3)
    assert lin(0.0) == 0.3 and lin(0.5) == pytest.approx(0.15) and lin(1.0) == 0.0
    with pytest.raises(ValueError, match="'cosine'.*'constant' or 'linear'"):
        schedule("cosine", 0.3)


class Recorder:
    """A model that records each step: the rate it was given and the rows of its batch."""

    def __init__(self):
        self.lrs, self.batches = [], []

    def loss(self, X, y):
        return torch.tensor(1.0)

    def step(self, X, y, lr):
        self.lrs.append(lr)
        self.batches.append(y.clone())


def test_linear_schedule_is_applied_per_step_over_the_whole_run():
    m = Recorder()
    X, y = torch.zeros(10, 1), torch.arange(10)
    fit(m, X, y, epochs=2, lr=schedule("linear", 0.6), batch_size=4, generator=torch.Generator().manual_seed(0))
    T = 2 * 3  # two epochs of ceil(10/4) = 3 steps
    assert len(m.lrs) == T
    assert m.lrs[0] == 0.6 and m.lrs[-1] == pytest.approx(0.6 / T)
    assert m.lrs == pytest.approx([0.6 * (1 - i / T) for i in range(T)])


def test_constant_rate_and_the_batches_fit_draws():
    m = Recorder()
    X, y = torch.zeros(10, 1), torch.arange(10)
    fit(m, X, y, epochs=3, lr=0.1, batch_size=4, generator=torch.Generator().manual_seed(2))
    assert m.lrs == [0.1] * 9
    gen = torch.Generator().manual_seed(2)
    expected = [yb for _ in range(3) for _, yb in epoch_batches(X, y, 4, gen)]
    assert [b.tolist() for b in m.batches] == [b.tolist() for b in expected]


def test_full_batch_is_one_step_per_epoch():
    m = Recorder()
    fit(m, torch.zeros(10, 1), torch.arange(10), epochs=4, lr=schedule("linear", 1.0))
    assert [len(b) for b in m.batches] == [10] * 4 and m.lrs == pytest.approx([1.0, 0.75, 0.5, 0.25])


class Quadratic:
    """J(w) = w² on any data: GD at rate lr multiplies w by (1 − 2 lr) each step."""

    def __init__(self, w=1.0):
        self.w = torch.tensor(w, dtype=torch.float64)

    def loss(self, X, y):
        return self.w**2

    def step(self, X, y, lr):
        self.w = self.w - lr * 2 * self.w


Z2 = (torch.zeros(2, 1), torch.zeros(2))


def test_history_rows_before_training_and_after_each_epoch():
    m = Quadratic()
    hist = fit(m, *Z2, epochs=3, lr=0.1)
    assert hist.column("epoch") == [0, 1, 2, 3] and hist.epochs_run == 3 and not hist.diverged
    assert hist.column("loss") == pytest.approx([0.8 ** (2 * t) for t in range(4)])
    s = hist.column("seconds")
    assert s[0] == 0.0 and all(b >= a for a, b in zip(s, s[1:]))


def test_metrics_callable_defines_the_row_and_must_hold_the_loss():
    m = Quadratic()
    hist = fit(m, *Z2, epochs=2, lr=0.25, metrics=lambda mod: {"loss": float(mod.w**2), "w": float(mod.w)})
    assert hist.column("w") == [1.0, 0.5, 0.25]
    with pytest.raises(KeyError, match="loss"):
        fit(Quadratic(), *Z2, epochs=2, lr=0.25, metrics=lambda mod: {"w": float(mod.w)})


def test_nan_loss_stops_training_as_diverged():
    m = Quadratic()
    m.w = torch.tensor(float("nan"), dtype=torch.float64)
    hist = fit(m, *Z2, epochs=100, lr=0.1)
    assert hist.diverged and hist.epochs_run == 1


def test_divergence_factor_stops_growth_and_lets_smaller_growth_run():
    # lr 1.5: w is multiplied by -2 each epoch, the cost by 4.
    hist = fit(Quadratic(), *Z2, epochs=100, lr=1.5, divergence_factor=1000.0)
    assert hist.diverged and hist.epochs_run == 5  # 4^5 = 1024 is the first growth past 1000
    assert len(hist.rows) == 6
    hist = fit(Quadratic(), *Z2, epochs=4, lr=1.5, divergence_factor=1000.0)
    assert not hist.diverged and hist.epochs_run == 4  # 4^4 = 256: grown, but not by the factor
    hist = fit(Quadratic(), *Z2, epochs=20, lr=1.5)  # no factor: only a non-finite cost stops it
    assert not hist.diverged and hist.epochs_run == 20


def test_until_stops_training_early():
    # cost after t epochs at lr 0.25: 0.25^t; the first epoch with cost below 1e-3 is t = 5.
    hist = fit(Quadratic(), *Z2, epochs=100, lr=0.25, until=lambda row: row["loss"] < 1e-3)
    assert hist.epochs_run == 5 and not hist.diverged and len(hist.rows) == 6
    hist = fit(Quadratic(), *Z2, epochs=3, lr=0.25, until=lambda row: row["loss"] < 1e-3)
    assert hist.epochs_run == 3  # never reached: runs all epochs


# --- models -------------------------------------------------------------------------------------------

def test_hand_gradient_model_steps_against_its_gradient_and_keeps_the_start():
    class Square(HandGradientModel):
        cost = staticmethod(lambda theta, X, y: (theta**2).sum())
        grad = staticmethod(lambda theta, X, y: 2 * theta)

    theta0 = torch.tensor([1.0, -2.0], dtype=torch.float64)
    m = Square(theta0)
    m.step(*Z2, 0.25)
    assert m.theta.tolist() == [0.5, -1.0] and theta0.tolist() == [1.0, -2.0]
    assert float(m.loss(*Z2)) == 1.25
    with pytest.raises(NotImplementedError):
        HandGradientModel(theta0).step(*Z2, 0.1)


def test_autograd_model_sets_the_rate_per_step_and_does_not_accumulate_gradients():
    w = torch.nn.Parameter(torch.tensor([1.0], dtype=torch.float64))
    module = torch.nn.Module()
    module.w = w
    module.forward = lambda X: w
    m = AutogradModel(module, lambda out, y: (out**2).sum())
    m.step(*Z2, 0.25)
    m.step(*Z2, 0.25)  # accumulated gradients would give 0.5 - 0.25·(2 + 1) = -0.25
    assert w.item() == 0.25
    m.step(*Z2, 0.0)
    assert w.item() == 0.25 and m.optimizer.param_groups[0]["lr"] == 0.0
    assert float(m.loss(*Z2).detach()) == 0.0625


# --- learning rates found by experiment ------------------------------------------------------------------

def test_cost_grows():
    assert not cost_grows(Quadratic, *Z2, lr=0.5, epochs=3)
    assert cost_grows(Quadratic, *Z2, lr=1.0, epochs=3)  # w -> -w: the cost stays where it started
    assert cost_grows(Quadratic, *Z2, lr=1.2, epochs=3)
    assert cost_grows(lambda: Quadratic(float("nan")), *Z2, lr=0.1, epochs=3)


def test_bisection_brackets_the_threshold():
    limit = 0.3
    lo, hi, probes = bisect_max_lr(lambda lr: lr > limit, lr_start=1e-3, rtol=0.01)
    assert lo <= limit < hi and (hi - lo) / lo <= 0.01
    # Doubling first: 1e-3, 2e-3, ... until the first rate above the limit (0.512), then bisection.
    assert [lr for lr, _ in probes[:10]] == pytest.approx([1e-3 * 2**i for i in range(10)])
    assert [d for _, d in probes[:10]] == [False] * 9 + [True]
    assert all(d == (lr > limit) for lr, d in probes)


def test_bisection_on_quadratic_finds_two_over_curvature():
    # J = w²: curvature 2, the largest converging rate is 2/2 = 1.
    lo, hi, _ = bisect_max_lr(lambda lr: cost_grows(Quadratic, *Z2, lr, epochs=5), lr_start=0.01, rtol=1e-3)
    assert lo < 1.0 <= hi and (hi - lo) / lo <= 1e-3


def test_bisection_errors():
    with pytest.raises(ValueError, match="starting learning rate 1.0 already diverges"):
        bisect_max_lr(lambda lr: True, lr_start=1.0, rtol=0.01)
    with pytest.raises(RuntimeError, match="no bracket within 20 probes"):
        bisect_max_lr(lambda lr: False, lr_start=1.0, rtol=0.01, max_probes=20)


def test_lr_range_test_rows():
    rows_ = lr_range_test(Quadratic, *Z2, lrs=[0.1, 0.5, 0.9, 1.6], epochs=10, divergence_factor=1e3)
    assert [r["lr"] for r in rows_] == [0.1, 0.5, 0.9, 1.6]
    assert [r["diverged"] for r in rows_] == [False, False, False, True]
    assert rows_[1]["final_cost"] == 0.0  # lr 0.5 solves w² in one step
    assert rows_[0]["final_cost"] == pytest.approx(0.8**20)
    assert [r["monotone"] for r in rows_] == [True, True, True, False]


def test_resolve_device():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    if torch.cuda.is_available():
        assert resolve_device("cuda").type == "cuda"
    else:
        with pytest.raises(RuntimeError, match="ex3.device"):
            resolve_device("cuda")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_batches_on_the_gpu_are_the_cpu_batches():
    X, y = torch.randn(50, 3, generator=torch.Generator().manual_seed(0)), torch.arange(50)
    cpu = list(epoch_batches(X, y, 8, torch.Generator().manual_seed(5)))
    Xc, yc = X.cuda(), y.cuda()
    gpu = list(epoch_batches(Xc, yc, 8, torch.Generator().manual_seed(5), (torch.empty_like(Xc), torch.empty_like(yc))))
    assert len(cpu) == len(gpu)
    for (xa, ya), (xb, yb) in zip(cpu, gpu):
        assert xb.is_cuda and torch.equal(xa, xb.cpu()) and torch.equal(ya, yb.cpu())
