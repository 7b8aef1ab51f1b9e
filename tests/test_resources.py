"""Declared resources against measured peaks (benchmarks/peaks.py)."""

import importlib.util
import subprocess
import sys

import pytest
import yaml

from conftest import REPO, SNAKEMAKE, copy_project

spec = importlib.util.spec_from_file_location("peaks", REPO / "benchmarks" / "peaks.py")
peaks = importlib.util.module_from_spec(spec)
sys.modules["peaks"] = peaks  # dataclasses look their module up there
spec.loader.exec_module(peaks)

TRAINING = ("ex3_reference", "ex3_grid_point", "ex3_favourite")  # the jobs that may ask for a GPU

DRY_RUN = """\
[Thu Nov 26 09:18:39 2026]
rule ex3_favourite:
    input: results/data/mnist.pt, results/ex3/grid.csv
    output: results/ex3/favourite.json, results/ex3/favourite_model.pt
    jobid: 55
    benchmark: results/benchmarks/ex3/favourite.tsv
    reason: Forced execution
    resources: tmpdir=/tmp, runtime=30, mem_mb=2048, mem=2.05 GB, mem_mib=1954, gpu=0
[Thu Nov 26 09:18:39 2026]
localrule all:
    input: results/report/answers.pdf
    jobid: 0
    resources: tmpdir=/tmp
"""


def test_parse_dry_run_reads_benchmark_and_resources():
    jobs = peaks.parse_dry_run(DRY_RUN)
    assert [(j.rule, j.benchmark, j.mem_mb, j.runtime_min, j.gpu) for j in jobs] == [
        ("ex3_favourite", "results/benchmarks/ex3/favourite.tsv", 2048.0, 30.0, 0)]


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
    rules = {j.rule for j in jobs}
    assert {"ex3_grid_point", "ex3_favourite", "fetch", "report_pdf"} <= rules  # every stage declares
    over = [(j.benchmark, j.peak_mb, j.mem_mb, j.seconds, j.runtime_min) for j in measured if not j.within]
    assert not over


def planned_resources(work, configfile):
    proc = subprocess.run([*SNAKEMAKE, "--dry-run", "--forceall", "--configfile", configfile],
                          capture_output=True, text=True, cwd=work)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return peaks.parse_dry_run(proc.stdout + proc.stderr)


@pytest.mark.parametrize("device, gpu", [("cuda", 1), ("cpu", 0), ("auto", 0)])
def test_training_jobs_ask_for_a_gpu_only_when_the_config_says_cuda(tmp_path, device, gpu):
    work = copy_project(tmp_path)
    cfg = yaml.safe_load((work / "config" / "test.yaml").read_text())
    cfg["ex3"]["device"] = device
    (work / "config" / "dev.yaml").write_text(yaml.safe_dump(cfg))
    jobs = planned_resources(work, "config/dev.yaml")
    asking = {j.rule: j.gpu for j in jobs if j.gpu or j.rule in TRAINING}
    assert asking == {r: gpu for r in TRAINING}
    # Training time grows with the configured epochs, never below the tier's floor.
    grid = [j for j in jobs if j.rule == "ex3_grid_point"]
    assert grid and all(j.mem_mb == 2048 and j.runtime_min >= 30 for j in grid)


def test_training_time_limit_grows_with_the_epochs(tmp_path):
    work = copy_project(tmp_path)
    cfg = yaml.safe_load((work / "config" / "test.yaml").read_text())
    cfg["ex3"]["grid"]["epochs"] = 600
    (work / "config" / "long.yaml").write_text(yaml.safe_dump(cfg))
    jobs = planned_resources(work, "config/long.yaml")
    grid = [j for j in jobs if j.rule == "ex3_grid_point"]
    # 3.8 s per epoch is the worst measured (batch 16, 2 busy cores): the limit must allow at least that.
    assert grid and all(60 * j.runtime_min >= 600 * 3.8 for j in grid)
