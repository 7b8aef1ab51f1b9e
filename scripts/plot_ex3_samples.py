"""Figure: a seeded sample of training digits with their labels."""

import torch

from gdlab.data import load_tensors
from gdlab.io import setup_logging
from gdlab.plotting import figure

setup_logging(snakemake.log[0])
t = load_tensors(snakemake.input.tensors)
n = snakemake.params.n
idx = torch.randperm(len(t["train_labels"]), generator=torch.Generator().manual_seed(snakemake.params.seed))[:n]
cols = min(n, 12)
rows = (n + cols - 1) // cols
style = dict(snakemake.params.style, height_in=snakemake.params.style["width_in"] * rows / cols * 1.25)
with figure(snakemake.output.png, style, ncols=cols, nrows=rows, squeeze=False) as (fig, axes):
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, idx.tolist()):
        ax.imshow(t["train_images"][i].numpy(), cmap="gray_r")
        ax.set_title(str(int(t["train_labels"][i])), fontsize=8)
