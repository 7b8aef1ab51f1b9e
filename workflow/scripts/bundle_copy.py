"""A file that travels with the notebooks, copied beside them as the pipeline read and verified it."""

import shutil

from gdlab.io import atomic_path, setup_logging

log = setup_logging(snakemake.log[0])
with atomic_path(snakemake.output.data) as tmp:
    shutil.copyfile(snakemake.input.data, tmp)
log.info("%s -> %s", snakemake.input.data, snakemake.output.data)
