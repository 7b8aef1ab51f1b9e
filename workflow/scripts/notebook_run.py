"""Run one notebook's code cells beside the files of the hand-in it reads: its jupytext source with the code cells
rendered (the package's functions put in by name, the config's settings quoted), executed by a kernel in a folder
of its own that holds exactly its declared inputs, at their places in the hand-in — the data, and the notebooks
whose functions it takes (their code cells). Its Markdown cells stay templates until rule `notebook` renders them."""

import tempfile
from pathlib import Path

import nbformat

from gdlab.io import read_json, setup_logging
from gdlab.notebooks import execute, read_source, render
from gdlab.report import Renderer

log = setup_logging(snakemake.log[0])
source, out = Path(snakemake.input.source), Path(snakemake.output.ipynb)
handin = Path(snakemake.params.folder)


def code_cells(source, listings, text):
    """The notebook of ``source`` with its code cells rendered. Code cells quote config settings and the package's
    code, never a result: what they show, they compute."""
    renderer = Renderer(Path("report"), {"cfg": text}, "notebook", {}, out, read_json(listings), {"exercises": []})
    return render(read_source(Path(source)), renderer, "code")


nb = code_cells(source, snakemake.input.listings, snakemake.params.text)
with tempfile.TemporaryDirectory(prefix="gdlab-kernel-") as tmp:
    folder = Path(tmp)
    for path in map(Path, snakemake.input.data):
        place = folder / path.relative_to(handin)
        place.parent.mkdir(parents=True, exist_ok=True)
        place.symlink_to(path.resolve())
    taken = zip(snakemake.input.taken_sources, snakemake.input.taken_listings, snakemake.params.taken.items())
    for other_source, other_listings, (name, text) in taken:
        nbformat.write(code_cells(other_source, other_listings, text), str(folder / f"{name}.ipynb"))
    execute(nb, source, out, cwd=folder, timeout_s=snakemake.params.timeout_s, log=log)
