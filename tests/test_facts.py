"""gdlab.facts: every fact the prose depends on, on data going each way."""

import math

import numpy as np
import pytest
import torch

from gdlab.facts import (
    error_factors, fastest, grid_steps, mirrored, range_test_facts, within_one_step,
    NOISE, OUTCOMES, STATUSES, best_heldout, epochs_falling, first_at_or_below, peak, outcome, status,
    splits, strictly_increasing, tail, time_verdict,
)

RULE = {"tail_fraction": 0.2, "min_tail_epochs": 3, "rtol": 1e-4, "divergence_factor": 1e3}


def out(costs, **rule):
    result = outcome(costs, **(RULE | rule))
    assert result in OUTCOMES
    return result


# --- tail ---------------------------------------------------------------------------------------------

def test_tail_holds_the_last_fraction_of_epochs_and_the_value_before():
    values = list(range(101))  # the start and 100 epochs
    assert tail(values, 0.2, 3) == list(range(80, 101))  # 20 changes
    assert tail(values, 0.25, 3) == list(range(75, 101))
    assert tail(list(range(11)), 0.2, 3) == [7, 8, 9, 10]  # at least 3 changes
    assert tail([5, 4, 3], 0.2, 3) == [5, 4, 3]  # never more than the run has
    assert tail(list(range(11)), 0.21, 1) == [7, 8, 9, 10]  # ceil(2.1) = 3


# --- outcome ------------------------------------------------------------------------------------------

def geometric(start, factor, epochs, floor=0.0):
    return [floor + start * factor**t for t in range(epochs + 1)]


def test_outcome_converged():
    assert out(geometric(10.0, 0.5, 100, floor=1.0)) == "converged"
    assert out([10.0, 5.0, 2.0, 1.0, 1.0, 1.0, 1.0]) == "converged"


def test_outcome_still_decreasing():
    assert out(geometric(10.0, 0.99, 100, floor=1.0)) == "still decreasing"
    assert out([float(10 - t) for t in range(10)]) == "still decreasing"


def test_outcome_slow_steady_fall_is_still_decreasing_not_converged():
    # Each epoch falls by 0.5·rtol (never "a change above rtol" on its own); across the 20-epoch tail it is 1e-3.
    assert out(geometric(1.0, 1 - 0.5e-4, 100)) == "still decreasing"


def test_outcome_oscillating():
    assert out([10.0, 5.0, 3.0, 2.0, 2.5, 2.0, 2.5]) == "oscillating"
    # A zig-zag that still shrinks on average is oscillating too: the cost rose in some epoch of the tail.
    zigzag = [1.0 + 0.5 * (-0.9) ** t for t in range(60)]
    assert out(zigzag) == "oscillating"


def test_outcome_diverged_when_the_cost_is_not_finite():
    assert out([1.0, 10.0, float("inf")]) == "diverged"
    assert out([1.0, 0.5, float("nan")]) == "diverged"
    assert out([1.0, float("nan"), 0.5]) == "diverged"  # at any epoch, even if it comes back


def test_outcome_diverged_when_the_cost_exceeds_the_factor_times_its_start():
    assert out([1.0, 2.0, 1001.0]) == "diverged"
    assert out([1.0, 1001.0, 0.5, 0.4, 0.4, 0.4, 0.4]) == "diverged"  # once above is enough, even if it ends below
    assert out([1.0, 1000.0, 0.5, 0.4, 0.4, 0.4, 0.4]) == "converged"  # exactly the factor: not above it
    assert out([1.0, 20.0, 0.5, 0.4, 0.4, 0.4, 0.4], divergence_factor=10) == "diverged"
    assert out([1.0, 20.0, 0.5, 0.4, 0.4, 0.4, 0.4], divergence_factor=30) == "converged"


def test_outcome_unstable_when_the_run_does_not_end_below_its_start():
    assert out([1.0, 2.0, 4.0, 8.0]) == "unstable"  # grows, but by less than the divergence factor
    assert out([1.0, 0.2, 0.1, 0.1, 0.1, 1.0]) == "unstable"  # back where it started
    assert out([1.0, 1.0, 1.0, 1.0]) == "unstable"  # never moved
    assert out([1.0]) == "unstable"  # no epoch at all
    assert out([1.0, 0.9, 1.0 - 0.5 * NOISE]) == "unstable"  # below the start by less than floating-point noise
    assert out([1.0, 0.9, 1.0 - 2 * NOISE]) == "oscillating"  # really below it: the other rules decide
    assert out([1.0, 0.5, 0.4, 0.4, 0.4, 0.4]) == "converged"


