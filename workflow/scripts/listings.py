"""The source of every function and class that the sheet lists (report/practical.yaml), or that one notebook's code
cells define ({{ code("...") }} in its source), with file and lines: one file for the sheet, one per notebook."""

from pathlib import Path

import yaml

from gdlab.io import setup_logging, write_json
from gdlab.listings import extract, listed, notebook_code

setup_logging(snakemake.log[0])
if snakemake.wildcards.listed == "sheet":
    names = listed(yaml.safe_load(Path(snakemake.input.practical).read_text()))
else:
    names = notebook_code(Path(snakemake.input.source).read_text())
write_json(snakemake.output.json, {q: extract(q, Path("src")) for q in names})
