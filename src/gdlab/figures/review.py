"""Exercises 4 and 6 figures. Each function draws one figure from result files (and, for the calculus, from
the numeric functions that the sympy results are checked against)."""

from __future__ import annotations

import numpy as np

from ..calculus import c1, c1_second, sigmoid, sigmoid_prime, softplus
from ..io import read_json
from ..plotting import figure


def draw_overfit(ax1, ax2, runs):
    """The test cost (left) and the test error (right) per epoch of each run (dicts with label_noise, test_cost,
    test_accuracy), from the end of the first tenth of the epochs on; a dot marks each curve's lowest point."""
    # The first tenth is left out, and the axis says so: its steep fall would flatten the rise after the lowest point.
    start = len(runs[0]["test_cost"]) // 10
    for k, r in enumerate(runs):
        label = "true labels" if r["label_noise"] == 0 else f"labels {r['label_noise']:.0%} random"
        epochs = np.arange(len(r["test_cost"]))
        error = 100 * (1 - np.array(r["test_accuracy"]))
        for ax, y in ((ax1, np.array(r["test_cost"])), (ax2, error)):
            ax.plot(epochs[start:], y[start:], color=f"C{k}", label=label)
            low = start + int(np.argmin(y[start:]))
            ax.plot(epochs[low], y[low], "o", color=f"C{k}", ms=5)
    for ax, what in ((ax1, "test cost (cross-entropy)"), (ax2, "test error (%)")):
        ax.set(xlabel=f"epoch (from {start})", ylabel=what)
    # Below both panels, centred (inside, it would cover a curve); the figure leaves the bottom for it.
    ax1.figure.legend(*ax1.get_legend_handles_labels(), loc="lower center", ncols=2)


def overfit(inputs, out, params):
    """Overfitting on a small training set: the test cost (left) and the test error (right) per epoch, with the true
    labels and with a share of them replaced by random ones; dots mark each curve's lowest point."""
    # The first seed's run of each share: the one the answer describes and the notebook draws.
    runs = sorted((read_json(p)["runs"][0] for p in inputs.overfit), key=lambda r: r["label_noise"])
    with figure(out, params.style, ncols=2, height=1.15, rect=(0, 0.1, 1, 1)) as (fig, (ax1, ax2)):
        draw_overfit(ax1, ax2, runs)


def draw_data_size(ax, rows, epochs):
    """The training cost after ``epochs`` and after half of them, and the test cost, against the training-set size
    (dicts with n_train, final_train_cost, half_train_cost, final_test_cost)."""
    n = [r["n_train"] for r in rows]
    ax.plot(n, [r["final_train_cost"] for r in rows], "o-", label=f"training cost after {epochs} epochs")
    ax.plot(n, [r["half_train_cost"] for r in rows], "o:", color="C0", alpha=0.5,
            label=f"training cost after {epochs // 2} epochs")
    ax.plot(n, [r["final_test_cost"] for r in rows], "s--", label=f"test cost after {epochs} epochs")
    top = max(max(r["final_test_cost"], r["half_train_cost"]) for r in rows)
    # A decade above the data: the legend's own band, so that it covers no curve.
    ax.set(xlabel="training images", ylabel="mean cross-entropy", xscale="log", yscale="log", ylim=(None, 10 * top))
    ax.legend(loc="upper right", frameon=True, framealpha=1)


def data_size(inputs, out, params):
    """Training and test cost after a fixed budget of full-batch epochs against the training-set size."""
    d = read_json(inputs.summary)["data_size"]
    with figure(out, params.style) as (fig, ax):
        draw_data_size(ax, d["runs"], d["epochs"])


def draw_sigmoid(ax):
    """σ and σ′ on [−8, 8], drawn with sigmoid and sigmoid_prime."""
    zs = np.linspace(-8, 8, 401)
    ax.plot(zs, sigmoid(zs), label=r"$\sigma(z)$")
    # Dashed: for z ≪ 0, σ′ = σ(1 − σ) ≈ σ and the two curves lie on each other.
    ax.plot(zs, sigmoid_prime(zs), "--", label=r"$\sigma'(z) = \sigma(z)(1-\sigma(z))$")
    ax.set(xlabel="z", ylabel=r"$\sigma(z)$, $\sigma'(z)$")
    ax.legend(frameon=True, framealpha=1)


def sigmoid_plot(inputs, out, params):
    """Part d: σ and σ′ from gdlab.calculus.sigmoid / sigmoid_prime (numpy, element-wise)."""
    with figure(out, params.style) as (fig, ax):
        draw_sigmoid(ax)


def draw_softplus(ax):
    """ζ with its two asymptotes, y = 0 on the left and y = z on the right, drawn over it (dashed) so both show."""
    zs = np.linspace(-6, 6, 401)
    ax.plot(zs, softplus(zs), color="C0", lw=3, alpha=0.6, label=r"$\zeta(z) = \log(1+e^z)$")
    ax.plot(zs, zs, color="C3", ls="--", lw=1.2, label=r"asymptote $y = z$ ($z\to+\infty$)")
    ax.axhline(0, color="C2", ls="--", lw=1.2, label=r"asymptote $y = 0$ ($z\to-\infty$)")
    ax.set(xlabel="z", ylabel="y", ylim=(-1, 6.5))
    ax.legend(loc="upper left", frameon=True, framealpha=1)


def softplus_plot(inputs, out, params):
    """Part c: ζ with its two asymptotes, y = 0 on the left and y = z on the right."""
    with figure(out, params.style) as (fig, ax):
        draw_softplus(ax)


def draw_c1(ax1, ax2, paths):
    """Left: c₁ and c₁″, shaded where c₁″ < 0, with a dot at each start; right: c₁ along GD from each start
    (``paths``: dicts with start and the c1 values per step)."""
    xs = np.linspace(-8, 6, 401)
    ax1.plot(xs, c1(xs), label=r"$c_1$")
    ax1.plot(xs, c1_second(xs), label=r"$c_1''$")
    ax1.axhline(0, color="k", lw=0.6)
    ax1.axvline(-np.log(2), color="k", ls=":", lw=0.8, label=r"$x = -\log 2$")
    ax1.fill_between(xs, -0.2, 1.05, where=c1_second(xs) < 0, color="C3", alpha=0.1, label="concave")
    for k, p in enumerate(paths):
        ax1.plot(p["start"], c1(p["start"]), "o", color=f"C{k + 2}", ms=5)
    ax1.set(xlabel="x", ylabel=r"$c_1(x)$, $c_1''(x)$", ylim=(-0.2, 1.05), title=r"$c_1$ and $c_1''$")
    # Below the panel (c₁ fills it), at the figure's text size: a subscript prints at 0.7 of it, 7 pt.
    ax1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    widths = np.linspace(3.6, 1.2, len(paths))  # thick and pale under thin: runs near 1 lie on each other
    for k, (p, lw) in enumerate(zip(paths, widths)):
        ax2.plot(range(len(p["c1"])), p["c1"], color=f"C{k + 2}", lw=lw, alpha=0.7,
                 label=f"start x = {p['start']:g}")
    ax2.set(xlabel="GD step", ylabel=r"$c_1(x_t)$", title="GD from each start")
    ax2.legend(loc="center right", frameon=True, framealpha=1)


def c1_plot(inputs, out, params):
    """Part f: c₁ and c₁″ (shaded where c₁″ < 0), and GD on c₁ from several starts."""
    with figure(out, params.style, ncols=2, height=1.3) as (fig, (ax1, ax2)):
        draw_c1(ax1, ax2, read_json(inputs.calculus)["c1_descent"])
