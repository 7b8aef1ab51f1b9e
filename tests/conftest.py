"""Shared fixtures: the repository root, the local data mirror, a tiny workflow runner."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent.parent
SNAKEMAKE = [sys.executable, "-m", "snakemake"]


def data_mirror() -> Path | None:
    """GDLAB_DATA_MIRROR if set, else ../shared/data beside the checkout (as CI lays it out)."""
    env = os.environ.get("GDLAB_DATA_MIRROR")
    if env:
        return Path(env)
    guess = REPO.parent / "shared" / "data"
    return guess if guess.is_dir() else None


@pytest.fixture(scope="session")
def mirror() -> Path:
    m = data_mirror()
    if m is None or not (m / "mnist").is_dir():
        pytest.skip("no local data mirror: set GDLAB_DATA_MIRROR (see README)")
    return m


def copy_project(dest: Path) -> Path:
    """A private copy of what the workflow reads, so tests may edit it freely."""
    for part in ("workflow", "scripts", "report", "config", "src"):
        shutil.copytree(REPO / part, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy(REPO / "environment.yml", dest / "environment.yml")
    return dest


def run_snakemake(workdir: Path, *args: str, mirror: Path | None = None, check: bool = True,
                  configfile: str = "config/test.yaml") -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if mirror is not None:
        env["GDLAB_DATA_MIRROR"] = str(mirror)
    # Targets and options first: --configfile takes several values and would swallow targets after it.
    cmd = SNAKEMAKE + [*args, "--directory", str(workdir), "--snakefile", str(workdir / "workflow" / "Snakefile"),
                       "--configfile", str(workdir / configfile)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=workdir)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}")
    return proc


def planned_rules(workdir: Path, *args: str, **kw) -> dict[str, int]:
    """Rule -> job count that a dry run would execute (empty when nothing is to do)."""
    proc = run_snakemake(workdir, "--dry-run", "--quiet", "rules", *args, **kw)
    out = proc.stdout + proc.stderr
    counts: dict[str, int] = {}
    in_table = False
    for line in out.splitlines():
        parts = line.split()
        if parts[:2] == ["job", "count"]:
            in_table = True
            continue
        if in_table and len(parts) == 2 and parts[1].isdigit() and parts[0] != "total":
            counts[parts[0]] = int(parts[1])
        elif in_table and parts and parts[0] == "total":
            break
    return counts


@pytest.fixture(scope="session")
def built(tmp_path_factory, mirror) -> Path:
    """The whole workflow on config/test.yaml, built once per session in a private copy."""
    work = copy_project(tmp_path_factory.mktemp("e2e"))
    run_snakemake(work, "--cores", "2", mirror=mirror)
    return work


# Wall-clock fields differ between any two runs; everything else must not.
TIMING = re.compile(r"seconds|^device$")


def strip_timing(obj):
    if isinstance(obj, dict):
        return {k: strip_timing(v) for k, v in obj.items() if not TIMING.search(k)}
    if isinstance(obj, list):
        return [strip_timing(v) for v in obj]
    return obj


def metrics_files(work: Path) -> dict[str, Path]:
    skip = {"report", "logs", "benchmarks"}  # the appendix and logs hold timings and paths by design
    return {str(p.relative_to(work / "results")): p for p in sorted((work / "results").rglob("*"))
            if p.suffix in {".json", ".csv"} and not skip & set(p.relative_to(work / "results").parts)}


def same_metrics(a_dir: Path, b_dir: Path) -> int:
    """Assert two builds wrote the same metrics (exactly, timing fields aside); return how many
    files are byte-identical."""
    a, b = metrics_files(a_dir), metrics_files(b_dir)
    assert a.keys() == b.keys() and len(a) > 30, sorted(set(a) ^ set(b))
    identical_bytes = 0
    for name in a:
        if a[name].suffix == ".csv":
            fa, fb = pd.read_csv(a[name]), pd.read_csv(b[name])
            cols = [c for c in fa.columns if not TIMING.search(c)]
            pd.testing.assert_frame_equal(fa[cols], fb[cols], check_exact=True, obj=name)
        else:
            ja, jb = json.loads(a[name].read_text()), json.loads(b[name].read_text())
            assert strip_timing(ja) == strip_timing(jb), name
            identical_bytes += a[name].read_bytes() == b[name].read_bytes()
    for name in ("data/linreg.csv", "ex1/summary.json", "ex2/summary.json", "ex1/max_lr.json"):
        assert (a_dir / "results" / name).read_bytes() == (b_dir / "results" / name).read_bytes(), name
    return identical_bytes
