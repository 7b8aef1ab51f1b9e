"""Exercise 1 figures (linear regression). Each function draws one figure from result files."""

from __future__ import annotations

import numpy as np

from ..io import read_json
from ..plotting import figure

FLOOR = 1e-16  # cost differences below float64 resolution are drawn at this floor on log axes


def _runs(paths):
    return sorted((read_json(p) for p in paths), key=lambda r: r["lr"])


def convergence(inputs, out, params):
    """The main run: distance to the closed form (log) and the cost per epoch."""
    (run,) = _runs(inputs.gd)
    h = run["history"]
    j_star = read_json(inputs.closed_form)["loss"]
    with figure(out, params.style, ncols=2) as (fig, (ax1, ax2)):
        ax1.semilogy(h["epoch"], np.maximum(h["distance"], FLOOR))
        ax1.set(xlabel="epoch", ylabel=r"$\|\theta_t - \theta^*\|_2$", title="distance to the closed form")
        ax2.plot(h["epoch"], h["loss"], label=r"$J(\theta_t)$")
        ax2.axhline(j_star, color="k", ls=":", lw=1, label=r"$J(\theta^*)$")
        ax2.set(xlabel="epoch", ylabel="MSE", title=f"loss curve (η = {run['lr']:g})")
        ax2.legend(fontsize=8)


def lr_study(inputs, out, params):
    """Every rate of the study: the excess cost J − J* of the runs that did not diverge (log), and the
    cost of those that did, on their own axis (a diverged run would flatten the others)."""
    runs, j_star = _runs(inputs.lr_study), read_json(inputs.closed_form)["loss"]
    diverged = [r for r in runs if r["diverged"]]
    with figure(out, params.style, ncols=2 if diverged else 1, squeeze=False) as (fig, axes):
        ax = axes[0][0]
        for r in runs:
            if not r["diverged"]:
                h = r["history"]
                ax.semilogy(h["epoch"], np.maximum(np.array(h["loss"]) - j_star, FLOOR), label=f"η = {r['lr']:g}")
        ax.set(xlabel="epoch", ylabel=r"excess cost $J(\theta_t) - J(\theta^*)$", title="rates that do not diverge")
        ax.legend(fontsize=7)
        if diverged:
            ax = axes[0][1]
            for r in diverged:
                ax.semilogy(r["history"]["epoch"], r["history"]["loss"], color="C3", label=f"η = {r['lr']:g}")
            ax.set(xlabel="epoch", ylabel=r"cost $J(\theta_t)$", title="rates that diverge")
            ax.legend(fontsize=7)


def max_lr(inputs, out, params):
    """Runs just below and just above 2/λmax (distance to θ*, log), and every bisection probe."""
    mx = read_json(inputs.max_lr)
    with figure(out, params.style, ncols=2) as (fig, (ax1, ax2)):
        start = mx["showcase"][0]["distance"][0]
        for run in mx["showcase"]:
            d = np.maximum(run["distance"], FLOOR)
            (line,) = ax1.semilogy(run["epoch"], d, label=f"{run['factor']:g} × 2/λmax" + (" (diverged)" if run["diverged"] else ""))
            low = int(np.argmin(d))
            if 0 < low < len(d) - 1:  # it fell, then grew: mark the turning point
                ax1.plot(run["epoch"][low], d[low], "o", color=line.get_color(), ms=4)
        ax1.set_ylim(top=start * 1e3)  # a diverging run would otherwise stretch the axis to its stopping point
        ax1.set(xlabel="epoch", ylabel=r"$\|\theta_t - \theta^*\|_2$", title="around the limit")
        ax1.legend(fontsize=7)
        probes = mx["probes"]
        ax2.scatter(range(1, len(probes) + 1), [p["lr"] for p in probes],
                    c=["C3" if p["diverged"] else "C2" for p in probes], s=18)
        ax2.axhline(mx["theory"], color="k", lw=0.8, ls="--", label=r"theory $2/\lambda_{max}$")
        ax2.set(xlabel="probe", ylabel="learning rate", yscale="log", title="bisection (red: cost grew)")
        ax2.legend(fontsize=7)


def contours(inputs, out, params):
    """GD paths over the contours of J in the (bias, first weight) plane. J is quadratic, so its contours are
    drawn exactly from the Hessian H: J(θ) = J* + ½ (θ−θ*)ᵀ H (θ−θ*) (a slice through θ* with more features)."""
    closed = read_json(inputs.closed_form)
    star, H = np.array(closed["theta"]), np.array(closed["hessian"])
    runs = _runs(inputs.lr_study)
    paths = [np.array(r["history"]["theta"])[:, :2] for r in runs]
    # The view: the converging paths with a margin; a diverged path would stretch it to nothing.
    shown = np.concatenate([p for r, p in zip(runs, paths) if not r["diverged"]] or [star[None, :2]])
    # A diverged path is drawn only while it is still inside the view (the rest leaves it for good).
    lo, hi = shown.min(axis=0), shown.max(axis=0)
    pad = 0.15 * (hi - lo) + 0.05 * (np.abs(star[:2]) + 1)
    b = np.linspace(lo[0] - pad[0], hi[0] + pad[0], 200)
    w = np.linspace(lo[1] - pad[1], hi[1] + pad[1], 200)
    B, Wg = np.meshgrid(b - star[0], w - star[1])
    excess = 0.5 * (H[0, 0] * B**2 + 2 * H[0, 1] * B * Wg + H[1, 1] * Wg**2)
    with figure(out, params.style, height=1.2) as (fig, ax):
        ax.contour(b, w, excess, levels=np.geomspace(max(excess.min(), 1e-6), excess.max(), 20), colors="0.7",
                   linewidths=0.6)
        for run, p in zip(runs, paths):
            if run["diverged"]:
                inside = np.all((p >= [b[0], w[0]]) & (p <= [b[-1], w[-1]]), axis=1)
                p = p[: int(np.argmin(inside)) + 1] if not inside.all() else p
            ax.plot(p[:, 0], p[:, 1], ".-", ms=2, lw=0.8, label=f"η = {run['lr']:g}" + (" (diverged)" if run["diverged"] else ""))
        ax.plot(*star[:2], "k*", ms=10, label=r"closed form $\theta^*$")
        ax.set(xlim=(b[0], b[-1]), ylim=(w[0], w[-1]), xlabel=r"bias $\theta_0$", ylabel=r"weight $\theta_1$")
        ax.legend(fontsize=7, loc="best")


def conditioning(inputs, out, params):
    """How multiplying the feature by a constant changes κ, 2/λmax and the epochs GD needs."""
    rows = read_json(inputs.summary)["conditioning"]
    scales = [r["scale"] for r in rows]
    with figure(out, params.style, ncols=2) as (fig, (ax1, ax2)):
        ax1.loglog(scales, [r["condition_number"] for r in rows], "o-", label=r"condition number $\kappa$")
        ax1.loglog(scales, [r["max_lr"] for r in rows], "s-", label=r"largest rate $2/\lambda_{max}$")
        ax1.set(xlabel="feature multiplied by", ylabel=r"$\kappa$ and $2/\lambda_{max}$", title="curvature")
        ax1.legend(fontsize=7)
        reached = [(r["scale"], r["epochs_to_tol"]) for r in rows if r["epochs_to_tol"]]
        ax2.loglog([s for s, _ in reached], [e for _, e in reached], "o-")
        ax2.set(xlabel="feature multiplied by", ylabel="epochs", title=f"epochs to relative distance {rows[0]['tol']:g}")
