"""The source of every function and class that the sheet lists (report/practical.yaml) or a notebook's code cells
define (``{{ code("...") }}`` in report/notebooks/*.py), with file and lines."""

from pathlib import Path

import yaml

from gdlab.io import setup_logging, write_json
from gdlab.listings import extract, listed, notebook_code

setup_logging(snakemake.log[0])
practical = yaml.safe_load(Path(snakemake.input.practical).read_text())
names = listed(practical) + [q for nb in snakemake.input.notebooks for q in notebook_code(Path(nb).read_text())]
write_json(snakemake.output.json, {q: extract(q, Path("src")) for q in dict.fromkeys(names)})
