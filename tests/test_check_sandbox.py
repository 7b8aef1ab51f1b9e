"""Hand-ins are untrusted code: a hostile notebook, run by the checker's sandbox (bubblewrap, prlimit, setpriv), is
contained and reported. One notebook tries everything, one attack per cell (a failing cell does not end the run, so
every attack is tried and each cell's output tells what happened); two more prove the wall-clock and CPU limits."""

from __future__ import annotations

import copy
import json
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from gdlab.check import job

BWRAP = shutil.which("bwrap")
pytestmark = [pytest.mark.waits, pytest.mark.skipif(BWRAP is None and not os.environ.get("GDLAB_REQUIRE_BWRAP"),
                                reason="bubblewrap is not installed (apt-get install bubblewrap)")]
SETTINGS = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["check"]


def settings(**limits) -> dict:
    s = copy.deepcopy(SETTINGS)
    s.update(cell_timeout_s=4, probe_timeout_s=30)
    s["limits"].update({"wall_s": 120, "processes": 64, "file_mb": 16, "tmp_mb": 32, **limits})
    return s


def notebook(*cells: str) -> dict:
    return {"cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": c}
                      for c in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def run(tmp_path: Path, nb: dict, s: dict):
    folder = tmp_path / "folder"
    folder.mkdir(exist_ok=True)
    (folder / "hostile.ipynb").write_text(json.dumps(nb))
    work = tmp_path / "work"
    work.mkdir()
    return job.run_in_sandbox(folder, "hostile.ipynb", s, job.make_probe_spec(None, s, "/out/probe.json")[0], work)


def printed(rerun: dict) -> str:
    return "".join("".join(o.get("text", "")) for c in rerun["cells"] for o in c.get("outputs", [])
                   if o.get("output_type") == "stream")


def attack(name: str, body: str) -> str:
    """A cell that tries ``body`` and prints whether it got through."""
    inner = "\n".join("    " + line for line in body.strip().splitlines())
    return f"try:\n{inner}\n    print('{name}: GOT THROUGH')\nexcept BaseException as e:\n    print('{name}: blocked', type(e).__name__)\n"


@pytest.fixture
def other_group(tmp_path):
    """Another group's folder with a secret, and the project's results/ folder, on the checker's machine."""
    other = tmp_path / "G99_Other"
    other.mkdir()
    (other / "secret.txt").write_text("the other group's answers")
    return other


