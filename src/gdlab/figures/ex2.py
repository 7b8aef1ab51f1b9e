"""Exercise 2 figures (logistic regression on the spine data). Each function draws one figure from result files."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter

from ..io import read_json
from ..plotting import above_rounding, epoch_log_axis, figure


def draw_training(ax1, ax2, costs, accuracies, lr):
    """A run's cost (left) and accuracy (right) per epoch from epoch 1, on all patients (epoch_log_axis), each with
    its value at the start (epoch 0, dashed), which has no place on the axis."""
    ax1.plot(range(1, len(costs)), costs[1:])
    ax1.set(xlabel="epoch", ylabel="cross-entropy", title=f"loss curve (η = {lr:g})")
    ax2.plot(range(1, len(accuracies)), accuracies[1:], color="C1")
    ax2.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for ax, values in ((ax1, costs), (ax2, accuracies)):
        ax.axhline(values[0], color="0.5", ls="--", lw=1, label="start (epoch 0)")
        ax.legend(loc="best")
        epoch_log_axis(ax)


def training(inputs, out, params):
    """The main run (draw_training)."""
    run = next(r for r in read_json(inputs.gd)["runs"] if r["lr"] == params.lr)
    with figure(out, params.style, ncols=2) as (fig, (ax1, ax2)):
        draw_training(ax1, ax2, run["cost"], run["accuracy"], run["lr"])


def draw_lr_study(fig, axes, runs, c_min, bound, n, last=10):
    """The learning-rate study (runs: (lr, costs per epoch) pairs). Left: the cost above the minimum c_min per epoch,
    both axes logarithmic (epoch_log_axis, from epoch 1), so that slow rates and oscillating ones stay apart; dashed
    above the bound 2/L, dotted the start; blank where the difference is below float64's rounding of a mean of n
    terms (above_rounding). Above the bound a run's even and odd epochs are drawn as two lines, not as a zig-zag
    band; a run above the bound that never reaches the minimum (it ends in a 2-cycle) only on the right.
    Right: the cost itself over the ``last`` epochs of those runs, where a 2-cycle's two values show."""
    ax, tail = axes
    for i, (lr, costs) in enumerate(runs):
        excess = above_rounding(np.array(costs) - c_min, c_min, n)
        excess[0] = np.nan  # epoch 0 has no place on the log axis: the start is the dotted line
        epoch, step = np.arange(len(excess)), 2 if lr > bound else 1
        cycles = lr > bound and np.isfinite(excess[-1])  # still above the minimum at the end: the right panel's
        for k in range(0 if cycles else step):
            ax.semilogy(epoch[k::step], excess[k::step], color=f"C{i}", label=None if k else f"η = {lr:g}",
                      ls="--" if step == 2 else "-")
        if cycles:
            tail.plot(np.arange(len(costs))[-last:], costs[-last:], "o-", ms=3, lw=0.8, color=f"C{i}",
                      label=f"η = {lr:g} (right)")
    ax.axhline(runs[0][1][0] - c_min, color="k", ls=":", lw=1, label="at the start", zorder=3)
    ax.set(xlabel="epoch", ylabel="cost − the minimum")
    epoch_log_axis(ax)
    tail.axhline(c_min, color="k", ls="-.", lw=0.8, label="the minimum (right)", zorder=3)  # over the dots that reach it
    tail.set(xlabel="epoch", ylabel="cost", title=f"last {last} epochs")
    tail.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    # Below the panels (inside, it would cover curves); the figure leaves the bottom for it.
    (handles, labels), (tail_handles, tail_labels) = ax.get_legend_handles_labels(), tail.get_legend_handles_labels()
    fig.legend(handles + tail_handles, labels + tail_labels, loc="lower center", ncols=4, fontsize=8, title_fontsize=8,
               title="dashed: η > 2/L, even and odd epochs drawn apart (one line where they coincide)")


def lr_study(inputs, out, params):
    """Every rate of the study (draw_lr_study), against the L-BFGS minimum and the bound 2/L."""
    s = read_json(inputs.summary)
    runs = [(r["lr"], r["cost"]) for r in read_json(inputs.gd)["runs"] if r["lr"] in params.lr_study]
    with figure(out, params.style, ncols=2, height=1.7, gridspec_kw={"width_ratios": (2, 1)},
                rect=(0, 0.1, 1, 1)) as (fig, axes):
        draw_lr_study(fig, axes, runs, s["optimum"]["cost"], s["max_lr"]["theory"], s["data"]["n"])


def draw_lr_range(ax, probes, bound, epochs):
    """The range test (the probes of lr_range_test): the cost after ``epochs`` epochs against the rate,
    both axes logarithmic, circled where the cost fell at every epoch; dashed, the bound 2/L."""
    ok = [p for p in probes if p["finite"]]
    ax.loglog([p["lr"] for p in ok], [p["final_cost"] for p in ok], "o-", ms=3, label=f"cost after {epochs} epochs")
    falls = [p for p in ok if p["monotone"]]
    ax.loglog([p["lr"] for p in falls], [p["final_cost"] for p in falls], "o", ms=6, mfc="none", color="C2",
              label="fell at every epoch")
    ax.axvline(bound, color="k", ls="--", lw=0.8, label="bound 2/L")
    ax.set(xlabel="learning rate η", ylabel="training cost")
    ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 3, 5)))  # the costs span one decade: more than its ends
    ax.yaxis.set_major_formatter("{x:g}")  # 0.5, not 5×10⁻¹
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.legend()


def lr_range(inputs, out, params):
    """The range test (draw_lr_range), as the notebook draws it."""
    rng = read_json(inputs.lr_range)
    with figure(out, params.style, height=1.2) as (fig, ax):
        draw_lr_range(ax, rng["probes"], rng["theory_max_lr"], rng["epochs"])


def weights(inputs, out, params):
    """The weights of the model without the redundant feature, on the standardised features, largest first."""
    s = read_json(inputs.summary)
    ranking = s["feature_ranking"]
    with figure(out, params.style, height=1.3) as (fig, ax):
        # Red positive, blue negative: the colours of the MNIST weights of Exercise 3.
        ax.barh([r["feature"] for r in ranking][::-1], [r["weight"] for r in ranking][::-1],
                color=["C0" if r["weight"] < 0 else "C3" for r in ranking][::-1])
        # Two lines: on one, the label runs past the figure's right edge.
        ax.set(xlabel=f"weight: the change in log-odds of {s['data']['positive_class']}\nper standard deviation of the feature")
        ax.tick_params(axis="y", labelsize=9)
