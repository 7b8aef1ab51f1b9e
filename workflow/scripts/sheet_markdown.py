"""Fill a document of the hand-in (the full sheet, or the maths of Exercises 4 and 6) from results/."""

from pathlib import Path

import yaml

from gdlab.io import setup_logging, write_text
from gdlab.report import Renderer, figure_paths, load_context

setup_logging(snakemake.log[0])
inputs = snakemake.input
context = load_context(inputs, snakemake.params.text) | {"doc": snakemake.wildcards.doc,
                                                         "exercises": snakemake.params.exercises}
renderer = Renderer(Path("report"), context, "sheet", figure_paths(inputs.figures), Path(snakemake.output.md),
                    context["listings"], yaml.safe_load(Path(inputs.practical).read_text()))
write_text(snakemake.output.md, renderer.render("sheet.md.j2"))
