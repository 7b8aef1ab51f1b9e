"""MNIST once for every job: decode the IDX files and scale the pixels to [0, 1] (as torchvision's ToTensor)."""

from pathlib import Path

from gdlab.io import save_array_dir, setup_logging
from gdlab.mnist import prepare, read_mnist

log = setup_logging(snakemake.log[0])
files = {Path(f).name.split("-idx")[0]: Path(f) for f in snakemake.input.files}
data = prepare(read_mnist(files))
save_array_dir(snakemake.output.arrays, **data)
log.info("MNIST: %s", {k: v.shape for k, v in data.items()})
