"""What travels with the notebooks: the week-1 CSV and the spine CSV beside them, MNIST decompressed under
data/MNIST/raw/ (where torchvision.datasets.MNIST(root="data", download=True) finds it and downloads nothing),
and the table of the learning-rate × batch-size study."""

import shutil
from pathlib import Path

from gdlab.fetch import content_bytes
from gdlab.io import atomic_path, setup_logging

log = setup_logging(snakemake.log[0])
inputs, outputs = snakemake.input, snakemake.output
for name in ("lausanne", "spine", "grid"):
    with atomic_path(outputs[name]) as tmp:
        shutil.copyfile(inputs[name], tmp)
for gz in inputs.mnist:
    with atomic_path(outputs[Path(gz).name.removesuffix(".gz")]) as tmp:
        tmp.write_bytes(content_bytes(gz, compressed=True))
log.info("bundle data: %s", sorted(outputs.keys()))
