"""gdlab.gd: the two loops of the practical — full-batch gradient_descent and mini-batch train (batches, seed,
the record of evaluate(), the stopping rule)."""

import math

import pytest
import torch

from gdlab.gd import gradient_descent, train

# --- gradient_descent -----------------------------------------------------------------------------------

A = torch.tensor([[2.0], [0.5]], dtype=torch.float64)  # J(w) = ½ Σ a_i w_i²: gradient a ⊙ w, curvature a


def quad_grad(w):
    return A * w


def test_gradient_descent_does_nepochs_steps_and_records_nepochs_plus_one_entries():
    calls = []
    w0 = torch.tensor([[1.0], [-2.0]], dtype=torch.float64)
    w, hist = gradient_descent(lambda w: calls.append(w.clone()) or quad_grad(w), w0, 0.3, 7, lambda w: w.clone())
    assert len(calls) == 7 and len(hist) == 8
    assert torch.equal(hist[0], w0) and torch.equal(hist[-1], w)
    for t, wt in enumerate(hist):  # w_t = (1 − lr a)^t w_0 on a diagonal quadratic
        torch.testing.assert_close(wt, (1 - 0.3 * A) ** t * w0, rtol=1e-13, atol=0)


def test_gradient_descent_each_step_is_w_minus_lr_times_the_gradient():
    gen = torch.Generator().manual_seed(0)
    M = torch.randn(3, 3, generator=gen, dtype=torch.float64)
    grad = lambda w: M @ w + torch.sin(w)  # noqa: E731  (any function will do)
    w0 = torch.randn(3, 1, generator=gen, dtype=torch.float64)
    _, hist = gradient_descent(grad, w0, 0.05, 5, lambda w: w.clone())
    for a, b in zip(hist, hist[1:]):
        assert torch.equal(b, a - 0.05 * grad(a))


def test_gradient_descent_zero_epochs_and_the_start_is_not_changed():
    w0 = torch.tensor([[1.0], [-2.0]], dtype=torch.float64)
    keep = w0.clone()
    w, hist = gradient_descent(quad_grad, w0, 0.3, 0, lambda w: float(w.sum()))
    assert hist == [-1.0] and torch.equal(w, w0) and w is not w0
    gradient_descent(quad_grad, w0, 0.3, 10, lambda w: None)
    assert torch.equal(w0, keep)


def test_gradient_descent_converges_below_two_over_curvature_and_diverges_above():
    w0 = torch.ones(2, 1, dtype=torch.float64)
    cost = lambda w: float(0.5 * (A * w * w).sum())  # noqa: E731
    _, below = gradient_descent(quad_grad, w0, 0.99 * 2 / 2.0, 200, cost)
    _, above = gradient_descent(quad_grad, w0, 1.01 * 2 / 2.0, 200, cost)
    assert below[-1] < 1e-3 * below[0] and above[-1] > 2 * above[0]


# --- train ------------------------------------------------------------------------------------------------

N = 23
X23, Y23 = torch.arange(float(N)).reshape(N, 1), torch.arange(N)


class Recorder:
    """A step that records the labels of every batch it is given (and checks X and Y stay paired)."""

    def __init__(self):
        self.batches = []

    def __call__(self, x, y):
        assert torch.equal(x.squeeze(1).long(), y)
        self.batches.append(y.clone())


def epochs_of(rec, nbatch):
    per_epoch = math.ceil(N / nbatch)
    return [torch.cat(rec.batches[i:i + per_epoch]) for i in range(0, len(rec.batches), per_epoch)]


@pytest.mark.parametrize("nbatch", [1, 5, 10, 23, 100])
def test_every_epoch_visits_each_example_once_in_batches_of_nbatch(nbatch):
    rec = Recorder()
    hist = train(rec, X23, Y23, 3, nbatch, seed=0, evaluate=lambda: None)
    assert len(hist) == 4
    per_epoch = math.ceil(N / nbatch)
    assert len(rec.batches) == 3 * per_epoch
    sizes = [len(b) for b in rec.batches[:per_epoch]]
    assert sizes == [nbatch] * (N // nbatch) + ([N % nbatch] if N % nbatch else [])
    for epoch in epochs_of(rec, nbatch):
        assert sorted(epoch.tolist()) == list(range(N))


def test_the_order_is_seeded_and_changes_from_epoch_to_epoch():
    def orders(seed):
        rec = Recorder()
        train(rec, X23, Y23, 3, 4, seed, lambda: None)
        return [e.tolist() for e in epochs_of(rec, 4)]

    a = orders(5)
    assert orders(5) == a  # the same seed: the same batches
    assert orders(6) != a  # another seed: other batches
    assert a[0] != a[1] != a[2]  # a fresh shuffle every epoch
    assert a[0] != list(range(N))  # shuffled at all


def test_evaluate_is_recorded_before_the_first_epoch_and_after_each():
    rec = Recorder()
    hist = train(rec, X23, Y23, 4, 10, 0, lambda: len(rec.batches))
    assert hist == [0, 3, 6, 9, 12]  # ceil(23/10) = 3 steps an epoch, evaluated after the epoch's last step


def test_stop_ends_training_as_soon_as_it_is_true():
    seen = []

    def stop(history):
        seen.append(len(history))
        return len(history) == 4

    hist = train(Recorder(), X23, Y23, 10, 5, 0, lambda: 0.0, stop=stop)
    assert len(hist) == 4 and seen == [2, 3, 4]  # asked after each epoch, never before the first
    assert len(train(Recorder(), X23, Y23, 10, 5, 0, lambda: 0.0, stop=lambda h: False)) == 11
    assert len(train(Recorder(), X23, Y23, 10, 5, 0, lambda: 0.0, stop=lambda h: True)) == 2


def test_stop_sees_the_recorded_values():
    # A counter cost that falls by one an epoch: stop once it is at or below 7.
    rec = Recorder()
    hist = train(rec, X23, Y23, 100, 23, 0, lambda: 10 - len(rec.batches), stop=lambda h: h[-1] <= 7)
    assert hist == [10, 9, 8, 7]


def test_train_with_a_real_model_is_deterministic_for_a_seed_and_not_across_seeds():
    gen = torch.Generator().manual_seed(1)
    X = torch.randn(40, 3, generator=gen, dtype=torch.float64)
    Y = X @ torch.tensor([[1.0], [-2.0], [0.5]], dtype=torch.float64)

    def fit(seed):
        w = torch.zeros(3, 1, dtype=torch.float64)

        def step(x, y):
            w.sub_(0.1 * x.T @ (x @ w - y) / len(x))

        hist = train(step, X, Y, 5, 8, seed, lambda: float(((X @ w - Y) ** 2).mean()))
        return w, hist

    w1, h1 = fit(3)
    w2, h2 = fit(3)
    w3, _ = fit(4)
    assert torch.equal(w1, w2) and h1 == h2
    assert not torch.equal(w1, w3)
    assert h1[-1] < 0.2 * h1[0]  # it did train


def test_nbatch_at_least_n_is_full_batch_one_step_an_epoch():
    rec = Recorder()
    train(rec, X23, Y23, 3, N, 0, lambda: None)
    assert [len(b) for b in rec.batches] == [N] * 3
