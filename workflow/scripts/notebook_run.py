"""Run one notebook's code cells: its jupytext source with the code cells rendered (they quote the config),
executed by a kernel. Its Markdown cells stay templates until rule `notebook` renders them."""

from pathlib import Path

from gdlab.io import setup_logging
from gdlab.notebooks import execute, read_source, render
from gdlab.report import Renderer

log = setup_logging(snakemake.log[0])
source, out = Path(snakemake.input.source), Path(snakemake.output.ipynb)
# Code cells quote only config settings (no result, figure, listing or question): results they read themselves.
renderer = Renderer(Path("report"), {"cfg": snakemake.params.text}, "notebook", {}, out, {}, {"exercises": []})
execute(render(read_source(source), renderer, "code"), source, out, timeout_s=snakemake.params.timeout_s, log=log)
