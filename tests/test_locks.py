"""A lock that Snakemake left behind is released only when no build runs in the folder (gdlab.locks)."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from gdlab.locks import builds_in, is_snakemake, stale_lock


def fake_process(proc: Path, pid: int, argv: list[str], cwd: Path) -> None:
    entry = proc / str(pid)
    entry.mkdir(parents=True)
    (entry / "cmdline").write_bytes("\0".join(argv).encode() + b"\0")
    (entry / "cwd").symlink_to(cwd)


def test_snakemake_and_its_jobs_are_recognised_by_their_command_line():
    assert is_snakemake(["/p/.venv/bin/python3.11", "/p/.venv/bin/snakemake", "--cores", "all"])
    assert is_snakemake(["snakemake", "--cores", "1"])
    assert is_snakemake(["python", "-m", "snakemake", "--directory", "x"])
    assert is_snakemake(["/usr/bin/python", "/p/.snakemake/scripts/tmpab12.ex3_point.py"])
    assert not is_snakemake(["make", "report"])
    assert not is_snakemake(["python", "-m", "pytest", "tests/test_snakemake.py"])
    assert not is_snakemake(["python", "-m", "gdlab.locks"])
    assert not is_snakemake(["vim", "workflow/snakemake"])  # a file named so, as an argument of another program


def test_a_lock_is_stale_only_when_no_build_runs_in_its_folder(tmp_path):
    project, other, proc = tmp_path / "project", tmp_path / "other", tmp_path / "proc"
    (project / "results").mkdir(parents=True)
    other.mkdir()
    proc.mkdir()
    assert stale_lock(project, proc) is False  # no lock at all
    (project / ".snakemake" / "locks").mkdir(parents=True)
    (project / ".snakemake" / "locks" / "0.output.lock").write_text("results/x\n")
    fake_process(proc, 101, ["bash"], project)  # not a build
    fake_process(proc, 102, ["snakemake", "--cores", "1"], other)  # a build, elsewhere
    assert stale_lock(project, proc) is True
    assert builds_in(project, proc) == []
    fake_process(proc, 103, ["python", "/x/.snakemake/scripts/tmp1.ex3_point.py"], project / "results")
    assert builds_in(project, proc) == [103]  # a job still running after its Snakemake was killed: not stale
    assert stale_lock(project, proc) is False


def test_without_proc_nothing_is_decided(tmp_path):
    (tmp_path / ".snakemake" / "locks").mkdir(parents=True)
    (tmp_path / ".snakemake" / "locks" / "0.input.lock").write_text("x\n")
    assert stale_lock(tmp_path, tmp_path / "no-proc") is None


def test_a_running_job_is_found_in_the_real_proc(tmp_path):
    """The real /proc: a job script, run as Snakemake runs it, in the project folder, keeps the lock held."""
    if not Path("/proc/self/cmdline").exists():
        pytest.skip("no /proc here")
    script = tmp_path / ".snakemake" / "scripts" / "tmpab12.ex3_point.py"
    script.parent.mkdir(parents=True)
    script.write_text("import time\ntime.sleep(60)\n")
    job = subprocess.Popen([sys.executable, str(script)], cwd=tmp_path)
    try:
        # Until the child has exec'd the script, /proc shows the forked test process: wait for that state.
        cmdline = Path(f"/proc/{job.pid}/cmdline")
        deadline = time.monotonic() + 30
        while str(script).encode() not in cmdline.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert builds_in(tmp_path) == [job.pid]
        assert builds_in(tmp_path / "elsewhere") == []
    finally:
        job.kill()
        job.wait()
    assert builds_in(tmp_path) == []
