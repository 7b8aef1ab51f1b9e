"""Figure: distance to the closed form (log scale) and the MSE per epoch of the main GD run."""

from gdlab.io import read_json, setup_logging
from gdlab.plotting import figure

setup_logging(snakemake.log[0])
run = read_json(snakemake.input.gd)
h = run["history"]
with figure(snakemake.output.png, snakemake.params.style, ncols=2) as (fig, (ax1, ax2)):
    ax1.semilogy(h["epoch"], h["distance"])
    ax1.set(xlabel="epoch", ylabel=r"$\|\theta_t - \theta^*\|_2$", title="distance to the closed form")
    ax2.plot(h["epoch"], h["loss"])
    ax2.set(xlabel="epoch", ylabel="MSE", title=f"training cost (lr = {run['lr']:g})", yscale="log")
