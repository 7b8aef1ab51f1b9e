"""Figure: MSE per epoch for every learning rate of the study, side by side."""

from gdlab.io import read_json, setup_logging
from gdlab.plotting import figure

setup_logging(snakemake.log[0])
runs = sorted((read_json(p) for p in snakemake.input.runs), key=lambda r: r["lr"])
with figure(snakemake.output.png, snakemake.params.style, ncols=len(runs), sharey=True) as (fig, axes):
    axes = axes if len(runs) > 1 else [axes]
    for ax, run in zip(axes, runs):
        h = run["history"]
        ax.semilogy(h["epoch"], h["loss"], color="C3" if run["diverged"] else "C0")
        ax.set_title(f"lr={run['lr']:g}" + ("\ndiverged" if run["diverged"] else ""), fontsize=8)
        ax.set_xlabel("epoch", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0].set_ylabel("MSE (log)")
