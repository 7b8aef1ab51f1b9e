"""The hand-in as the course collects it: the folder G<group>_<names> (the notebooks, the maths PDF, the data they
read), zipped. The full answer sheet stays outside it, the project's companion."""

import shutil
from pathlib import Path

from gdlab.io import atomic_path, setup_logging
from gdlab.notebooks import zip_folder

log = setup_logging(snakemake.log[0])
with atomic_path(snakemake.output.maths) as tmp:
    shutil.copyfile(snakemake.input.maths, tmp)
files = [Path(p) for p in [*snakemake.input.notebooks, *snakemake.input.data, snakemake.output.maths]]
zip_folder(Path(snakemake.params.folder), files, Path(snakemake.output.zip))
log.info("submission: %d files in %s", len(files), snakemake.output.zip)
