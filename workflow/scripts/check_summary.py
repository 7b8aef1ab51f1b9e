"""The class's summary.csv: one row per group."""

from gdlab.check.report import summary_rows
from gdlab.io import read_json, setup_logging, write_text

log = setup_logging(snakemake.log[0])
write_text(snakemake.output.csv, summary_rows([read_json(f) for f in snakemake.input.reports]))
log.info("%d groups", len(snakemake.input.reports))
