"""Exercise 1 figures (linear regression). Each function draws one figure from result files."""

from __future__ import annotations

import numpy as np

from ..io import read_json
from ..linreg_data import read_rents, standardise
from ..plotting import above_rounding, epoch_log_axis, figure

ROUNDING = 4 * np.finfo(np.float64).eps  # an excess cost below this fraction of C* is C* to float64's precision


def _runs(inputs, lrs):
    """The runs of the GD job at the rates ``lrs``, in that order."""
    by_lr = {r["lr"]: r for r in read_json(inputs.gd)["runs"]}
    return [by_lr[lr] for lr in lrs]


def data(inputs, out, params):
    """The standardised data and the line of the closed form."""
    frame = read_rents(inputs.csv, params.feature, params.target)
    x, y = standardise(frame[params.feature].to_numpy(float)), standardise(frame[params.target].to_numpy(float))
    alpha, beta = read_json(inputs.closed_form)["a"]
    with figure(out, params.style, height=1.1) as (fig, ax):
        ax.scatter(x, y, s=9, alpha=0.6, label=f"{len(x)} flats")
        grid = np.array([x.min(), x.max()])
        ax.plot(grid, alpha + beta * grid, color="C3", label=f"closed form: ŷ = {alpha:.2g} + {beta:.4f} x")
        ax.set(xlabel=f"{params.feature} (standardised)", ylabel=f"{params.target} (standardised)")
        ax.legend()


def loss_curve(inputs, out, params):
    """The main run: the cost per epoch against the closed form's, and the distance to the closed form (log)."""
    (run,) = _runs(inputs, [params.lr])
    cf = read_json(inputs.closed_form)
    with figure(out, params.style, ncols=2) as (fig, (ax1, ax2)):
        draw_loss_curve(ax1, ax2, run["cost"], run["distance"], cf["cost"], run["lr"], np.linalg.norm(cf["a"]), cf["n"])


def draw_loss_curve(ax1, ax2, costs, distances, c_star, lr, scale, n):
    """Left: the cost per epoch against the closed form's C* and the start's cost (dashed), epochs on a log axis
    (epoch_log_axis: the descent is over in a few tens of epochs). Right: the distance to the closed form a* on a
    log axis, blank where it is below float64's rounding of a mean of n terms of size ``scale`` = ‖a*‖
    (above_rounding): there it is rounding, not the run."""
    ax1.plot(range(1, len(costs)), costs[1:], label="GD")
    ax1.axhline(costs[0], color="0.5", ls="--", lw=1, label="start (epoch 0)")  # epoch 0 has no place on the axis
    ax1.axhline(c_star, color="k", ls=":", lw=1.2, label="closed form")
    ax1.set(xlabel="epoch", ylabel="cost C", title=f"loss curve (η = {lr:g})")
    epoch_log_axis(ax1)
    ax1.legend(loc="center right")  # above the flat end of the curve, below the start
    ax2.semilogy(above_rounding(distances, scale, n))
    ax2.set(xlabel="epoch", ylabel=r"$\|a_t - a^*\|$", title="distance to the closed form\n(blank: below rounding)")


def draw_lr_study(fig, axes, runs, c_star, divergence_factor, zoom_epochs):
    """The excess cost C(a_t) − C(a*) per epoch of each run (dicts with lr and cost), on a log axis, drawn until
    it reaches C* to float64's precision (below, it is rounding, not the run), or until the cost passes
    divergence_factor × its start (the run has diverged; beyond, it would only stretch the axis): every epoch on the
    left of ``axes``, the first ``zoom_epochs`` on the right, where the rates near the limit part. Runs above
    η = 1 are dashed and thin over the thick solid ones: where two rates give the same curve, both show."""
    for i, r in enumerate(runs):
        cost = np.array(r["cost"])
        excess = cost - c_star
        excess[excess <= ROUNDING * c_star] = np.nan
        past = np.flatnonzero(cost > divergence_factor * cost[0])
        if len(past):
            excess[past[0] + 1:] = np.nan  # diverged: the line ends at the first epoch past the factor
        above = r["lr"] > 1
        drawn = np.flatnonzero(np.isfinite(excess))
        # At C* after an epoch or two: a marked, labelled dot or two, not a missing line.
        short = 0 < len(drawn) < 3 and drawn[-1] + 1 < len(excess)
        label = (f"η = {r['lr']:g}" + (f", C* from epoch {drawn[-1] + 1}" if short else "")
                 + (", diverged (×)" if len(past) else ""))
        for ax in axes:  # the same line on both panels
            ax.semilogy(np.arange(len(excess)), excess, label=label, color=f"C{i}",
                        marker="o" if short else None, ls="--" if above else "-",
                        lw=1.2 if above else 3.5, alpha=1 if above else 0.55)
            if len(past):  # a short line on a long axis: its end marked
                ax.plot(past[0], excess[past[0]], "x", color=f"C{i}", ms=8, mew=2)
    for ax in axes:
        ax.set(xlabel="epoch")
    axes[0].set_ylabel(r"excess cost $C(a_t) - C(a^*)$")
    axes[1].set(xlim=(-0.5, zoom_epochs + 1), title=f"the first {zoom_epochs} epochs")  # room for the last tick
    axes[0].set_title("every epoch")
    # Below both panels (the runs fill the axes); the figure leaves the bottom for it.
    fig.legend(*axes[0].get_legend_handles_labels(), ncols=3, loc="lower center", fontsize=8)


def lr_study(inputs, out, params):
    """Every rate of the study: the excess cost C − C* per epoch on a log axis, one line per rate, drawn until it
    reaches C* to float64's precision, or until its cost passes the divergence factor times its start."""
    with figure(out, params.style, ncols=2, height=1.4, sharey=True, rect=(0, 0.16, 1, 1)) as (fig, axes):
        draw_lr_study(fig, axes, _runs(inputs, params.lr_study), read_json(inputs.closed_form)["cost"],
                      params.divergence_factor, params.zoom_epochs)
