"""Exercise 3 figures (softmax regression on MNIST). Each function draws one figure from result files."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from ..grid import POINT
from ..io import load_array_dir, load_arrays, read_json
from ..plotting import figure

MARKERS = "os^Dvp*h"


def _seeds_note(settings: pd.DataFrame) -> str:
    n = int(settings["n_seeds"].max())
    return f" (mean of {n} seeds, band ±1 sd)" if n > 1 else ""


def samples(inputs, out, params):
    """A seeded random sample of training digits with their labels (the pixels the model sees, un-standardised)."""
    data = load_array_dir(inputs.mnist)
    X, y, mean, std = data["X_train"], data["y_train"], float(data["mean"]), float(data["std"])
    n, style = params.samples, params.style
    idx = np.random.default_rng(params.seed).choice(len(y), size=n, replace=False)
    cols = min(n, 12)
    rows = -(-n // cols)
    with figure(out, style, ncols=cols, nrows=rows, squeeze=False,
                height=1.25 * rows / cols * style["width_in"] / style["height_in"]) as (fig, axes):
        for ax in axes.flat:
            ax.axis("off")
        for ax, i in zip(axes.flat, idx):
            ax.imshow((X[i] * std + mean).reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(str(int(y[i])), fontsize=8)


def reference(inputs, out, params):
    """The reference run by hand and with autograd: training cost and validation accuracy per epoch."""
    runs = [read_json(p) for p in inputs.reference]
    labels = {"hand": "hand gradient", "module": "nn.Module + autograd"}
    with figure(out, params.style, ncols=2) as (fig, (ax1, ax2)):
        for r, ls in zip(runs, ["-", "--"]):
            h = r["history"]
            ax1.plot(h["epoch"], h["loss"], ls, marker="o", ms=3, label=labels[r["impl"]])
            ax2.plot(h["epoch"][1:], 100 * np.array(h["val_accuracy"][1:]), ls, marker="o", ms=3, label=labels[r["impl"]])
        ax1.set(xlabel="epoch", ylabel="training cost", title="cost")
        ax2.set(xlabel="epoch", ylabel="validation accuracy (%)", title="accuracy")
        for ax in (ax1, ax2):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax1.legend(fontsize=7)


def learning_curves(inputs, out, params):
    """Validation accuracy per epoch, one panel per batch size, one line per learning rate (grid settings)."""
    settings, epochs = _grid(inputs)
    per_epoch = (epochs.groupby([*POINT, "epoch"])["val_accuracy"].agg(["mean", "std"]).fillna(0.0).reset_index())
    bss, lrs = sorted(settings["batch_size"].unique()), sorted(settings["lr"].unique())
    # The axis shows where the rates that work are compared; a curve that drops lower leaves it (see its table).
    calm = per_epoch.merge(settings[[*POINT, "outcome"]])
    calm = calm[(calm["outcome"] != "diverged") & (calm["epoch"] > 1) & (calm["lr"] < calm["lr"].max())]
    floor = 100 * calm["mean"].min() - 1
    with figure(out, params.style, ncols=len(bss), sharey=True, squeeze=False, height=1.1) as (fig, axes):
        for ax, bs in zip(axes[0], bss):
            for k, lr in enumerate(lrs):
                g = per_epoch[(per_epoch["batch_size"] == bs) & (per_epoch["lr"] == lr) & (per_epoch["epoch"] > 0)]
                div = bool(settings[(settings["batch_size"] == bs) & (settings["lr"] == lr)]["diverged"].any())
                m, s = 100 * g["mean"].to_numpy(), 100 * g["std"].to_numpy()
                (line,) = ax.plot(g["epoch"], m, color=f"C{k}", marker=MARKERS[k], ms=3, lw=1,
                                  ls=":" if div else "-", label=f"η = {lr:g}" + (" (diverged)" if div else ""))
                ax.fill_between(g["epoch"], m - s, m + s, color=line.get_color(), alpha=0.12, lw=0)
            ax.set_title(f"batch {bs}", fontsize=9)
            ax.set_xlabel("epoch", fontsize=8)
            ax.set_ylim(bottom=floor, top=93)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.tick_params(labelsize=7)
        axes[0][0].set_ylabel("validation accuracy (%)" + _seeds_note(settings), fontsize=8)
        axes[0][-1].legend(fontsize=6, loc="lower right")


def heatmap(inputs, out, params):
    """Validation accuracy (%) over the grid: mean of the last epochs and of the seeds, with the spread."""
    settings, _ = _grid(inputs)
    table = settings.pivot(index="lr", columns="batch_size", values="val_accuracy").sort_index()
    spread = settings.pivot(index="lr", columns="batch_size", values="val_accuracy_std").sort_index()
    div = settings.pivot(index="lr", columns="batch_size", values="diverged").sort_index().astype(bool)
    several = settings["n_seeds"].max() > 1
    with figure(out, params.style, height=1.2) as (fig, ax):
        # Diverged points are left blank: their last accuracy is not a result to colour by.
        im = ax.imshow(100 * table.where(~div).to_numpy(dtype=float), cmap="viridis", aspect="auto", origin="lower")
        for i in range(table.shape[0]):
            for j in range(table.shape[1]):
                text = f"{100 * table.iloc[i, j]:.2f}" + (f"\n± {100 * spread.iloc[i, j]:.2f}" if several else "")
                shade = im.cmap(im.norm(100 * table.iloc[i, j]))
                light = 0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2] > 0.5  # a light cell: dark text
                ax.text(j, i, "diverged" if div.iloc[i, j] else text, ha="center", va="center",
                        color="k" if div.iloc[i, j] or light else "w", fontsize=9)
        ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns])
        ax.set_yticks(range(table.shape[0]), [f"{v:g}" for v in table.index])
        ax.set(xlabel="batch size", ylabel="learning rate")
        ax.grid(False)
        fig.colorbar(im, ax=ax, label="validation accuracy (%)")


def frontier(inputs, out, params):
    """Mean validation accuracy against training time (epochs × the isolated time of an epoch) for every grid
    point and candidate, with the frontier: the settings no other beats in both accuracy and time."""
    s = read_json(inputs.summary)
    pts = pd.DataFrame(s["grid"] + s["candidates"])
    pts = pts[~pts["diverged"]]
    lrs = sorted(pts["lr"].unique())
    bss = sorted(pts["batch_size"].unique())
    with figure(out, params.style, height=1.2) as (fig, ax):
        for r in pts.itertuples():
            candidate = r.schedule != "constant" or r.epochs != s["grid_epochs"]
            ax.errorbar(r.seconds, 100 * r.val_accuracy, yerr=100 * r.val_accuracy_std, fmt=MARKERS[bss.index(r.batch_size)],
                        color=f"C{lrs.index(r.lr)}", ms=7 if candidate else 5, mfc="none" if candidate else None,
                        capsize=2, lw=0.8)
        front = pts.sort_values(["seconds", "val_accuracy"], ascending=[True, False])
        front = front[front["val_accuracy"] > front["val_accuracy"].cummax().shift(fill_value=-1)]
        ax.plot(front["seconds"], 100 * front["val_accuracy"], "k--", lw=0.8, label="frontier")
        fav = s["favourite"]
        ax.plot(fav["seconds"], 100 * fav["val_accuracy"], "*", color="gold", mec="k", ms=14, label="favourite")
        for k, lr in enumerate(lrs):
            ax.plot([], [], "s", color=f"C{k}", label=f"η = {lr:g}")
        for k, bs in enumerate(bss):
            ax.plot([], [], MARKERS[k], color="0.4", label=f"batch {bs}")
        ax.plot([], [], "o", mfc="none", color="0.4", label="candidate (open)")
        lo = 100 * (pts["val_accuracy"] - pts["val_accuracy_std"]).min()
        hi = 100 * (pts["val_accuracy"] + pts["val_accuracy_std"]).max()
        ax.set(xscale="log", xlabel=f"training time (s): epochs × isolated epoch time, {s['timing']['threads']} thread",
               ylabel="validation accuracy (%)", ylim=(lo - 1, hi + 0.5))
        ax.legend(fontsize=6, ncol=2, loc="lower right")


def weights(inputs, out, params):
    """The favourite's ten weight vectors as 28×28 images (red: evidence for the class, blue: against)."""
    W = load_arrays(inputs.favourite)["W"]
    lim = np.abs(W).max()
    with figure(out, params.style, ncols=5, nrows=2) as (fig, axes):
        for k, ax in enumerate(axes.flat):
            ax.imshow(W[:, k].reshape(28, 28), cmap="RdBu_r", vmin=-lim, vmax=lim)
            ax.set_title(str(k), fontsize=9)
            ax.axis("off")


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


def _grid(inputs):
    """The grid settings (from the summary) and the per-epoch table restricted to them."""
    s = read_json(inputs.summary)
    settings = pd.DataFrame(s["grid"])
    epochs = pd.read_csv(inputs.epochs).merge(settings[["impl", "schedule", *POINT, "epochs"]])
    return settings, epochs
