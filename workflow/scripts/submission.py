"""The hand-in as the practical asks for it: the executed notebooks and the maths PDF, as a folder and a zip."""

from pathlib import Path

from gdlab.io import setup_logging
from gdlab.notebooks import bundle

log = setup_logging(snakemake.log[0])
files = [Path(p) for p in [*snakemake.input.notebooks, snakemake.input.maths]]
bundle(files, [Path(p) for p in snakemake.output.files], Path(snakemake.output.zip))
log.info("submission: %s", [f.name for f in files])
