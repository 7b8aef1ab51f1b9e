"""MNIST once for every job: the IDX files decoded, the pixels scaled to [0, 1] (as torchvision's ToTensor), and the
training images split into the study's training and validation parts (the notebook makes the same split)."""

from pathlib import Path

import torch

from gdlab.io import save_array_dir, setup_logging
from gdlab.mnist import prepare, read_mnist
from gdlab.softmax import with_split

log = setup_logging(snakemake.log[0])
files = {Path(f).name.split("-idx")[0]: Path(f) for f in snakemake.input.files}
data = with_split({k: torch.from_numpy(v) for k, v in prepare(read_mnist(files)).items()}, snakemake.params.val_size,
                  snakemake.params.seed)
save_array_dir(snakemake.output.arrays, **{k: v.numpy() for k, v in data.items()})
log.info("MNIST: %s", {k: tuple(v.shape) for k, v in data.items()})
