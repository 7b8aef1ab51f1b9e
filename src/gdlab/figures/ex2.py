"""Exercise 2 figures (logistic regression on the spine data). Each function draws one figure from result files."""

from __future__ import annotations

from ..io import read_json
from ..plotting import figure


def training(inputs, out, params):
    """The main run: training and held-out cost and accuracy per epoch (log epoch axis)."""
    (run,) = [read_json(p) for p in inputs.gd]
    h = run["history"]
    epochs = [e + 1 for e in h["epoch"]]  # epoch 0 (the start) drawn at 1 on the log axis
    with figure(out, params.style, ncols=2) as (fig, (ax1, ax2)):
        ax1.plot(epochs, h["loss"], label="training")
        ax1.plot(epochs, h["test_cost"], "--", label="held out")
        ax1.set(xscale="log", xlabel="epoch + 1", ylabel="cross-entropy", title="cost")
        ax1.legend(fontsize=8)
        ax2.plot(epochs, h["train_accuracy"], label="training")
        ax2.plot(epochs, h["test_accuracy"], "--", label="held out")
        ax2.set(xscale="log", xlabel="epoch + 1", ylabel="accuracy", title="accuracy")
        ax2.legend(fontsize=8)


def lr_study(inputs, out, params):
    """The training cost per epoch for each learning rate of the study, with the starting cost ln 2."""
    runs = sorted((read_json(p) for p in inputs.lr_study), key=lambda r: r["lr"])
    with figure(out, params.style) as (fig, ax):
        for r in runs:
            h = r["history"]
            ax.plot([e + 1 for e in h["epoch"]], h["loss"], ls="--" if r["diverged"] else "-",
                    label=f"η = {r['lr']:g}" + (" (diverged)" if r["diverged"] else ""))
        ax.axhline(runs[0]["initial_cost"], color="k", ls=":", lw=1, label="starting cost")
        ax.set(xlabel="epoch + 1", ylabel="training cost", xscale="log")
        ax.legend(fontsize=7)


def lr_range(inputs, out, params):
    """The range test: cost after a fixed number of epochs against the rate, with the bound 2/L."""
    rng = read_json(inputs.lr_range)
    ok = [p for p in rng["probes"] if not p["diverged"]]
    with figure(out, params.style) as (fig, ax):
        # Log-log: the costs near the minimum and the oscillating ones an order of magnitude above stay apart.
        ax.loglog([p["lr"] for p in ok], [p["final_cost"] for p in ok], "o-", ms=3,
                  label=f"cost after {rng['epochs']} epochs")
        falls = [p for p in ok if p["monotone"]]
        ax.loglog([p["lr"] for p in falls], [p["final_cost"] for p in falls], "o", ms=6, mfc="none", color="C2",
                  label="cost fell at every epoch")
        bad = [p["lr"] for p in rng["probes"] if p["diverged"]]
        if bad:
            ax.axvspan(min(bad), max(bad), color="C3", alpha=0.15, label="diverged")
        ax.axvline(rng["theory_max_lr"], color="k", ls="--", lw=0.8, label="theory 2/L")
        ax.set(xlabel="learning rate", ylabel="training cost")
        ax.legend(fontsize=7)


def weights(inputs, out, params):
    """The weights on the z-scored features the model uses, largest first."""
    s = read_json(inputs.summary)
    ranking = s["feature_ranking"]
    with figure(out, params.style) as (fig, ax):
        ax.barh([r["feature"] for r in ranking][::-1], [r["weight"] for r in ranking][::-1],
                color=["C3" if r["weight"] < 0 else "C0" for r in ranking][::-1])
        ax.set(xlabel="weight (change in log-odds per standard deviation)",
               title=f"logistic-regression weights (towards {s['data']['positive_class']}: blue)")
        ax.tick_params(axis="y", labelsize=7)
