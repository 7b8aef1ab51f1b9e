"""Measured peaks against declared resources, per job.

Each rule declares mem_mb and runtime (workflow/rules/common.smk, TIER). After a build, this
lists every job's measured peak memory (max_rss) and wall time (s) from its benchmark file next to
what its rule declared, and exits 1 if a job used more than it declared: the declarations are what
SLURM enforces (--mem, --time) and what `snakemake --resources mem_mb=N` schedules by.

    python benchmarks/peaks.py [--configfile config/config.yaml] [--directory .]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from gdlab.report import read_benchmark


@dataclass
class Job:
    rule: str
    benchmark: str
    mem_mb: float
    runtime_min: float
    peak_mb: float | None = None
    seconds: float | None = None

    @property
    def within(self) -> bool:
        return (self.peak_mb or 0) <= self.mem_mb and (self.seconds or 0) <= 60 * self.runtime_min


def parse_dry_run(text: str) -> list[Job]:
    """Jobs with a benchmark file, from the text of `snakemake --dry-run --forceall`, with their
    declared mem_mb and runtime."""
    jobs, rule, fields = [], None, {}

    def flush():
        if rule and "benchmark" in fields and "resources" in fields:
            res = dict(kv.split("=", 1) for kv in fields["resources"].split(", ") if "=" in kv)
            jobs.append(Job(rule, fields["benchmark"], float(res["mem_mb"]), float(res["runtime"])))

    for line in text.splitlines():
        m = re.match(r"^(?:local)?rule (\w+):$", line)
        if m:
            flush()
            rule, fields = m.group(1), {}
        elif rule and (m := re.match(r"^    (\w+): (.*)$", line)):
            fields[m.group(1)] = m.group(2)
    flush()
    return jobs


def collect(directory: Path, configfile: str | None = None, snakemake: list[str] | None = None) -> list[Job]:
    cmd = (snakemake or [sys.executable, "-m", "snakemake"]) + ["--dry-run", "--forceall", "--directory", str(directory)]
    if configfile:
        cmd += ["--configfile", configfile]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=directory)
    if proc.returncode != 0:
        raise RuntimeError(f"snakemake --dry-run failed:\n{proc.stderr[-3000:]}")
    jobs = parse_dry_run(proc.stdout + proc.stderr)
    for job in jobs:
        path = directory / job.benchmark
        if path.exists():
            job.peak_mb, job.seconds = read_benchmark(path)
    return jobs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--directory", default=".", type=Path)
    ap.add_argument("--configfile", default=None)
    args = ap.parse_args()
    jobs = collect(args.directory.resolve(), args.configfile)
    measured = [j for j in jobs if j.peak_mb is not None]
    print(f"{'benchmark':64s} {'peak MB':>8s} {'mem_mb':>7s} {'use':>5s} {'s':>7s} {'runtime':>8s}")
    for j in sorted(measured, key=lambda j: -(j.peak_mb / j.mem_mb)):
        flag = "" if j.within else "  OVER"
        print(f"{j.benchmark:64s} {j.peak_mb:8.0f} {j.mem_mb:7.0f} {j.peak_mb / j.mem_mb:5.0%} {j.seconds:7.1f} "
              f"{j.runtime_min:6.0f} m{flag}")
    print(f"{len(measured)} of {len(jobs)} jobs measured; {sum(not j.within for j in measured)} over their declaration")
    return 0 if all(j.within for j in measured) else 1


if __name__ == "__main__":
    sys.exit(main())
