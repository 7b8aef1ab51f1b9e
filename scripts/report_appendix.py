"""Appendix data: package versions, commit, dataset checksums, resolved config, per-job runtime and memory."""

import platform
from importlib.metadata import version
from pathlib import Path

from gdlab.io import setup_logging, write_json
from gdlab.report import read_benchmark

setup_logging(snakemake.log[0])
jobs = []
# Every benchmark file present: one row per job (runtime s, peak resident memory MB).
for tsv in sorted(Path(snakemake.params.benchmarks).rglob("*.tsv")):
    max_rss_mb, seconds = read_benchmark(tsv)
    jobs.append({"job": str(tsv.relative_to(snakemake.params.benchmarks).with_suffix("")),
                 "seconds": seconds, "max_rss_mb": max_rss_mb})
write_json(snakemake.output.json, {
    "python": platform.python_version(),
    "packages": {name: version(name) for name in snakemake.params.packages},
    "commit": snakemake.params.commit,
    "datasets": snakemake.params.datasets,
    "config": snakemake.params.config,
    "jobs": jobs,
    "total_job_seconds": sum(j["seconds"] for j in jobs),
})
