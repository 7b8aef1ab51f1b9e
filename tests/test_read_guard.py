"""The guard against order dependencies: gdlab.read_guard fails a job that touches a path of results/ it did not
declare, whether or not the path exists in this order of the jobs (README "Tests")."""

import os
import re
import shutil
import subprocess
import sys
import pytest

from conftest import copy_of_build, run_snakemake
from gdlab.read_guard import Declared

W = os.O_WRONLY | os.O_CREAT | os.O_TRUNC


@pytest.fixture
def job(tmp_path):
    """A job that declares one input file, one input folder (directory()) and one output, in tmp_path/results."""
    res = tmp_path / "results"
    for folder in ("ex1", "ex2", "data/mnist", "report"):
        (res / folder).mkdir(parents=True)
    declared = [res / "ex1" / "gd.json", res / "data" / "mnist", res / "report" / "out.json"]
    return Declared(str(res), "demo", map(str, declared)), res


def test_declared_inputs_outputs_and_what_a_declared_folder_holds_may_be_read(job):
    d, res = job
    for path in ("ex1/gd.json", "report/out.json", "data/mnist/train.pt"):
        assert d.why("open", (str(res / path), "r", 0)) is None
        assert d.why("open", (str(res / path), None, os.O_RDONLY)) is None


def test_an_undeclared_file_is_refused_whether_or_not_it_exists(job):
    d, res = job
    (res / "ex2" / "summary.json").write_text("{}")
    for path in ("ex2/summary.json", "ex2/missing.json", "ex1/gd.json.bak"):
        assert d.why("open", (str(res / path), "rb", 0)) == f"reads {res / path}"
        assert d.why("open", (str(res / path), None, os.O_RDWR)) == f"reads {res / path}"


def test_relative_paths_are_taken_from_the_working_folder(job, monkeypatch):
    d, res = job
    monkeypatch.chdir(res.parent)
    assert d.why("open", ("results/ex1/gd.json", "r", 0)) is None
    assert d.why("open", ("results/ex1/../ex2/x.json", "r", 0)) == f"reads {res / 'ex2' / 'x.json'}"


def test_paths_outside_results_and_writes_are_not_its_business(job, tmp_path):
    d, res = job
    assert d.why("open", (str(tmp_path / "config.yaml"), "r", 0)) is None
    assert d.why("open", (str(res / "ex2" / "new.json"), "w", 0)) is None
    assert d.why("open", (3, "r", 0)) is None  # a file descriptor: its path was checked when it was opened


def test_a_file_or_folder_the_job_made_itself_may_be_read_back(job):
    d, res = job
    tmp = res / "report" / ".out.json.x1.part"
    assert d.why("open", (str(tmp), None, W)) is None
    assert d.why("open", (str(tmp), "rb", 0)) is None  # a checksum of what it wrote, say
    assert d.why("os.rename", (str(tmp), str(res / "ex2" / "moved.json"), -1, -1)) is None
    assert d.why("open", (str(res / "ex2" / "moved.json"), "r", 0)) is None
    assert d.why("os.mkdir", (str(res / "fresh"), 0o777, -1)) is None
    assert d.why("os.listdir", (str(res / "fresh"),)) is None
    assert d.why("open", (str(res / "fresh" / "a.txt"), "r", 0)) is None


def test_a_folder_that_was_there_does_not_become_the_jobs_own_by_mkdir(job):
    d, res = job
    (res / "ex2" / "summary.json").write_text("{}")
    assert d.why("os.mkdir", (str(res / "ex2"), 0o777, -1)) is None  # mkdir(exist_ok=True): another job's folder
    assert d.why("open", (str(res / "ex2" / "summary.json"), "r", 0)) is not None


def test_folders_listed_entered_or_given_to_a_process_must_hold_something_declared(job):
    d, res = job
    for event in ("os.listdir", "os.scandir", "os.chdir"):
        assert d.why(event, (str(res / "ex1"),)) is None  # holds a declared input
        assert d.why(event, (str(res),)) is None
        assert d.why(event, (str(res / "ex2"),)) == f"{event.split('.')[1]} {res / 'ex2'}"
    assert d.why("subprocess.Popen", ("python", ["python", "-m", "x"], str(res / "ex1"), None)) is None
    assert d.why("subprocess.Popen", ("python", ["python"], str(res / "ex2"), None)) == \
        f"starts a process in {res / 'ex2'}"
    assert d.why("subprocess.Popen", ("pandoc", ["pandoc", str(res / "ex2" / "a.md")], None, None)) == \
        f"starts a process on {res / 'ex2' / 'a.md'}"


def test_installed_it_refuses_the_read_and_the_process_fails_even_if_the_job_swallowed_the_error(tmp_path):
    """The hook in a process of its own, as a job's script has it (workflow/read_guard/sitecustomize.py): nothing is
    checked before Snakemake's preamble made the job; then the undeclared read raises, and the process exits
    non-zero at the end although the script caught the error. (A process of its own: a hook cannot be removed.)"""
    res = tmp_path / "results"
    (res / "ex2").mkdir(parents=True)
    (res / "ex2" / "summary.json").write_text("{}")
    (res / "ex1.json").write_text("{}")
    script = f"""
import types
from gdlab.read_guard import install
install({str(res)!r})
open({str(res / 'ex2' / 'summary.json')!r}).read()  # the preamble has not made the job yet
snakemake = types.SimpleNamespace(rule="demo", input=[{str(res / 'ex1.json')!r}], output=[], log=[])
open({str(res / 'ex1.json')!r}).read()
try:
    open({str(res / 'ex2' / 'summary.json')!r}).read()
except OSError as e:
    print("caught:", type(e).__name__)
print("finished")
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert proc.stdout.splitlines() == ["caught: UndeclaredRead", "finished"], proc.stderr
    assert proc.returncode == 3
    assert f"read guard: rule demo reads {res / 'ex2' / 'summary.json'}, which is not among" in proc.stderr


@pytest.mark.e2e
def test_the_test_build_fails_a_job_that_reads_what_another_job_made_without_declaring_it(built, tmp_path_factory,
                                                                                          mirror):
    """In the workflow on its test configuration: a figure job that also reads Exercise 2's summary — made, in this
    order, long before — fails naming that file and its rule; nothing else runs."""
    work = copy_of_build(built, tmp_path_factory, "guarded")
    script = work / "workflow" / "scripts" / "ex1_figures.py"
    script.write_text(script.read_text() + '\nopen("results/ex2/summary.json").read()\n')
    assert (work / "results" / "ex2" / "summary.json").exists()
    proc = run_snakemake(work, "--until", "ex1_figures", "--cores", "1", mirror=mirror, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert f"read guard: rule ex1_figures reads {work / 'results' / 'ex2' / 'summary.json'}" in out
    assert set(re.findall(r"^(?:local)?rule (\w+):", out, re.M)) == {"ex1_figures"}
    shutil.rmtree(work)
