"""Run one notebook's code cells in the hand-in's folder, beside the data that travel with it: its jupytext source
with the code cells rendered (the package's functions put in by name, the config's settings quoted), executed by
a kernel. Its Markdown cells stay templates until rule `notebook` renders them."""

from pathlib import Path

from gdlab.io import read_json, setup_logging
from gdlab.notebooks import execute, read_source, render
from gdlab.report import Renderer

log = setup_logging(snakemake.log[0])
source, out = Path(snakemake.input.source), Path(snakemake.output.ipynb)
# The hand-in's folder is the kernel's working directory; a notebook that reads no data file (6 d) may be the first
# job to need it, before any copy into it has made it.
Path(snakemake.params.folder).mkdir(parents=True, exist_ok=True)
# Code cells quote config settings and the package's code, never a result: what they show, they compute.
renderer = Renderer(Path("report"), {"cfg": snakemake.params.text}, "notebook", {}, out,
                    read_json(snakemake.input.listings), {"exercises": []})
execute(render(read_source(source), renderer, "code"), source, out, cwd=Path(snakemake.params.folder),
        timeout_s=snakemake.params.timeout_s, log=log)
