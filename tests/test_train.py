"""The shared training loop: batching, schedules, divergence."""

import math

import torch

from gdlab.train import batches, epoch_batches, fit


def test_minibatches_cover_each_index_once_and_are_seeded():
    idx = list(batches(103, 10, torch.Generator().manual_seed(3)))
    assert [len(b) for b in idx] == [10] * 10 + [3]
    assert sorted(torch.cat(idx).tolist()) == list(range(103))
    again = list(batches(103, 10, torch.Generator().manual_seed(3)))
    assert all(torch.equal(a, b) for a, b in zip(idx, again))
    other = torch.cat(list(batches(103, 10, torch.Generator().manual_seed(4))))
    assert not torch.equal(torch.cat(idx), other)


def test_full_batch_when_batch_size_is_none_or_large():
    assert list(batches(5, None, None)) == [slice(None)]
    assert list(batches(5, 64, None)) == [slice(None)]


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


def test_epoch_batches_follow_the_index_order():
    X = torch.arange(23.0).reshape(23, 1)
    y = torch.arange(23)
    via_index = [X[i] for i in batches(23, 5, torch.Generator().manual_seed(9))]
    via_slices = [xb for xb, _ in epoch_batches(X, y, 5, torch.Generator().manual_seed(9))]
    assert all(torch.equal(a, b) for a, b in zip(via_index, via_slices)) and len(via_slices) == 5
    assert all(torch.equal(xb.squeeze(1).long(), yb) for xb, yb in epoch_batches(X, y, 5, torch.Generator()))
