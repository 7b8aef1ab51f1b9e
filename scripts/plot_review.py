"""Figures for Exercises 4 and 6, one per job (wildcard ``figure``)."""

import numpy as np

from gdlab.calculus import c1, c1_second, sigmoid, sigmoid_prime, softplus
from gdlab.io import read_json, setup_logging
from gdlab.plotting import figure

setup_logging(snakemake.log[0])
style, which, out = snakemake.params.style, snakemake.wildcards.figure, snakemake.output.png


def overfit():
    r = read_json(snakemake.input.overfit)
    h = r["history"]
    with figure(out, style) as (fig, ax):
        ax.plot(h["epoch"], h["loss"], label=f"training cost ({r['n_train']} images)")
        ax.plot(h["epoch"], h["test_cost"], label="test cost (10 000 images)")
        ax.axvline(r["min_test_cost_epoch"], color="k", ls=":", lw=0.8, label="lowest test cost")
        ax.set(xlabel="epoch", ylabel="mean cross-entropy", yscale="log")
        ax.legend(fontsize=7)


def data_size():
    rows = sorted((read_json(p) for p in snakemake.input.data_size), key=lambda r: r["n_train"])
    with figure(out, style) as (fig, ax):
        ax.plot([r["n_train"] for r in rows], [r["final_train_cost"] for r in rows], "o-", label="training cost")
        ax.plot([r["n_train"] for r in rows], [r["final_test_cost"] for r in rows], "s--", label="test cost")
        ax.set(xlabel="training images", ylabel=f"cost after {rows[0]['epochs']} epochs", xscale="log", yscale="log")
        ax.legend(fontsize=7)


def sigmoid_plot():
    zs = np.linspace(-8, 8, 400)
    with figure(out, style) as (fig, ax):
        ax.plot(zs, sigmoid(zs), label=r"$\sigma(z)$")
        ax.plot(zs, sigmoid_prime(zs), label=r"$\sigma'(z) = \sigma(z)(1-\sigma(z))$")
        ax.set(xlabel="z")
        ax.legend(fontsize=8)


def softplus_plot():
    zs = np.linspace(-6, 6, 400)
    with figure(out, style) as (fig, ax):
        ax.plot(zs, softplus(zs), lw=2, label=r"$\zeta(z) = \log(1+e^z)$")
        ax.plot(zs, np.zeros_like(zs), "k--", lw=0.8, label=r"asymptote $y = 0$ ($z\to-\infty$)")
        ax.plot(zs, zs, "k:", lw=0.8, label=r"asymptote $y = z$ ($z\to\infty$)")
        ax.set(xlabel="z", ylim=(-1, 6.5))
        ax.legend(fontsize=8)


def c1_plot():
    xs = np.linspace(-8, 8, 400)
    with figure(out, style) as (fig, ax):
        ax.plot(xs, c1(xs), label=r"$c_1(x) = (\sigma(x)-1)^2$")
        ax.plot(xs, c1_second(xs), label=r"$c_1''(x)$")
        ax.axhline(0, color="k", lw=0.6)
        ax.axvline(-np.log(2), color="k", ls=":", lw=0.8, label=r"$x = -\log 2$")
        ax.fill_between(xs, -0.2, 1.05, where=c1_second(xs) < 0, color="C3", alpha=0.1, label="non-convex region")
        ax.set(xlabel="x", ylim=(-0.2, 1.05))
        ax.legend(fontsize=7)


{"overfit": overfit, "data_size": data_size, "sigmoid": sigmoid_plot, "softplus": softplus_plot,
 "c1": c1_plot}[which]()
