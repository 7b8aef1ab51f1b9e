"""gdlab.studies: the learning-rate range test, on a quadratic whose limit is known exactly."""

import math

import pytest
import torch

from gdlab.studies import lr_range_test

# J(w) = w²: the gradient is 2w, GD at rate lr multiplies w by (1 − 2 lr); it lowers the cost iff 0 < lr < 1.
W0 = torch.tensor([1.0], dtype=torch.float64)


def grad(w):
    return 2 * w


def cost(w):
    return float((w**2).sum())


# --- lr_range_test ----------------------------------------------------------------------------------------

def test_lr_range_test_rows_on_a_quadratic():
    rows = lr_range_test(grad, cost, W0, [0.1, 0.5, 0.9, 1.6, 1e200], 10)
    assert [r["lr"] for r in rows] == [0.1, 0.5, 0.9, 1.6, 1e200]
    assert all(isinstance(r["lr"], float) for r in rows)
    assert rows[0]["final_cost"] == pytest.approx(0.8**20, rel=1e-12)  # w_t = 0.8^t
    assert rows[1]["final_cost"] == 0.0  # lr 0.5 solves w² in one step
    assert rows[2]["final_cost"] == pytest.approx(0.8**20, rel=1e-12)  # w_t = (−0.8)^t: the same cost
    assert rows[3]["final_cost"] == pytest.approx(2.2**20, rel=1e-12)
    assert [r["monotone"] for r in rows] == [True, True, True, False, False]
    assert [r["finite"] for r in rows] == [True, True, True, True, False]


def test_lr_range_test_accepts_a_tensor_of_rates_and_leaves_the_start_alone():
    w0 = W0.clone()
    rows = lr_range_test(grad, cost, w0, torch.tensor([0.25, 0.75]), 2)
    assert [r["lr"] for r in rows] == [0.25, 0.75] and torch.equal(w0, W0)
    assert [r["final_cost"] for r in rows] == [0.0625, 0.0625]  # w → w/2 and w → −w/2
