"""Run one notebook's code cells beside the files of the hand-in it reads: its jupytext source with the code cells
rendered (the package's functions put in by name, the config's settings quoted), executed by a kernel in a folder
of its own that holds exactly its declared inputs, at their places in the hand-in — the data, and the definitions of
the notebooks whose functions it takes. Its Markdown cells stay templates until rule `notebook` renders them."""

import tempfile
from pathlib import Path

import nbformat

from gdlab.io import read_json, setup_logging
from gdlab.notebooks import execute, read_source, render
from gdlab.report import Renderer

log = setup_logging(snakemake.log[0])
source, out = Path(snakemake.input.source), Path(snakemake.output.ipynb)
handin = Path(snakemake.params.folder)


def definitions_only(source, listings):
    """What gdlab.reuse.definitions reads of another notebook — its imports and its definitions, the package code it
    shows — without its other cells, whose settings this run does not depend on."""
    imports = [line for line in Path(source).read_text().splitlines() if line.startswith(("import ", "from "))]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("\n".join(imports))] + [
        nbformat.v4.new_code_cell(listing["code"]) for listing in read_json(listings).values()])


# Code cells quote config settings and the package's code, never a result: what they show, they compute.
renderer = Renderer(Path("report"), {"cfg": snakemake.params.text}, "notebook", {}, out,
                    read_json(snakemake.input.listings), {"exercises": []})
nb = render(read_source(source), renderer, "code")
with tempfile.TemporaryDirectory(prefix="gdlab-kernel-") as tmp:
    folder = Path(tmp)
    for path in map(Path, snakemake.input.data):
        place = folder / path.relative_to(handin)
        place.parent.mkdir(parents=True, exist_ok=True)
        place.symlink_to(path.resolve())
    for name, other_source, other_listings in zip(snakemake.params.taken, snakemake.input.taken_sources,
                                                  snakemake.input.taken_listings):
        nbformat.write(definitions_only(other_source, other_listings), str(folder / f"{name}.ipynb"))
    execute(nb, source, out, cwd=folder, timeout_s=snakemake.params.timeout_s, log=log)
