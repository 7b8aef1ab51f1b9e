"""Declared resources against measured peaks (benchmarks/peaks.py)."""

import importlib.util
import sys

import pytest

from conftest import REPO

spec = importlib.util.spec_from_file_location("peaks", REPO / "benchmarks" / "peaks.py")
peaks = importlib.util.module_from_spec(spec)
sys.modules["peaks"] = peaks  # dataclasses look their module up there
spec.loader.exec_module(peaks)

DRY_RUN = """\
[Thu Nov 26 09:18:39 2026]
rule ex3_point:
    input: results/data/mnist
    output: results/ex3/points/lr_0.01_bs_64.json, results/ex3/points/lr_0.01_bs_64.npz
    jobid: 55
    benchmark: results/benchmarks/ex3_point/lr_0.01_bs_64.tsv
    reason: Forced execution
    resources: tmpdir=/tmp, runtime=30, mem_mb=2048, mem=2.05 GB, mem_mib=1954
[Thu Nov 26 09:18:39 2026]
localrule all:
    input: results/report/answers.pdf
    jobid: 0
    resources: tmpdir=/tmp
"""


def test_parse_dry_run_reads_benchmark_and_resources():
    jobs = peaks.parse_dry_run(DRY_RUN)
    assert [(j.rule, j.benchmark, j.mem_mb, j.runtime_min) for j in jobs] == [
        ("ex3_point", "results/benchmarks/ex3_point/lr_0.01_bs_64.tsv", 2048.0, 30.0)]


def test_job_over_its_memory_or_time_is_flagged(tmp_path):
    tsv = tmp_path / "b.tsv"
    tsv.write_text("s\th:m:s\tmax_rss\tmax_vms\n52.9\t0:00:52\t1358.77\t3898.88\n")
    peak, s = peaks.read_benchmark(tsv)
    assert (peak, s) == (1358.77, 52.9)
    assert peaks.Job("r", "b", 2048, 30, peak, s).within
    assert not peaks.Job("r", "b", 1024, 30, peak, s).within   # memory over
    assert not peaks.Job("r", "b", 2048, 0.5, peak, s).within  # time over
    tsv.write_text("s\th:m:s\tmax_rss\tmax_vms\n0.4\t0:00:00\tNA\tNA\n")
    assert peaks.read_benchmark(tsv) == (None, 0.4)  # too short to sample


@pytest.mark.e2e
def test_every_job_stays_within_its_declared_resources(built):
    jobs = peaks.collect(built, str(built / "config" / "test.yaml"))
    measured = [j for j in jobs if j.peak_mb is not None]
    assert len(jobs) > 50 and len(measured) >= 0.8 * len(jobs), (len(jobs), len(measured))
    assert {"ex3_point", "fetch", "sheet_pdf", "notebook_run", "notebook"} <= {j.rule for j in jobs}  # every stage
    over = [(j.benchmark, j.peak_mb, j.mem_mb, j.seconds, j.runtime_min) for j in measured if not j.within]
    assert not over
