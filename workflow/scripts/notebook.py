"""One notebook as handed in: the run notebook's Markdown cells filled with the answers (the sheet's text)."""

from pathlib import Path

import nbformat
import yaml

from gdlab.io import setup_logging
from gdlab.notebooks import render, write
from gdlab.report import Renderer, load_context

log = setup_logging(snakemake.log[0])
inputs, out = snakemake.input, Path(snakemake.output.ipynb)
context = load_context(inputs, snakemake.params.text)
renderer = Renderer(Path("report"), context, "notebook", {}, out, context["listings"],
                    yaml.safe_load(Path(inputs.practical).read_text()))
write(render(nbformat.read(inputs.run, as_version=4), renderer, "markdown"), out)
log.info("filled %s -> %s", inputs.run, out)
