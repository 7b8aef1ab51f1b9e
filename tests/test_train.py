"""The shared training loop: batching, schedules, divergence."""

import math

import torch

from gdlab.train import epoch_batches, fit


def rows(batches):
    """The row numbers in each mini-batch (X holds its own row number)."""
    return [xb.squeeze(1).long() for xb, _ in batches]


X103, Y103 = torch.arange(103.0).reshape(103, 1), torch.arange(103)


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


def test_full_batch_when_batch_size_is_none_or_large():
    for bs in (None, 103, 500):
        (only,) = list(epoch_batches(X103, Y103, bs, None))
        assert only[0] is X103 and only[1] is Y103


class Quadratic:
    """J(w) = w² on any data: a model whose path is known in closed form."""

    def __init__(self):
        self.w = torch.tensor(1.0, dtype=torch.float64)

    def loss(self, X, y):
        return self.w**2

    def step(self, X, y, lr):
        self.w = self.w - lr * 2 * self.w


def test_schedule_is_called_per_epoch():
    m = Quadratic()
    X = torch.zeros(4, 1)
    seen = []
    fit(m, X, X, epochs=3, lr=lambda e: seen.append(e) or 0.1)
    assert seen == [1, 2, 3]
    assert math.isclose(float(m.w), 0.8**3)


def test_nan_loss_stops_training_as_diverged():
    m = Quadratic()
    m.w = torch.tensor(float("nan"), dtype=torch.float64)
    hist = fit(m, torch.zeros(2, 1), torch.zeros(2), epochs=100, lr=0.1)
    assert hist.diverged and hist.epochs_run == 1
