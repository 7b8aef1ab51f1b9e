"""Build and execute one notebook: its jupytext source, Markdown cells filled with the same answers as the sheet."""

from pathlib import Path

import yaml

from gdlab.io import setup_logging
from gdlab.notebooks import build
from gdlab.report import Renderer, figure_paths, load_context

log = setup_logging(snakemake.log[0])
inputs = snakemake.input
context = load_context(inputs, snakemake.params.text)
renderer = Renderer(Path("report"), context, "notebook", figure_paths(inputs.figures), Path(snakemake.output.ipynb),
                    context["listings"], yaml.safe_load(Path(inputs.practical).read_text()))
build(Path(inputs.source), renderer, Path(snakemake.output.ipynb), timeout_s=snakemake.params.timeout_s, log=log)
