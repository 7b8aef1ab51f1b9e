"""The project's own hand-in must pass every check: otherwise stop, naming each problem."""

from gdlab.check.report import self_verdict
from gdlab.io import read_json, setup_logging, write_text

log = setup_logging(snakemake.log[0])
write_text(snakemake.output.stamp, self_verdict(read_json(snakemake.input.report)))
