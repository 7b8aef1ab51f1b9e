"""Exercise 3 g: every run of the study in one table (grid.csv, a row per point and seed — it travels with the
notebook) and one row per point (points.csv: mean ± sd over the seeds)."""

import pandas as pd

from gdlab.grid import points_table, runs_table
from gdlab.io import atomic_path, read_json, setup_logging

log = setup_logging(snakemake.log[0])
runs = runs_table([read_json(p) for p in snakemake.input.points])
with atomic_path(snakemake.output.runs) as tmp:
    runs.to_csv(tmp, index=False, float_format="%.10g")
# The points from grid.csv as written, as the notebook computes them, and at full precision: the sheet's figure
# and the notebook's table then print the same digits (a mean such as 84.505 % rounds by its last bit).
with atomic_path(snakemake.output.points) as tmp:
    points_table(pd.read_csv(snakemake.output.runs)).to_csv(tmp, index=False)
log.info("%d runs, %d points", len(runs), runs.groupby(["lr", "batch_size"]).ngroups)
