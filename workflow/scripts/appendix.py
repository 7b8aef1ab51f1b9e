"""Appendix data: package versions, commit, dataset checksums, resolved config, per-rule job counts and times."""

import platform
from importlib.metadata import version

from gdlab.io import setup_logging, write_json
from gdlab.report import per_rule_benchmarks, tool_versions

setup_logging(snakemake.log[0])
p = snakemake.params
write_json(snakemake.output.json, {
    "python": platform.python_version(),
    "packages": {name: version(name) for name in p.packages}, "tools": tool_versions(),
    "commit": p.commit, "datasets": p.datasets, "config": p.config,
    "rules": per_rule_benchmarks(p.benchmarks),
})
