"""Exercise 3 figures (softmax regression on MNIST). Each function draws one figure from result files."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter

from ..grid import POINT, curves_of
from ..io import load_array_dir, load_arrays, read_json
from ..plotting import figure


def samples(inputs, out, params):
    """A seeded random sample of training digits with their labels."""
    data = load_array_dir(inputs.mnist)
    X, y = data["X_train"], data["y_train"]
    n, style = params.samples, params.style
    idx = np.random.default_rng(params.seed).choice(len(y), size=n, replace=False)
    cols = min(n, 12)
    rows = -(-n // cols)
    with figure(out, style, ncols=cols, nrows=rows, squeeze=False,
                height=1.25 * rows / cols * style["width_in"] / style["height_in"]) as (fig, axes):
        for ax in axes.flat:
            ax.axis("off")
        for ax, i in zip(axes.flat, idx):
            ax.imshow(X[i].reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(str(int(y[i])), fontsize=8)


def draw_runs(fig, axes, runs, title):
    """Runs of the course's test (3 d, 3 f) under ``title``, each (label, curves, colour[, markers]) with curves the
    training cost, training accuracy, test cost and test accuracy per epoch from epoch 0: the cost on a log scale
    (left) and the accuracy (right), the training images solid and the test images dashed. A run given markers (one
    for training, one for test) is drawn as those markers alone, over the lines of the others: a run that coincides
    with another still shows."""
    ax1, ax2 = axes
    for label, (train_cost, train_acc, test_cost, test_acc), color, *markers in runs:
        train = {"color": color, "marker": "o", "ms": 3}
        test = {**train, "ls": "--"}
        if markers:
            train, test = ({"color": color, "marker": m, "ms": 6, "ls": "none"} for m in markers[0])
        ax1.semilogy(train_cost, label=f"{label}, training", **train)
        ax1.semilogy(test_cost, label=f"{label}, test", **test)
        ax2.plot([100 * a for a in train_acc], **train)
        ax2.plot([100 * a for a in test_acc], **test)
    ax1.set(xlabel="epoch", ylabel="cost (log scale)")
    ax1.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))  # 0.5, 1, 2, 5, 10: more than the decades alone
    ax1.yaxis.set_major_formatter("{x:g}")
    ax1.yaxis.set_minor_formatter(NullFormatter())
    ax2.set(xlabel="epoch", ylabel="accuracy (%)")
    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax1.legend(fontsize=8, handlelength=4, frameon=True)  # long enough to show the dashes; framed over the grid
    fig.suptitle(title, fontsize=10)


def reference(inputs, out, params):
    """The course's test by hand (draw_runs) from the course's start and from small weights, as the notebook's 3 d
    draws it (the nn.Module's run, which follows the hand model's, is not drawn again)."""
    runs = {(r["impl"], r["init_std"]): r for r in (read_json(p) for p in inputs.reference)}
    s = read_json(inputs.summary)["reference"]
    keys = ("train_cost", "train_accuracy", "test_cost", "test_accuracy")
    shown = [(f"W = {'' if std == 1 else f'{std:g}·'}randn", [runs["hand", std][k] for k in keys], color)
             for std, color in ((s["course_std"], "C0"), (s["init_std"], "C2"))]
    with figure(out, params.style, ncols=2, height=1.3) as (fig, axes):
        draw_runs(fig, axes, shown, f"by hand: η = {s['lr']:g}, batch {s['nbatch']}, {s['nepochs']} epochs")


def curves_layout(n_batches: int) -> tuple[int, int]:
    """(rows, columns) of the study's panels: at most three in a row, so that each is wide enough to read at print
    size, and one spare panel for the legend where the last row has room."""
    cols = min(3, n_batches + 1)
    return -(-(n_batches + 1) // cols), cols


def draw_curves(fig, axes, curves, points):
    """The study's validation error (100 − accuracy, %) after every epoch from the first (curves: one row per run and
    epoch), one panel per batch size (``axes``: a grid, :func:`curves_layout`), one colour per rate: the mean over
    the seeds, and the range between them shaded. The error axis is logarithmic, so that the tenths of a point
    between the rates near the best and the falls of several points both show. Points where a seed ended unstable or
    diverged are left out, as from every comparison. The legend fills the spare panel that the layout keeps, and
    says what the lines and the shading are."""
    stable = points[points["seeds_unstable"] == 0]
    kept = curves[curves["epoch"] > 0].merge(stable[POINT], on=POINT)  # epoch 0 is the start, near 90 % error
    error = 100 * (1 - kept.groupby(["batch_size", "lr", "epoch"])["val_accuracy"].agg(["mean", "min", "max"]))
    rates, batches = sorted(curves["lr"].unique()), sorted(curves["batch_size"].unique())
    drawn = set(error.index.droplevel("epoch"))
    grid = np.atleast_2d(axes)
    panels, spare = list(grid.flat[:len(batches)]), list(grid.flat[len(batches):])
    for ax, batch in zip(panels, batches):
        for i, lr in enumerate(rates):
            if (batch, lr) in drawn:
                c = error.loc[(batch, lr)]
                ax.plot(c.index, c["mean"], color=f"C{i}", lw=1.2)
                ax.fill_between(c.index, c["max"], c["min"], color=f"C{i}", alpha=0.25, lw=0)
        ax.set(title=f"batch {batch}", yscale="log")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    for i, ax in enumerate(panels):  # the epochs under the lowest panel of each column
        if i + grid.shape[1] >= len(panels):
            ax.set_xlabel("epoch")
            ax.xaxis.set_tick_params(labelbottom=True)
    low, high = panels[0].get_ylim()  # shared by every panel
    ticks = [t for t in (3, 5, 7, 10, 15, 20, 30, 50, 70) if low <= t <= high]
    panels[0].set_yticks(ticks, [f"{t:g}" for t in ticks])
    panels[0].yaxis.set_minor_formatter(NullFormatter())
    for ax in grid[:, 0]:
        ax.set_ylabel("validation error (%, log)")
    # The legend says where a rate is left out: a note inside a panel would sit on the other curves.
    missing = {lr: [str(b) for b in batches if (b, lr) not in drawn] for lr in rates}
    labels = [f"η = {lr:g}" + (f"\n(left out at batch {', '.join(missing[lr])})" if missing[lr] else "") for lr in rates]
    handles = [Line2D([], [], color=f"C{i}", lw=1.2) for i in range(len(rates))]
    for ax in spare:
        ax.axis("off")
    seeds = curves["seed"].nunique()  # the figure says what it draws: a reader of the notebook has no caption
    spare[0].legend(handles, labels, loc="center", fontsize=8, title_fontsize=8,
                    title=f"line: the mean of {seeds} seeds\nshaded: their range")


def curves(inputs, out, params):
    """The study's validation error per epoch (draw_curves), from the points' files."""
    table = curves_of([read_json(f) for f in inputs.point_files])
    rows, cols = curves_layout(table["batch_size"].nunique())
    with figure(out, params.style, nrows=rows, ncols=cols, height=0.8 * rows, sharey=True, sharex=True,
                squeeze=False) as (fig, axes):
        draw_curves(fig, axes, table, pd.read_csv(inputs.points))


def draw_final_accuracy(ax, points):
    """The study at a glance: each point's validation accuracy at the end of its run (%) against its learning rate,
    one line per batch size (dark to light as the batch grows, not the rates' colours of the curves): the mean over
    the seeds, the bar their range. Points where a seed ended unstable or diverged are left out, as from every
    comparison; the axis spans only the points kept, so that tenths of a point between the best rates show."""
    stable = points[points["seeds_unstable"] == 0]
    rates, batches = sorted(points["lr"].unique()), sorted(points["batch_size"].unique())
    for i, batch in enumerate(batches):
        p = stable[stable["batch_size"] == batch].sort_values("lr")
        mean, low, high = (100 * p[c] for c in ("val_accuracy", "val_accuracy_min", "val_accuracy_max"))
        left_out = ", ".join(f"{r:g}" for r in sorted(set(rates) - set(p["lr"])))  # where a line stops, a seed failed
        ax.errorbar(p["lr"], mean, yerr=[mean - low, high - mean], marker="o", ms=3, lw=1.2, capsize=2,
                    color=plt.cm.viridis(0.85 * i / max(1, len(batches) - 1)),
                    label=f"batch {batch}" + (f" (η = {left_out} left out)" if left_out else ""))
    ax.set(xscale="log", xlabel="learning rate η", ylabel="validation accuracy (%)")
    ax.set_xticks(rates, [f"{r:g}" for r in rates])
    ax.minorticks_off()
    ax.legend(fontsize=8, ncols=2)


def final_accuracy(inputs, out, params):
    """The study's validation accuracy at the end of each run against the learning rate, one line per batch size
    (draw_final_accuracy), from the grid's points."""
    with figure(out, params.style, height=1.2) as (fig, ax):
        draw_final_accuracy(ax, pd.read_csv(inputs.points))


def draw_weights(fig, axes, W, quantile):
    """Each digit's weights (W: 10 × 784) as a 28 × 28 image, on one colour scale symmetric about 0 that ends at
    the ``quantile`` of |W|: the few larger weights print in its end colours, instead of fading all others."""
    W = np.asarray(W)
    limit = float(np.quantile(np.abs(W), quantile))
    for digit, ax in enumerate(axes.flat):
        image = ax.imshow(W[digit].reshape(28, 28), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(str(digit), fontsize=9)
        ax.axis("off")
    fig.colorbar(image, cax=fig.add_axes((0.86, 0.15, 0.02, 0.7)), label="weight", extend="both")  # no overlap


def weights(inputs, out, params):
    """The favourite's ten weight vectors as 28×28 images (draw_weights)."""
    with figure(out, params.style, ncols=5, nrows=2, height=1.0, rect=(0, 0, 0.84, 1)) as (fig, axes):
        draw_weights(fig, axes, load_arrays(inputs.favourite)["W"], params.weights_quantile)


def confusion(inputs, out, params):
    """The favourite's test-set confusion matrix (counts; the diagonal, the correct ones, in grey)."""
    conf = load_arrays(inputs.favourite)["confusion"]
    with figure(out, params.style, height=1.5) as (fig, ax):
        off = conf.astype(float)
        np.fill_diagonal(off, np.nan)
        im = ax.imshow(off, cmap="Reds")
        for i in range(10):
            for j in range(10):
                dark = i != j and im.norm(off[i, j]) > 0.6  # white text on the darkest cells
                ax.text(j, i, str(conf[i, j]), ha="center", va="center", fontsize=8,
                        color="0.45" if i == j else "w" if dark else "k")
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set(xlabel="predicted digit", ylabel="true digit")
        ax.grid(False)
        fig.colorbar(im, ax=ax, shrink=0.8, label="mistakes")
