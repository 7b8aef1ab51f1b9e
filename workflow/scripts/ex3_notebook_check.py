"""Exercise 3 g: the MNIST notebook trains the whole study itself; the table it printed must be the table the
pipeline's jobs give (grid.csv, one job per point). A difference fails the build and shows both."""

import nbformat
import pandas as pd

from gdlab.grid import points_table, table_text
from gdlab.io import setup_logging, write_json

log = setup_logging(snakemake.log[0])
expected = table_text(points_table(pd.read_csv(snakemake.input.runs)))
nb = nbformat.read(snakemake.input.run, as_version=4)
printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "stream")
if expected not in printed:
    header = expected.splitlines()[0]
    at = printed.find(header)
    shown = "\n".join(printed[at:].splitlines()[:len(expected.splitlines())]) if at >= 0 else "(no such table printed)"
    raise ValueError(f"ex3: the study's table printed by the notebook {snakemake.input.run} differs from the one "
                     f"computed from {snakemake.input.runs}.\nnotebook:\n{shown}\npipeline:\n{expected}")
log.info("the notebook's table equals the pipeline's:\n%s", expected)
write_json(snakemake.output.json, {"notebook": snakemake.input.run, "runs": snakemake.input.runs, "table": expected})
