"""The workflow on a real single-node SLURM cluster, through Snakemake's SLURM executor and the project's
profile, gives the same results as a local run."""

import os
import re
import subprocess
import time

import pytest
import yaml

from conftest import REPO, copy_project, run_snakemake, same_metrics
from slurm_cluster import Cluster, why_unavailable

pytestmark = pytest.mark.e2e

PROFILE = REPO / "workflow" / "profiles" / "slurm"
# For a cluster without accounting (sacct cannot answer) and a test that should not wait long.
LOCAL_CLUSTER = ["--slurm-no-account", "--slurm-status-command", "squeue",
                 "--slurm-init-seconds-before-status-checks", "2", "--latency-wait", "5"]


def test_profile_uses_the_slurm_executor_and_leaves_resources_to_the_rules():
    cfg = yaml.safe_load((PROFILE / "config.yaml").read_text())
    assert cfg["executor"] == "slurm"
    # Resources are declared on the rules (from measured peaks), not guessed in the profile.
    assert "set-resources" not in cfg and "mem_mb" not in str(cfg.get("default-resources", ""))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    reason = why_unavailable()
    if reason and os.environ.get("GDLAB_REQUIRE_SLURM"):
        pytest.fail(f"GDLAB_REQUIRE_SLURM is set but no SLURM cluster can start here: {reason}")
    if reason:
        pytest.skip(f"no SLURM cluster here: {reason}")
    with Cluster(tmp_path_factory.mktemp("slurm")) as c:
        yield c


# A small part of the workflow: enough to prove the executor, the profile and the declared resources (a
# full MNIST training job among them), not the science — the local build proves that.
# Two short chains of training jobs (the executor polls SLURM more slowly the longer nothing finishes: few levels
# keep the test short), and what they produce compared with the shared local build (`pristine`).
TARGETS = ["results/ex2/gd.json", "results/ex3/points/lr_0.1_bs_4096.json"]


@pytest.mark.pristine_at_end
def test_slurm_run_equals_local_run(cluster, request, tmp_path_factory, mirror):
    work = copy_project(tmp_path_factory.mktemp("on_slurm"))
    # No shadowed rule among these targets' jobs: Snakemake does not carry its shadow folders to a cluster's job steps
    # (it looks for the outputs of a local rule's shadow that the job step never made).
    start = time.monotonic()
    proc = run_snakemake(work, *TARGETS, "--profile", str(PROFILE), *LOCAL_CLUSTER, mirror=mirror, check=False)
    seconds = time.monotonic() - start
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{out[-6000:]}\n{cluster.logs()}"
    submitted = re.findall(r"has been submitted with SLURM jobid \d+ \(log: \S*/rule_(\w+)/", out)
    print(f"SLURM build of {TARGETS}: {seconds:.0f} s, {len(submitted)} SLURM jobs")
    # The training jobs went through SLURM, the local rule (fetch) did not ...
    assert {"mnist_prepare", "ex2_prepare", "ex2_gd", "ex3_point"} <= set(submitted)
    assert "fetch" not in set(submitted)
    # ... and the results are those of the local build, exactly (timing fields aside). Asked for only now: the cluster
    # runs while the shared build is made, its jobs waiting mostly on the cluster's queue.
    pristine = request.getfixturevalue("pristine")
    assert same_metrics(pristine, work, under="ex2", at_least=2) >= 2  # prepared.json and gd.json
    same_metrics(pristine, work, under="ex3/points", at_least=1)
    # Each job ran with its rule's memory request: SLURM recorded it.
    jobs = subprocess.run(["scontrol", "show", "job", "--oneliner"], capture_output=True, text=True).stdout
    assert re.search(r"MinMemoryNode=(2048M|2G)\b", jobs), jobs[-2000:]  # the MNIST training job's mem_mb
