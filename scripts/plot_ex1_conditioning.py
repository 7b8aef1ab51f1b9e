"""Figure: how scaling the feature changes the condition number, 2/λmax and the epochs GD needs."""

from gdlab.io import read_json, setup_logging
from gdlab.plotting import figure

setup_logging(snakemake.log[0])
rows = read_json(snakemake.input.summary)["conditioning"]
scales = [r["scale"] for r in rows]
with figure(snakemake.output.png, snakemake.params.style, ncols=2) as (fig, (ax1, ax2)):
    ax1.loglog(scales, [r["condition_number"] for r in rows], "o-", label=r"condition number $\kappa$")
    ax1.loglog(scales, [r["max_lr"] for r in rows], "s-", label=r"$2/\lambda_{max}$")
    ax1.set(xlabel="feature scale", title="curvature")
    ax1.legend(fontsize=7)
    reached = [(r["scale"], r["epochs_to_tol"]) for r in rows if r["epochs_to_tol"]]
    ax2.loglog([s for s, _ in reached], [e for _, e in reached], "o-")
    ax2.set(xlabel="feature scale", ylabel="epochs", title=f"epochs to relative distance {rows[0]['tol']:g}")
