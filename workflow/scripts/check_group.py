"""A group's report.json and report.html from its notebooks' checks."""

from pathlib import Path

from gdlab.check.report import group_html, group_report
from gdlab.io import read_json, setup_logging, write_json, write_text

log = setup_logging(snakemake.log[0])
results = {Path(f).stem: read_json(f) for f in snakemake.input.notebooks}
report = group_report(snakemake.wildcards.group, snakemake.params.source, results, snakemake.params.parts_exercises)
write_json(snakemake.output.json, report)
write_text(snakemake.output.html, group_html(report))
log.info("%s: passed=%s, %d problems", report["group"], report["passed"], len(report["problems"]))
