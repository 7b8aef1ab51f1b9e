"""The source of every function and class the practical's parts list, with file and lines (for the sheet and notebooks)."""

from pathlib import Path

import yaml

from gdlab.io import setup_logging, write_json
from gdlab.listings import extract, listed

setup_logging(snakemake.log[0])
practical = yaml.safe_load(Path(snakemake.input.practical).read_text())
write_json(snakemake.output.json, {q: extract(q, Path("src")) for q in listed(practical)})
