"""Convert the four MNIST archives once into one tensor file that loads in well under a second."""

from pathlib import Path

from gdlab.data import mnist_tensors, save_tensors
from gdlab.io import setup_logging

log = setup_logging(snakemake.log[0])
files = {Path(f).name.split("-idx")[0]: Path(f) for f in snakemake.input.files}
tensors = mnist_tensors(files)
save_tensors(tensors, Path(snakemake.output.tensors))
log.info("MNIST tensors: %s", {k: tuple(v.shape) for k, v in tensors.items()})
