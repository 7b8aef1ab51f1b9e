"""Exercise 3: every grid and candidate run aggregated once — per epoch, per run, per setting (mean ± sd over seeds)."""

from gdlab.grid import epochs_table, runs_table, settings_table
from gdlab.io import atomic_path, read_json, setup_logging

setup_logging(snakemake.log[0])
p = snakemake.params
# A candidate may repeat a grid point: each run counts once.
runs = [read_json(f) for f in dict.fromkeys([*snakemake.input.grid, *snakemake.input.candidates])]
per_run = runs_table(runs, p.n_train, p.summary_epochs, p.outcome)
for name, table in (("epochs", epochs_table(runs)), ("runs", per_run), ("settings", settings_table(per_run))):
    with atomic_path(getattr(snakemake.output, name)) as tmp:
        table.to_csv(tmp, index=False, float_format="%.10g")
