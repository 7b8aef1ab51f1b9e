"""Fill the answer-sheet template with numbers and figure paths from results/."""

from pathlib import Path

from gdlab.io import read_json, setup_logging
from gdlab.report import relative_figures, render_markdown

setup_logging(snakemake.log[0])
out = Path(snakemake.output.md)
# Figure keys: "<exercise>_<stem>", e.g. ex1_convergence, from results/ex1/figures/convergence.png.
figures = {f"{Path(p).parent.parent.name}_{Path(p).stem}": p for p in snakemake.input.figures}
render_markdown(
    Path(snakemake.input.template),
    {
        "report": snakemake.params.report,
        "seed": snakemake.params.seed,
        "ex1_cfg": snakemake.params.ex1,
        "ex1": read_json(snakemake.input.ex1),
        "ex2_cfg": snakemake.params.ex2,
        "ex2": read_json(snakemake.input.ex2),
        "ex3_cfg": snakemake.params.ex3,
        "ex3": read_json(snakemake.input.ex3),
        "ex4_cfg": snakemake.params.ex4,
        "review": read_json(snakemake.input.review),
        "calculus": read_json(snakemake.input.calculus),
        "claims": read_json(snakemake.input.claims),
        "appendix": read_json(snakemake.input.appendix),
        "fig": relative_figures(figures, out),
    },
    out,
)
