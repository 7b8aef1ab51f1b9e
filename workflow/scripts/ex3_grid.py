"""Exercise 3 g: every run of the study in one table (grid.csv, a row per point and seed — it travels with the
notebook) and one row per point (points.csv: mean ± sd over the seeds)."""

from gdlab.grid import points_table, runs_table
from gdlab.io import atomic_path, read_json, setup_logging

log = setup_logging(snakemake.log[0])
runs = runs_table([read_json(p) for p in snakemake.input.points])
for table, out in ((runs, snakemake.output.runs), (points_table(runs), snakemake.output.points)):
    with atomic_path(out) as tmp:
        table.to_csv(tmp, index=False, float_format="%.10g")
log.info("%d runs, %d points", len(runs), runs.groupby(["lr", "batch_size"]).ngroups)
