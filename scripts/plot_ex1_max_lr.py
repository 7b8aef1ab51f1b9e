"""Figure: runs just below and just above 2/λmax, and the bisection probes."""

from gdlab.io import read_json, setup_logging
from gdlab.plotting import figure

setup_logging(snakemake.log[0])
mx = read_json(snakemake.input.max_lr)
with figure(snakemake.output.png, snakemake.params.style, ncols=2) as (fig, (ax1, ax2)):
    for run in mx["showcase"]:
        label = f"{run['factor']:g}×theory (lr={run['lr']:.4g})" + (", diverged" if run["diverged"] else "")
        ax1.semilogy(run["epoch"], run["distance"], label=label)
    ax1.set(xlabel="epoch", ylabel=r"$\|\theta_t - \theta^*\|_2$", title="around the limit")
    ax1.legend(fontsize=7)
    probes = mx["probes"]
    ax2.scatter(range(1, len(probes) + 1), [p["lr"] for p in probes],
                c=["C3" if p["diverged"] else "C2" for p in probes], s=18)
    ax2.axhline(mx["theory"], color="k", lw=0.8, ls="--", label=r"theory $2/\lambda_{max}$")
    ax2.set(xlabel="probe", ylabel="learning rate", yscale="log", title="bisection (red: diverged)")
    ax2.legend(fontsize=7)
