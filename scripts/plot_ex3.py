"""Exercise 3 figures, one per job (wildcard ``figure``): they read results only."""

import numpy as np
import pandas as pd

from gdlab.data import load_tensors
from gdlab.grid import POINT, final_rows, over_seeds
from gdlab.io import read_json, setup_logging
from gdlab.plotting import figure

setup_logging(snakemake.log[0])
style, which, out = snakemake.params.style, snakemake.wildcards.figure, snakemake.output.png


def band(ax, x, mean, std, n_seeds, **kw):
    """A mean line, with a ±1 standard deviation band when more than one seed ran."""
    (line,) = ax.plot(x, mean, **kw)
    if n_seeds.max() > 1:
        ax.fill_between(x, mean - std, mean + std, color=line.get_color(), alpha=0.2, lw=0)


def per_epoch(grid):
    """Mean and spread over seeds at every epoch of every grid point."""
    return over_seeds(grid, ["val_accuracy", "seconds"], by=[*POINT, "epoch"])


def seeds_note(grid):
    n = grid["seed"].nunique()
    return f" (mean ± sd over {n} seeds)" if n > 1 else ""


def reference():
    runs = {"hand gradient": read_json(snakemake.input.manual), "nn.Module + autograd": read_json(snakemake.input.module)}
    with figure(out, style, ncols=2) as (fig, (ax1, ax2)):
        for (name, r), ls in zip(runs.items(), ["-", "--"]):
            h = r["history"]
            ax1.plot(h["epoch"], h["loss"], ls, label=name)
            ax2.plot(h["epoch"], h["val_accuracy"], ls, label=name)
        ax1.set(xlabel="epoch", ylabel="training cost", title="cost")
        ax2.set(xlabel="epoch", ylabel="validation accuracy", title="accuracy")
        ax1.legend(fontsize=7)


def learning_curves():
    grid = pd.read_csv(snakemake.input.grid)
    curves, bss = per_epoch(grid), sorted(grid["batch_size"].unique())
    with figure(out, style, ncols=len(bss), sharey=True, squeeze=False) as (fig, axes):
        for ax, bs in zip(axes[0], bss):
            for lr, g in curves[curves["batch_size"] == bs].groupby("lr"):
                band(ax, g["epoch"], g["val_accuracy"], g["val_accuracy_std"], g["n_seeds"],
                     label=f"lr={lr:g}" + (" (div.)" if g["diverged"].any() else ""))
            ax.set_title(f"batch {bs}", fontsize=8)
            ax.set_xlabel("epoch", fontsize=8)
            ax.set_ylim(0.8, 0.94)
            ax.tick_params(labelsize=7)
        axes[0][0].set_ylabel("validation accuracy" + seeds_note(grid))
        axes[0][-1].legend(fontsize=6)


def heatmap():
    grid = pd.read_csv(snakemake.input.grid)
    f = over_seeds(final_rows(grid), ["val_accuracy"])
    table = f.pivot(index="lr", columns="batch_size", values="val_accuracy").sort_index()
    spread = f.pivot(index="lr", columns="batch_size", values="val_accuracy_std").sort_index()
    div = f.pivot(index="lr", columns="batch_size", values="diverged").sort_index()
    several = f["n_seeds"].max() > 1
    with figure(out, style) as (fig, ax):
        # Diverged points are left blank: their last accuracy is not a result to colour by.
        im = ax.imshow(table.where(~div.astype(bool)).to_numpy(dtype=float), cmap="viridis", aspect="auto",
                       origin="lower")
        for i in range(table.shape[0]):
            for j in range(table.shape[1]):
                text = f"{100 * table.iloc[i, j]:.1f}" + (f"\n±{100 * spread.iloc[i, j]:.2f}" if several else "")
                ax.text(j, i, "diverged" if div.iloc[i, j] else text, ha="center", va="center",
                        color="k" if div.iloc[i, j] else "w", fontsize=7)
        ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns])
        ax.set_yticks(range(table.shape[0]), [f"{v:g}" for v in table.index])
        ax.set(xlabel="batch size", ylabel="learning rate")
        ax.set_title("validation accuracy (%) after the last epoch" + seeds_note(grid), fontsize=9)
        ax.grid(False)
        fig.colorbar(im, ax=ax)


def acc_vs_time():
    grid = pd.read_csv(snakemake.input.grid)
    curves = per_epoch(grid)
    with figure(out, style) as (fig, ax):
        for (lr, bs), g in curves.groupby(POINT):
            g = g[g["epoch"] > 0]
            band(ax, g["seconds"], g["val_accuracy"], g["val_accuracy_std"], g["n_seeds"],
                 marker="o", ms=2, lw=0.8, label=f"lr={lr:g}, bs={bs}")
        ax.set(xlabel="training wall-clock seconds", ylabel="validation accuracy" + seeds_note(grid), xscale="log",
               ylim=(0.8, 0.94))
        ax.legend(fontsize=5, ncol=2)


def weights():
    W = load_tensors(snakemake.input.model)["W"].numpy()
    lim = np.abs(W).max()
    with figure(out, style, ncols=5, nrows=2) as (fig, axes):
        for k, ax in enumerate(axes.flat):
            ax.imshow(W[:, k].reshape(28, 28), cmap="RdBu_r", vmin=-lim, vmax=lim)
            ax.set_title(str(k), fontsize=8)
            ax.axis("off")


def confusion():
    conf = load_tensors(snakemake.input.model)["confusion"].numpy()
    with figure(out, style) as (fig, ax):
        off = conf.astype(float)
        np.fill_diagonal(off, np.nan)
        ax.imshow(off, cmap="Reds")
        for i in range(10):
            for j in range(10):
                ax.text(j, i, str(conf[i, j]), ha="center", va="center", fontsize=5)
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set(xlabel="predicted", ylabel="true", title="test-set confusion matrix (favourite)")
        ax.grid(False)


{"reference": reference, "learning_curves": learning_curves, "heatmap": heatmap, "acc_vs_time": acc_vs_time,
 "weights": weights, "confusion": confusion}[which]()
