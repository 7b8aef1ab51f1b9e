"""Figure: GD trajectories over the contours of the cost in (bias, first weight)."""

import numpy as np
import torch

from gdlab.data import linreg_tensors, read_linreg_csv
from gdlab.io import read_json, setup_logging
from gdlab.linreg import add_bias, mse
from gdlab.plotting import figure

setup_logging(snakemake.log[0])
X, y = linreg_tensors(read_linreg_csv(snakemake.input.csv))
X1 = add_bias(X)
star = np.array(read_json(snakemake.input.closed_form)["theta"])
runs = sorted((read_json(p) for p in snakemake.input.runs), key=lambda r: r["lr"])
# The view: the converging trajectories, with a margin (a diverged one would
# stretch it to nothing); diverged paths are drawn clipped. With several features
# the cost is drawn on the slice through the optimum (other weights at θ*).
paths = [np.array(r["history"]["theta"])[:, :2] for r in runs]
shown = [p for r, p in zip(runs, paths) if not r["diverged"]] or [star[None, :2]]
finite = np.concatenate(shown)
lo, hi = finite.min(axis=0), finite.max(axis=0)
pad = 0.15 * (hi - lo) + 0.05 * (np.abs(star[:2]) + 1)
b = np.linspace(lo[0] - pad[0], hi[0] + pad[0], 120)
w = np.linspace(lo[1] - pad[1], hi[1] + pad[1], 120)
grid = np.empty((len(w), len(b)))
theta = torch.tensor(star)
for i, wi in enumerate(w):
    for j, bj in enumerate(b):
        theta[0], theta[1] = bj, wi
        grid[i, j] = float(mse(theta, X1, y))
with figure(snakemake.output.png, snakemake.params.style) as (fig, ax):
    ax.contour(b, w, grid, levels=np.geomspace(grid.min() + 1e-12, grid.max(), 25), colors="0.7", linewidths=0.6)
    for run, p in zip(runs, paths):
        ax.plot(p[:, 0], p[:, 1], ".-", ms=2, lw=0.8, label=f"lr={run['lr']:g}" + (" (diverged)" if run["diverged"] else ""))
    ax.plot(*star[:2], "k*", ms=10, label=r"closed form $\theta^*$")
    ax.set(xlim=(b[0], b[-1]), ylim=(w[0], w[-1]), xlabel=r"bias $\theta_0$", ylabel=r"weight $\theta_1$")
    ax.legend(fontsize=7, loc="best")