@pytest.fixture
def listener():
    """A TCP server on the checker's loopback: a sandboxed notebook must not reach it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    yield server.getsockname()[1], accepted
    server.close()


def test_a_hostile_notebook_is_contained_cell_by_cell(tmp_path, other_group, listener):
    port, accepted = listener
    outside = tmp_path / "written_outside.txt"
    nb = notebook(
        "import gdlab_no_such_package  # the grader lacks it",
        attack("ssh", "import os; print(os.listdir(os.path.expanduser('~/.ssh')) + os.listdir('/root/.ssh'))"),
        attack("shadow", "print(open('/etc/shadow').read()[:20])"),
        attack("passwd", "print(open('/etc/passwd').read()[:20])"),
        attack("other group", f"print(open({str(other_group / 'secret.txt')!r}).read())"),
        attack("results", f"print(os.listdir({str(REPO / 'results')!r}))"),
        attack("socket out", "import socket; socket.create_connection(('1.1.1.1', 53), timeout=2)"),
        attack("socket host", f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)"),
        attack("write folder", "open('mine.txt', 'w').write('x')"),
        attack("write outside", f"open({str(outside)!r}, 'w').write('x')"),
        attack("big file", "f = open('/tmp/big', 'wb')\nfor _ in range(64): f.write(bytes(2**20))\nf.close()"),
        attack("100 GB", "x = bytearray(100 * 2**30)"),
        "import os\npid = os.fork()\nif pid == 0:\n    os._exit(0)\nos.waitpid(pid, 0)\nprint('one fork is fine')",
        "import time\ntime.sleep(10**6)",
        "while True:\n    print('x' * 1000)",
        "print('still running after all that')",
    )
    run_, runner, rerun, _ = run(tmp_path, nb, settings())
    out = printed(rerun)
    assert "GOT THROUGH" not in out, out
    for name in ("ssh", "shadow", "passwd", "other group", "results", "socket out", "socket host", "write folder",
                 "write outside", "big file", "100 GB"):
        assert f"{name}: blocked" in out, (name, out[-3000:])
    assert "100 GB: blocked MemoryError" in out
    assert "big file: blocked OSError" in out  # RLIMIT_FSIZE (EFBIG) or the tmpfs's size
    assert "one fork is fine" in out
    assert not outside.exists() and not accepted
    assert "still running after all that" in out  # the sleeping and the printing cells were interrupted, not fatal
    errors = {c["index"]: c["error"] for c in runner["cells"] if c.get("error")}
    assert errors[0] == {"exception": "ModuleNotFoundError", "message": "No module named 'gdlab_no_such_package'",
                         "line": 1}
    assert set(errors) == {0, 13, 14}  # and the sleep and the print: cut off by the cell time limit
    assert errors[13]["exception"] == "KeyboardInterrupt" and errors[13]["line"] == 2
    cut = [c["index"] for c in runner["cells"] if c.get("output_cut")]
    assert cut == [14] and len(json.dumps(rerun)) < 3 * settings()["max_total_output"]
    assert runner["kernel_died"] is None and not run_.killed


def test_a_fork_bomb_hits_the_process_limit_of_its_own_uid_and_dies_with_the_sandbox(tmp_path):
    """Processes and threads count against the job's own unprivileged uid (never root, for which RLIMIT_NPROC is
    not enforced): the bomb is blocked, its cell's time limit or the wall clock ends it, and nothing of it survives."""
    import subprocess

    nb = notebook("import os\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n            while True:\n"
                  "                try:\n                    os.fork()\n                except OSError:\n"
                  "                    pass\n        n += 1\nexcept OSError as e:\n    print('blocked after', n, flush=True)\n"
                  "    import time; time.sleep(10**6)")
    s = settings(wall_s=10)
    uid = None
    if os.geteuid() == 0:
        from gdlab.check import sandbox
        uid = sandbox.job_uid(s["uid_base"], s["uid_span"], str(tmp_path / "work"))
    run_, runner, _, _ = run(tmp_path, nb, s)
    # Either the wall clock ends the stalled sandbox, or the kernel still answers and the cell's time limit
    # interrupts the bomb's sleep after the limit blocked it (which one depends on the machine's speed).
    interrupted = runner is not None and [c.get("error", {}).get("exception") for c in runner["cells"]] == [
        "KeyboardInterrupt"]
    assert (run_.killed or interrupted) and run_.seconds < 40, (run_, runner)
    assert subprocess.run(["true"]).returncode == 0  # the checker itself can still start processes
    if uid is not None:  # none survives its sandbox (the kernel takes a moment to reap a few hundred processes)
        import time
        deadline = time.monotonic() + 10
        while subprocess.run(["pgrep", "-u", str(uid)], capture_output=True).stdout and time.monotonic() < deadline:
            time.sleep(0.2)
        assert subprocess.run(["pgrep", "-u", str(uid)], capture_output=True).stdout == b""


def test_a_notebook_that_ignores_interrupts_is_killed_at_the_wall_clock_limit(tmp_path):
    nb = notebook("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(10**6)")
    run_, runner, _, _ = run(tmp_path, nb, settings(wall_s=10))
    assert run_.killed and runner is None and run_.seconds < 30


def test_a_notebook_over_its_cpu_time_loses_its_kernel_and_says_so(tmp_path):
    nb = notebook("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
                  "print('after')")
    s = settings(cpu_s=4)
    s["cell_timeout_s"] = 60
    run_, runner, _, _ = run(tmp_path, nb, s)
    assert not run_.killed and runner["kernel_died"] is not None, runner
    assert runner["kernel_died"]["index"] == 0


def test_a_notebook_that_kills_the_runner_and_forges_its_result_is_not_believed(tmp_path):
    forged = json.dumps({"cells": [{"index": 0, "seconds": 0, "error": "forged"}], "probe": None})
    nb = notebook(f"import os, signal\nopen('/out/result.json', 'w').write({forged!r})\nos.kill(os.getppid(), signal.SIGKILL)")
    run_, runner, _, _ = run(tmp_path, nb, settings())
    assert runner is not None  # the file the notebook wrote came back ...
    assert not job._valid_runner(runner)  # ... and is refused: the check reports an unfinished run instead
