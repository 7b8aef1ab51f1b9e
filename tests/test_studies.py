"""gdlab.studies: learning rates found by experiment — cost_grows, the doubling-then-bisection search, the
learning-rate range test — on quadratics whose limits are known exactly."""

import math

import pytest
import torch

from gdlab.studies import bisect_max_lr, cost_grows, lr_range_test

# J(w) = w²: the gradient is 2w, GD at rate lr multiplies w by (1 − 2 lr); it lowers the cost iff 0 < lr < 1.
W0 = torch.tensor([1.0], dtype=torch.float64)


def grad(w):
    return 2 * w


def cost(w):
    return float((w**2).sum())


# --- cost_grows -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lr, grows", [(0.1, False), (0.5, False), (0.99, False), (1.0, True), (1.2, True),
                                       (-0.1, True)])
def test_cost_grows_on_a_quadratic(lr, grows):
    """lr = 1 maps w to −w: the cost ends where it started, which counts as not lowered."""
    assert cost_grows(grad, cost, W0, lr, 3) is grows


def test_cost_grows_when_the_cost_is_not_finite():
    assert cost_grows(grad, cost, torch.tensor([math.nan], dtype=torch.float64), 0.1, 3)
    assert cost_grows(grad, cost, W0, 1e200, 2)  # overflows to inf
    assert cost_grows(lambda w: w * math.inf, cost, W0, 0.1, 1)


def test_cost_grows_judges_the_last_epoch_against_the_first_only():
    # Along w₁ the cost falls for good; along w₂ it rises slowly (curvature 2.01, lr 0.999 > 2/2.01): at first the
    # fall wins, later the rise does.
    a = torch.tensor([2.0, 2.01], dtype=torch.float64)
    g, c = (lambda w: a * w), (lambda w: float(0.5 * (a * w * w).sum()))
    w0 = torch.tensor([1.0, 1e-3], dtype=torch.float64)
    assert not cost_grows(g, c, w0, 0.999, 5)
    assert cost_grows(g, c, w0, 0.999, 5000)


# --- bisect_max_lr ----------------------------------------------------------------------------------------

def test_bisection_doubles_then_bisects_and_brackets_the_threshold():
    limit = 0.3
    lo, hi, probes = bisect_max_lr(lambda lr: lr > limit, lr_start=1e-3, rtol=0.01)
    assert lo <= limit < hi and (hi - lo) / lo <= 0.01
    # Doubling first: 1e-3, 2e-3, ... until the first rate above the limit (0.512), then bisection.
    assert [lr for lr, _ in probes[:10]] == pytest.approx([1e-3 * 2**i for i in range(10)])
    assert [g for _, g in probes[:10]] == [False] * 9 + [True]
    assert all(g == (lr > limit) for lr, g in probes)  # every probe is recorded with its verdict, in order
    assert probes[10][0] == pytest.approx(0.5 * (0.256 + 0.512))  # then halves the bracket [0.256, 0.512]


@pytest.mark.parametrize("curvature", [2.0, 0.37, 150.0])
def test_bisection_on_a_quadratic_finds_two_over_the_curvature(curvature):
    g, c = (lambda w: curvature * w), (lambda w: float(0.5 * curvature * (w**2).sum()))
    lo, hi, _ = bisect_max_lr(lambda lr: cost_grows(g, c, W0, lr, 5), lr_start=1e-4, rtol=1e-4)
    assert lo < 2 / curvature <= hi and (hi - lo) / lo <= 1e-4


def test_bisection_refuses_a_start_that_already_grows_and_gives_up_without_a_bracket():
    with pytest.raises(ValueError, match="already grows at the starting rate 1.0"):
        bisect_max_lr(lambda lr: True, lr_start=1.0, rtol=0.01)
    with pytest.raises(RuntimeError, match="no bracket within 20 probes"):
        bisect_max_lr(lambda lr: False, lr_start=1.0, rtol=0.01, max_probes=20)


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
