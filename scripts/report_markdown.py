"""Fill the answer-sheet template with numbers and figure paths from results/."""

from pathlib import Path

from gdlab.io import read_json, setup_logging
from gdlab.report import relative_figures, render_markdown

setup_logging(snakemake.log[0])
out = Path(snakemake.output.md)
figures = {Path(p).stem: p for p in snakemake.input.figures}
render_markdown(
    Path(snakemake.input.template),
    {
        "report": snakemake.params.report,
        "seed": snakemake.params.seed,
        "ex1_cfg": snakemake.params.ex1,
        "ex1": read_json(snakemake.input.ex1),
        "fig": relative_figures(figures, out),
    },
    out,
)
