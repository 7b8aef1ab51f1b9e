"""Exercise 2 figures, one per job (wildcard ``figure``): they read results only."""

from gdlab.io import read_json, setup_logging
from gdlab.plotting import figure

setup_logging(snakemake.log[0])
style, which, out = snakemake.params.style, snakemake.wildcards.figure, snakemake.output.png


def training():
    h = read_json(snakemake.input.gd)["history"]
    with figure(out, style, ncols=2) as (fig, (ax1, ax2)):
        ax1.plot(h["epoch"], h["loss"], label="training")
        ax1.plot(h["epoch"], h["test_cost"], label="held-out")
        ax1.set(xlabel="epoch", ylabel="mean cross-entropy", xscale="log", title="cost")
        ax1.legend(fontsize=7)
        ax2.plot(h["epoch"], h["train_accuracy"], label="training")
        ax2.plot(h["epoch"], h["test_accuracy"], label="held-out")
        ax2.set(xlabel="epoch", ylabel="accuracy", xscale="log", title="accuracy")
        ax2.legend(fontsize=7)


def lr_study():
    runs = sorted((read_json(p) for p in snakemake.input.lr_study), key=lambda r: r["lr"])
    with figure(out, style) as (fig, ax):
        for r in runs:
            h = r["history"]
            ax.plot(h["epoch"][1:], h["loss"][1:], ls="--" if r["diverged"] else "-",
                    label=f"lr={r['lr']:g}" + (" (diverged)" if r["diverged"] else ""))
        ax.set(xlabel="epoch", ylabel="training cost", xscale="log", yscale="log")
        ax.legend(fontsize=7)


def lr_range():
    rng = read_json(snakemake.input.lr_range)
    ok = [p for p in rng["probes"] if not p["diverged"]]
    with figure(out, style) as (fig, ax):
        ax.loglog([p["lr"] for p in ok], [p["final_cost"] for p in ok], "o-", ms=3,
                  label=f"cost after {rng['epochs']} epochs")
        bad = [p["lr"] for p in rng["probes"] if p["diverged"]]
        if bad:
            ax.axvspan(min(bad), max(bad), color="C3", alpha=0.15, label="diverged")
        ax.axvline(rng["theory_max_lr"], color="k", ls="--", lw=0.8, label="theory 2/L")
        ax.set(xlabel="learning rate", ylabel="training cost")
        ax.legend(fontsize=7)


def weights():
    ranking = read_json(snakemake.input.summary)["feature_ranking"]
    with figure(out, style) as (fig, ax):
        ax.barh([r["feature"] for r in ranking][::-1], [r["weight"] for r in ranking][::-1],
                color=["C3" if r["weight"] < 0 else "C0" for r in ranking][::-1])
        ax.set(xlabel="weight on the z-scored feature", title="logistic-regression weights")
        ax.tick_params(axis="y", labelsize=7)


{"training": training, "lr_study": lr_study, "lr_range": lr_range, "weights": weights}[which]()
