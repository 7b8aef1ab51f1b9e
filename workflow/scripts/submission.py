"""The hand-in as the course collects it: the folder G<group>_<names> (notebooks, maths PDF, data), zipped, with
the answer sheet beside them (the maths PDF cites its experiments)."""

import shutil
from pathlib import Path

from gdlab.io import atomic_path, setup_logging
from gdlab.notebooks import zip_folder

log = setup_logging(snakemake.log[0])
for src, dst in ((snakemake.input.maths, snakemake.output.maths), (snakemake.input.answers, snakemake.output.answers)):
    with atomic_path(dst) as tmp:
        shutil.copyfile(src, tmp)
files = [Path(p) for p in [*snakemake.input.notebooks, *snakemake.input.data, snakemake.output.maths,
                           snakemake.output.answers]]
zip_folder(Path(snakemake.params.folder), files, Path(snakemake.output.zip))
log.info("submission: %d files in %s", len(files), snakemake.output.zip)
