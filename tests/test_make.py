"""The Makefile's `make report`: one Snakemake call for the build and the own hand-in's check, then the provenance
record, made again only when it could differ. Run against a stand-in for Snakemake that logs its calls."""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# The stand-in: logs each call's arguments; `--report FILE` writes FILE, as Snakemake does.
FAKE_SNAKEMAKE = """#!/bin/sh
echo "$*" >> calls.log
if [ "$1" = "--report" ]; then echo report > "$2"; fi
"""


@pytest.fixture
def project(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    for folder in ("results/ex1", "workflow", "config", "report", "src"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "results/ex1/summary.json").write_text("{}")
    (tmp_path / "config/config.yaml").write_text("seed: 1\n")
    (tmp_path / "pyproject.toml").write_text("")
    fake = tmp_path / "fakebin"
    fake.mkdir()
    (fake / "snakemake").write_text(FAKE_SNAKEMAKE)
    (fake / "python").write_text("#!/bin/sh\n")  # gdlab.locks: nothing to release here
    for f in fake.iterdir():
        f.chmod(0o755)
    return tmp_path


def make_report(project: Path, *args: str) -> list[str]:
    """Run `make report` (the virtual environment counted as installed); the Snakemake calls it made."""
    log = project / "calls.log"
    log.unlink(missing_ok=True)
    proc = subprocess.run(["make", "-o", ".venv/.installed", "report", f"BIN={project / 'fakebin'}", *args],
                          cwd=project, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return log.read_text().splitlines()


def newer(project: Path, name: str) -> None:
    """Change the file ``name`` after the record was made (the record and its stamp dated back, clear of the clock's
    grain)."""
    before = time.time() - 10
    for made in ("results/report/provenance.html", "results/report/.provenance-of"):
        os.utime(project / made, (before, before))
    (project / name).touch()


def test_one_snakemake_call_builds_and_checks_then_the_record_is_made(project):
    calls = make_report(project)
    assert len(calls) == 2
    assert calls[0].split()[-2:] == ["all", "results/check/_self/passed.txt"]
    assert calls[1].startswith("--report results/report/provenance.html")
    assert (project / "results/report/provenance.html").read_text() == "report\n"


def test_the_record_is_made_again_only_when_it_could_differ(project):
    make_report(project)
    assert [c.startswith("--report") for c in make_report(project)] == [False]  # nothing newer: the build alone
    newer(project, "results/ex1/summary.json")  # a job ran again
    assert make_report(project)[-1].startswith("--report")
    assert len(make_report(project)) == 1
    newer(project, "config/config.yaml")
    assert make_report(project)[-1].startswith("--report")
    calls = make_report(project, "ARGS=--configfile my.yaml")  # another configuration: another record
    assert calls[-1] == "--report results/report/provenance.html --configfile my.yaml"
    assert len(make_report(project, "ARGS=--configfile my.yaml")) == 1
    assert len(make_report(project)) == 2  # back to the default: the record was the other one's


def test_targets_build_only_those_and_leave_out_the_check(project):
    calls = make_report(project, "TARGETS=results/ex3/grid.csv")
    assert calls[0].split()[-1] == "results/ex3/grid.csv" and "passed.txt" not in calls[0]
    assert calls[1] == "--report results/report/provenance.html results/ex3/grid.csv"


def test_a_record_that_failed_is_made_again(project):
    make_report(project)
    (project / "results/report/provenance.html").unlink()
    assert make_report(project)[-1].startswith("--report")
