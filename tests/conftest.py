"""Shared fixtures: the repository root, the local data mirror, a tiny workflow runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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