def test_outcome_checks_diverged_then_unstable_then_the_tail():
    assert out([1.0, 2000.0, 3.0]) == "diverged"  # also not below its start: diverged comes first
    assert out([1.0, 0.5, 0.4, 0.5, 0.4, 1.5]) == "unstable"  # also oscillating in its tail: unstable comes first


def test_outcome_only_the_tail_counts():
    early_bump = [10.0, 12.0, 5.0, 1.0, 1.0, 1.0, 1.0]
    assert out(early_bump) == "converged"
    costs = geometric(1.0, 0.5, 100, floor=1.0)
    in_tail, before_tail = list(costs), list(costs)
    in_tail[85] *= 1.01  # epoch 85: inside the last 20 %
    before_tail[75] *= 1.01
    assert out(in_tail) == "oscillating" and out(before_tail) == "converged"


def test_outcome_rtol_is_the_threshold_both_ways():
    flat = [2.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    small, large = list(flat), list(flat)
    small[-1] = 1.0 + 0.5e-4
    large[-1] = 1.0 + 2e-4
    assert out(small) == "converged" and out(large) == "oscillating"
    down_small, down_large = list(flat), list(flat)
    down_small[-1] = 1.0 - 0.5e-4
    down_large[-1] = 1.0 - 2e-4
    assert out(down_small) == "converged" and out(down_large) == "still decreasing"


def test_outcome_float_floor_jitter_is_converged():
    # GD at the rounding floor of float64: the cost flips in its last bits (from a real Exercise 1 run).
    c = 0.09472602361963361
    jitter = [5.0, 1.0, 0.2] + [c, c + 2e-17] * 10
    assert out(jitter) == "converged"


def test_outcome_float_floor_jitter_at_a_zero_minimum_is_converged():
    """A line through exact data: GD reaches a cost of 0 up to rounding, where it jitters by any relative amount."""
    from gdlab.linreg import curvature, design, run

    x = torch.linspace(-1.0, 3.0, 40, dtype=torch.float64)
    X, Y = design(x.numpy(), (1.1 + 0.7 * x).numpy())
    _, hist = run(X, Y, curvature(X).optimal_lr, 2000)
    costs = [c for c, _ in hist]
    assert max(costs[-400:]) < 1e-29 * costs[0]  # it has converged to the rounding floor
    assert out(costs) == "converged"


def test_outcomes_are_the_five_names():
    assert OUTCOMES == ("converged", "still decreasing", "oscillating", "unstable", "diverged")


# --- status (Exercise 3's study) ----------------------------------------------------------------------

def test_statuses_best_first():
    assert STATUSES == ("trained", "unstable", "diverged")


@pytest.mark.parametrize("costs, max_cost, expected", [
    ([2.3, 1.0, 0.5], 23.0, "trained"),
    ([2.3, 2.4, 2.5], 23.0, "unstable"),            # not below the first cost
    ([2.3, 1.0, 2.3], 23.0, "unstable"),           # equal to it: not below
    ([2.3, 30.0, 24.0], 23.0, "diverged"),          # the last cost above max_cost
    ([2.3, 30.0, 2.0], 23.0, "trained"),            # only the last cost counts
    ([2.3, 23.0], 23.0, "unstable"),                # exactly max_cost: not diverged
    ([2.3, float("nan")], 23.0, "diverged"),
    ([2.3, float("inf")], 23.0, "diverged"),
])
def test_status_each_way(costs, max_cost, expected):
    assert status(costs, max_cost) == expected
    assert expected in STATUSES


def test_status_an_infinite_cost_is_diverged_whatever_max_cost():
    assert status([2.3, float("inf")], float("inf")) == "diverged"


# --- the other facts ------------------------------------------------------------------------------------

def test_peak_is_the_first_epoch_at_the_largest_value_and_says_whether_the_series_ends_below_it():
    assert peak([0.5, 0.87, 0.86, 0.87, 0.85]) == {"value": 0.87, "epoch": 1, "ends_below": True}
    assert peak([0.5, 0.8, 0.87]) == {"value": 0.87, "epoch": 2, "ends_below": False}  # still rising at the end
    assert peak([0.9, 0.8, 0.9])["ends_below"] is False  # back at its highest: not below it


def test_epochs_falling():
    assert epochs_falling([5.0, 4.0, 3.0, 4.0, 8.0]) == 2  # fell for 2 epochs, then grew
    assert epochs_falling([5.0, 6.0, 7.0]) == 0  # grew from the start
    assert epochs_falling([3.0, 2.0, 1.0]) == 2  # fell throughout
    assert epochs_falling([3.0, 1.0, 1.0, 2.0]) == 1  # the first minimum


def test_strictly_increasing():
    assert strictly_increasing([1, 2, 3]) and strictly_increasing([1]) and strictly_increasing([])
    assert not strictly_increasing([1, 2, 2]) and not strictly_increasing([3, 2, 4])


def test_first_at_or_below():
    assert first_at_or_below([5.0, 3.0, 1.0, 0.5], 1.0) == 2  # "at" counts
    assert first_at_or_below([5.0, 3.0, 1.0, 0.5], 2.0) == 2
    assert first_at_or_below([0.1, 3.0], 1.0) == 0
    assert first_at_or_below([5.0, 3.0], 1.0) is None
    assert first_at_or_below([5.0, math.nan, 0.5], 1.0) == 2


def test_time_verdict():
    assert time_verdict(1.0, 2.0) == "faster"
    assert time_verdict(2.0, 1.0) == "slower"
    assert time_verdict(1.1, 1.0) == "about the same" and time_verdict(0.9, 1.0) == "about the same"
    assert time_verdict(0.79, 1.0) == "faster" and time_verdict(1.21, 1.0) == "slower"  # the 20 % margin
    assert time_verdict(0.8, 1.0) == "about the same" and time_verdict(1.2, 1.0) == "about the same"  # strictly beyond it
    assert time_verdict(0.9, 1.0, margin=0.05) == "faster" and time_verdict(1.1, 1.0, margin=0.05) == "slower"


def test_largest_rise_is_relative_and_only_in_the_tail():
    from gdlab.facts import largest_rise

    assert largest_rise([5.0, 9.0, 4.0, 3.0, 2.0], 0.5, 2) == 0.0  # the early rise is outside the tail
    assert largest_rise([5.0, 4.0, 2.0, 3.0, 2.5], 0.5, 2) == pytest.approx(0.5)
    assert largest_rise([1.0, 0.0, 0.0], 1.0, 2) == 0.0  # no division by a zero cost


def test_splits_only_when_the_bound_lies_between_the_settled_and_the_cycling_rates():
    assert splits(7.04, [1.0, 5.0], [10.0, 20.0])
    assert not splits(7.04, [1.0, 8.0], [10.0, 20.0])  # a rate above the bound settled
    assert not splits(7.04, [1.0, 5.0], [6.0, 20.0])  # a rate below it cycled
    assert not splits(7.04, [1.0, 5.0], []) and not splits(7.04, [], [10.0])  # nothing to tell apart


def test_period_two_finds_a_two_cycle_and_nothing_else():
    from gdlab.facts import period_two

    cycle = [0.7, 0.6] + [0.5867, 0.5992] * 6
    assert period_two(cycle, 1e-4)
    assert not period_two([0.7, 0.6, 0.5, 0.45, 0.42, 0.41, 0.405, 0.402, 0.401, 0.4005, 0.4002], 1e-4)  # falling
    assert not period_two([0.5] * 12, 1e-4)  # constant: no alternation
    assert not period_two([0.5867, 0.5992, 0.6100, 0.5867, 0.5992, 0.6100] * 2, 1e-4)  # a 3-cycle
    assert not period_two([1.0, 2.0, 1.0], 1e-4)  # too short to say


def test_direction():
    from gdlab.facts import direction

    assert direction(1.0, 2.0) == "rises" and direction(2.0, 1.0) == "falls" and direction(1.0, 1.0) == "unchanged"


def test_across_seeds_says_every_some_or_none_and_the_range():
    from gdlab.facts import across_seeds

    assert across_seeds([0.012, 0.025, 0.02]) == {"n_seeds": 3, "rising_seeds": 3, "verdict": "every",
                                                  "error_rise_min": 0.012, "error_rise_max": 0.025}
    assert across_seeds([0.0, 0.005, 0.0]) == {"n_seeds": 3, "rising_seeds": 1, "verdict": "some",
                                                    "error_rise_min": 0.0, "error_rise_max": 0.005}
    assert across_seeds([0.0, 0.0])["verdict"] == "none"  # a run that ends at its lowest point did not rise
    assert across_seeds([0.01])["verdict"] == "every"


def test_best_heldout_says_whether_a_run_that_did_not_converge_is_ahead():
    study = [{"lr": 1.0, "outcome": "converged", "test_accuracy": 0.805},
             {"lr": 5.0, "outcome": "converged", "test_accuracy": 0.805},
             {"lr": 20.0, "outcome": "oscillating", "test_accuracy": 0.857},
             {"lr": 60.0, "outcome": "oscillating", "test_accuracy": 0.844}]
    f = best_heldout(study, n=77)
    assert f["lr"] == 20.0 and f["verdict"] == "unconverged ahead" and f["converged_accuracy"] == 0.805
    assert f["gap"] == pytest.approx(0.052) and f["gap_count"] == 4 and f["n"] == 77
    # The other way: a converged run is best — or a non-converged one only ties it.
    calm = best_heldout([{**r, "test_accuracy": 0.9} if r["lr"] == 5.0 else r for r in study], n=77)
    assert calm["lr"] == 5.0 and calm["outcome"] == "converged" and calm["verdict"] == "converged best"
    tie = best_heldout([{**r, "test_accuracy": 0.857} if r["lr"] == 1.0 else r for r in study], n=77)
    assert tie["lr"] == 1.0 and tie["verdict"] == "converged best" and tie["gap"] == 0
    # Nothing converged: the best run is ahead of no converged one, and there is no gap to state.
    none = best_heldout([{**r, "outcome": "oscillating"} for r in study], n=77)
    assert none["verdict"] == "none converged" and none["converged_accuracy"] is None and none["gap_count"] is None


def test_error_factors_signed_per_eigenvalue():
    assert error_factors([1.0, 4.0], 0.25) == [0.75, 0.0]
    assert error_factors([1.0], 1.5) == [-0.5]  # overshoots: the error flips its sign
    assert error_factors([2.0], 1.5) == [-2.0]  # and grows


def test_mirrored_pairs_only_opposite_factors_of_equal_size():
    f = {lr: error_factors([1.0], lr)[0] for lr in (0.1, 0.5, 1.0, 1.5, 1.9, 2.1)}
    assert mirrored(f) == [[0.1, 1.9], [0.5, 1.5]]
    assert mirrored({lr: error_factors([1.0], lr)[0] for lr in (0.1, 0.5, 1.2)}) == []  # 0.9, 0.5 and -0.2
    assert mirrored({0.5: 0.5, 1.5: 0.5}) == []  # equal signs are not mirrored


def test_fastest_fewest_epochs_then_smaller_rate_none_when_nothing_arrived():
    runs = [{"lr": 0.1, "n": 132}, {"lr": 1.0, "n": 1}, {"lr": 0.01, "n": None}, {"lr": 2.0, "n": 1}]
    assert fastest(runs, "n")["lr"] == 1.0  # 1 epoch at 1.0 and at 2.0: the smaller rate
    assert fastest([{"lr": 5.0, "n": 3000}, {"lr": 1.0, "n": 600}], "n")["lr"] == 1.0  # the larger rate is not always faster
    assert fastest([{"lr": 0.01, "n": None}], "n") is None and fastest([], "n") is None


def probe(lr, cost, monotone=True, finite=True):
    return {"lr": lr, "final_cost": cost, "monotone": monotone, "finite": finite}


def test_range_test_facts_both_ways():
    rising = [probe(0.1, 0.5), probe(1.0, 0.3), probe(3.0, 0.28), probe(5.0, 0.27, monotone=False), probe(10, 0.4, False)]
    assert range_test_facts(rising) == {"best_lr": 5.0, "largest_monotone_lr": 3.0, "first_rising_lr": 5.0}
    falling = [probe(0.1, 0.5), probe(1.0, 0.3)]  # the cost fell at every rate: no rising rate
    assert range_test_facts(falling) == {"best_lr": 1.0, "largest_monotone_lr": 1.0, "first_rising_lr": None}
    blown = [probe(0.1, 0.5, monotone=False), probe(1.0, float("inf"), False, finite=False)]
    assert range_test_facts(blown) == {"best_lr": 0.1, "largest_monotone_lr": None, "first_rising_lr": 0.1}


def test_within_one_step_of_a_log_grid_both_ways():
    grid = list(np.geomspace(0.001, 100, 21))  # by 10^(1/4) ≈ 1.78
    assert within_one_step(5.0, grid[15], grid)  # 5 against 5.62
    assert within_one_step(grid[15], grid[16], grid)  # neighbours, in either order
    assert within_one_step(grid[16], grid[15], grid)
    assert not within_one_step(3.0, grid[15], grid)  # 5.62 / 3 = 1.87: more than a step
    assert not within_one_step(grid[14], grid[16], grid)


def test_grid_steps_smallest_and_largest_neighbour_factor():
    assert grid_steps([0.1, 0.5, 2.0, 8.0, 32.0]) == pytest.approx((4, 5))
    assert grid_steps([32.0, 0.1, 0.5]) == pytest.approx((5, 64))  # sorted first
    assert grid_steps([3.0]) == (1.0, 1.0)
