"""MNIST for the notebooks, decompressed under data/MNIST/raw/: where torchvision.datasets.MNIST(root="data",
download=True) finds it, checks it is there, and downloads nothing."""

from pathlib import Path

from gdlab.fetch import content_bytes
from gdlab.io import atomic_path, setup_logging

log = setup_logging(snakemake.log[0])
targets = {Path(p).name: p for p in snakemake.output.raw}
for gz in snakemake.input.mnist:
    with atomic_path(targets[Path(gz).name.removesuffix(".gz")]) as tmp:
        tmp.write_bytes(content_bytes(gz, compressed=True))
log.info("MNIST for torchvision: %s", sorted(targets))
