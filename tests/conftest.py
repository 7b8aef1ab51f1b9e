"""Shared fixtures: the repository root, the local data mirror, a workflow runner, one end-to-end build."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent.parent
SNAKEMAKE = [sys.executable, "-m", "snakemake"]
# What a checkout holds that the workflow reads (README, tests and the venv are not among it).
PROJECT_PARTS = ("workflow", "report", "config", "src")
PROJECT_FILES = ("environment.yml", "pyproject.toml", ".gitignore")


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
    for part in PROJECT_PARTS:
        shutil.copytree(REPO / part, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in PROJECT_FILES:
        shutil.copy(REPO / name, dest / name)
    return dest


def git(work: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(work), "-c", "user.name=gdlab tests", "-c", "user.email=tests@gdlab",
                           *args], capture_output=True, text=True, check=True).stdout


# The suite waits longest for the shared build `pristine` (every later test reads it): every other build runs at a
# lower CPU priority, in the time it leaves free. Only the order in which the CPUs serve them changes. Every process
# the suite starts stays in its session (a process group of its own, to be stopped whole, but no new session): Linux
# shares the CPUs fairly between sessions (autogroups) before it looks at nice values, so a build in a session of its
# own would take its share whatever its niceness.
NICENESS = 5


def snakemake_call(workdir: Path, *args: str, mirror: Path | None = None, configfile: str = "config/test.yaml",
                   niceness: int = NICENESS) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that run the workflow of the checkout ``workdir``."""
    env = dict(os.environ)
    if mirror is not None:
        env["GDLAB_DATA_MIRROR"] = str(mirror)
    # Targets and options first: --configfile takes several values and would swallow targets after it.
    cmd = SNAKEMAKE + [*args, "--directory", str(workdir), "--snakefile", str(workdir / "workflow" / "Snakefile"),
                       "--configfile", str(workdir / configfile)]
    return (["nice", "-n", str(niceness), *cmd] if niceness else cmd), env


def start_snakemake(workdir: Path, *args: str, **kw) -> subprocess.Popen:
    """The workflow started in the background (its own process group, so that it can be killed whole)."""
    cmd, env = snakemake_call(workdir, *args, **kw)
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=workdir,
                            process_group=0)


def finished(proc: subprocess.Popen, what: str, check: bool = True) -> subprocess.CompletedProcess:
    out, err = proc.communicate()
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {what} failed:\n{out[-4000:]}\n{err[-8000:]}")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def run_snakemake(workdir: Path, *args: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
    return finished(start_snakemake(workdir, *args, **kw), " ".join(args), check)


def planned_rules(workdir: Path, *targets: str, **kw) -> dict[str, int]:
    """Rule -> job count that a dry run (of ``targets``, or of everything) would execute; empty when nothing is to do."""
    proc = run_snakemake(workdir, *targets, "--dry-run", "--quiet", "rules", **kw)
    counts: dict[str, int] = {}
    in_table = False
    for line in (proc.stdout + proc.stderr).splitlines():
        parts = line.split()
        if parts[:2] == ["job", "count"]:
            in_table = True
        elif in_table and len(parts) == 2 and parts[1].isdigit() and parts[0] != "total":
            counts[parts[0]] = int(parts[1])
        elif in_table and parts and parts[0] == "total":
            break
    return counts


def write_config(work: Path, name: str, change) -> str:
    """The test configuration (config.yaml with the test.yaml overlay merged in), changed by ``change(cfg)`` and
    written as a config file of its own; returns its path relative to ``work``."""
    import yaml
    from snakemake.utils import update_config

    cfg = yaml.safe_load((work / "config" / "config.yaml").read_text())
    update_config(cfg, yaml.safe_load((work / "config" / "test.yaml").read_text()))
    change(cfg)
    (work / "config" / name).write_text(yaml.safe_dump(cfg))
    return f"config/{name}"


def shared_folder(config) -> Path:
    """This run's temporary folder, the same for every xdist worker (each worker's own base lies inside it)."""
    base = config._tmp_path_factory.getbasetemp()
    return base.parent if hasattr(config, "workerinput") else base


def rule_blocks(rules: Path = REPO / "workflow" / "rules"):
    """(rule file name, rule name, its text) for every rule of the workflow, as the rule files spell them."""
    for smk in sorted(rules.glob("*.smk")):
        for block in re.split(r"(?m)^rule ", smk.read_text())[1:]:
            yield smk.name, block.split(":", 1)[0], block


def seeded_rules(rules: Path = REPO / "workflow" / "rules") -> list[str]:
    """The rules whose jobs draw random numbers: a seed among their params. The summaries and figures aside, which
    only name the seeds or draw which digits to show."""
    found = []
    for _, name, block in rule_blocks(rules):
        params = re.search(r"(?ms)^    params:\n(.*?)(?=^    \w+:|\Z)", block)
        if params and "seed" in params.group(1) and not name.endswith(("_summary", "_figures")):
            found.append(name)
    return found


# The two full builds the end-to-end tests read, by fixture name: how each is made. Both run config/test.yaml's guard
# against undeclared inputs (read_guard, and shadow for pandoc's and typst's rules), each with one of Snakemake's
# schedulers. `pristine`: everything, the default scheduler (ilp), in a git checkout (so the appendix's commit is a
# real one). It includes, as `make report` does, the teaching assistants' check of its own hand-in (in their
# sandbox, where bubblewrap is installed): the run of the hand-in from its zip, offline, that tests read.
# `second`: the determinism witness — every job that draws random numbers (and what it needs, the data's download
# and preparation included), made again independently in a checkout of its own, with the other scheduler (greedy).
SELF_CHECK = ("all", "results/check/_self/passed.txt") if shutil.which("bwrap") else ()
SHARED = {"pristine": {"git": True, "args": lambda work, mirror: SELF_CHECK, "niceness": 0},
          "second": {"git": False, "niceness": NICENESS,
                     "args": lambda work, mirror: (*seeded_outputs(work, mirror), "--scheduler", "greedy")}}


def seeded_outputs(work: Path, mirror: Path) -> list[str]:
    """The files that the jobs of seeded_rules() write, read off a dry run of the whole workflow."""
    rules, rule, outputs = set(seeded_rules(work / "workflow" / "rules")), None, []
    for line in run_snakemake(work, "--dry-run", "--forceall", mirror=mirror).stdout.splitlines():
        if m := re.match(r"^(?:local)?rule (\w+):$", line):
            rule = m.group(1)
        elif rule in rules and (m := re.match(r"^    output: (.*)$", line)):
            outputs += m.group(1).split(", ")
    return outputs
_RUNNING: list[subprocess.Popen] = []  # this process's builds, to stop if the session ends first


def make_shared(shared: Path, name: str, mirror: Path) -> dict:
    """The shared build ``name``, made unless it is done: under a file lock, so that exactly one worker makes it and
    the others wait. Returns {"path": ...}, or {"error": ...} when the build failed (in whichever worker)."""
    from filelock import FileLock

    spec, done = SHARED[name], shared / f"{name}.json"
    with FileLock(str(shared / f"{name}.lock")):
        if not done.exists():
            work = shared / name
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            copy_project(work)
            if spec["git"]:
                git(work, "init", "-q")
                git(work, "add", "-A")
                git(work, "commit", "-qm", "the checkout under test")
            proc = start_snakemake(work, *spec["args"](work, mirror), "--cores", "2", mirror=mirror,
                                   niceness=spec["niceness"])
            _RUNNING.append(proc)
            try:
                finished(proc, f"of the shared test build {name!r}")
                done.write_text(json.dumps({"path": str(work)}))
            except AssertionError as e:
                done.write_text(json.dumps({"error": str(e)}))  # the other worker fails at once, not after a rebuild
    return json.loads(done.read_text())


def shared_build(request, name: str, mirror: Path) -> Path:
    made = make_shared(shared_folder(request.config), name, mirror)
    if "error" in made:
        pytest.fail(f"the shared test build {name!r} failed:\n{made['error'][-6000:]}", pytrace=False)
    return Path(made["path"])


def copy_of_build(build: Path, tmp_path_factory, name: str) -> Path:
    """A private copy of a finished build (its checkout, results and Snakemake's records), for a test to edit."""
    work = tmp_path_factory.mktemp(name)
    shutil.copytree(build, work, symlinks=True, dirs_exist_ok=True)
    return work


_STARTED: set[str] = set()  # the shared builds this process has started


def start_shared(config, names) -> None:
    """Start the shared builds ``names`` in the background of this process (once each; the lock lets one process
    build each, the others wait), then lower this thread's CPU priority below theirs."""
    mirror = data_mirror()
    if mirror is None or not (mirror / "mnist").is_dir() or config.option.collectonly:
        return  # no data to build from (the tests that need the builds are skipped), or no test to run
    for name in set(names) - _STARTED:
        _STARTED.add(name)
        threading.Thread(target=make_shared, args=(shared_folder(config), name, mirror), daemon=True).start()
    if os.getpriority(os.PRIO_PROCESS, 0) < NICENESS:
        # The tests themselves run at a lower CPU priority than `pristine`, which every later test waits for. On
        # Linux a nice value belongs to a thread: the build threads just started, and what they start, keep theirs.
        os.nice(NICENESS - os.getpriority(os.PRIO_PROCESS, 0))


def pytest_sessionstart(session):
    # The whole suite (make test) needs both shared builds, the longest setups of the suite: each worker starts them
    # at once, before it collects the tests (seconds of imports on a busy machine). Not the process that only hands
    # the tests out to the workers.
    config = session.config
    if config.pluginmanager.has_plugin("dsession") or config.option.keyword or config.option.markexpr:
        return
    if all((config.invocation_params.dir / arg.split("::")[0]).resolve() == REPO / "tests" for arg in config.args):
        start_shared(config, SHARED)


def pytest_collection_finish(session):
    # Any other selection: the builds its tests need, as soon as the tests are known, while the workers run the tests
    # that need no build — most of those wait on a sandbox's clock or a cluster's queue, not on the CPUs.
    start_shared(session.config, [name for name in SHARED
                                  if any(name in getattr(item, "fixturenames", ()) for item in session.items)])


def pytest_sessionfinish(session):
    for proc in _RUNNING:
        if proc.poll() is None:  # the session ended (-x, Ctrl-C) while a build ran: stop it, not orphan it
            os.killpg(proc.pid, signal.SIGTERM)


@pytest.fixture(scope="session")
def pristine(request, mirror) -> Path:
    """The whole workflow on config/test.yaml (SHARED). Never edited: a test that edits it works on a copy (`built`)."""
    return shared_build(request, "pristine", mirror)


@pytest.fixture(scope="session")
def second(request, mirror) -> Path:
    """The jobs that draw random numbers, made again independently (SHARED). Never edited."""
    return shared_build(request, "second", mirror)


@pytest.fixture(scope="session")
def built(request, pristine, tmp_path_factory) -> Path:
    """A copy of the shared build that its readers may edit in place (and restore)."""
    only_one_worker_builds(request)
    return copy_of_build(pristine, tmp_path_factory, "e2e")


@pytest.fixture(scope="session")
def edited(request, pristine, tmp_path_factory) -> Path:
    """A copy of the shared build that its tests change for good (a configuration, a dataset, a killed build)."""
    only_one_worker_builds(request)
    return copy_of_build(pristine, tmp_path_factory, "edited")


# Two xdist workers. The shared builds (SHARED) start in the background at once; meanwhile both workers run the tests
# that need no build (those marked `waits` first), a module at a time (its module-scoped fixtures made once), then
# one worker each group of the tests that need `pristine`, then what compares it with `second` (make test hands the
# work out in this order: --no-loadscope-reorder). Group "edits": the tests that change `edited` (all in one
# worker: it is changed in place), the teaching assistants' check (its own copy of `pristine`) and the determinism
# test; group "builds": the other readers of `pristine` and of `built` (one moves it away and back).
def build_group(item) -> str:
    names = set(getattr(item, "fixturenames", ()))
    marked = item.get_closest_marker("xdist_group")
    if {"edited", "second"} & names or (marked and marked.args[0] == "edits"):
        return "edits"
    return "builds" if "pristine" in names else item.module.__name__


def plan_rank(item) -> float:
    names = set(getattr(item, "fixturenames", ()))
    if item.get_closest_marker("waits"):
        return -1  # first: they wait on a clock or a queue while the shared builds use the CPUs
    if item.get_closest_marker("pristine_at_end"):
        return 0.5  # after the other tests that need no build: at its end it waits for `pristine`
    return 2 if "second" in names else 1 if "pristine" in names else 0


def pytest_itemcollected(item):
    # Marked as each test is collected, so that the mark is there when xdist reads it.
    item.add_marker(pytest.mark.xdist_group(build_group(item)))


def pytest_collection_modifyitems(config, items):
    items.sort(key=plan_rank)  # stable: each module's order is kept within a rank


def only_one_worker_builds(request) -> None:
    """xdist groups by a suffix it writes into each node id; where pytest ignores that write (pytest-xdist#1386,
    pytest 9.2) every worker would make its own copy of each build, silently doubling the suite's time."""
    group = build_group(request._pyfuncitem)
    if getattr(request.config.option, "loadgroup", False) and not request._pyfuncitem.nodeid.endswith(f"@{group}"):
        pytest.fail("pytest-xdist did not keep the tests that share the builds in one worker: these versions of "
                    "pytest and pytest-xdist do not work together (pytest-xdist#1386); use those pinned in "
                    "pyproject.toml", pytrace=False)


# Wall-clock fields differ between any two runs; everything else must not.
TIMING = re.compile(r"seconds|_time$|^device$|^timing$|^timing_facts$")


def strip_timing(obj, ignore=frozenset()):
    """``obj`` without its timing fields (and the keys in ``ignore``), at every depth."""
    if isinstance(obj, dict):
        return {k: strip_timing(v, ignore) for k, v in obj.items() if not TIMING.search(k) and k not in ignore}
    if isinstance(obj, list):
        return [strip_timing(v, ignore) for v in obj]
    return obj


def metrics_files(work: Path, under: str = "") -> dict[str, Path]:
    skip = {"report", "logs", "benchmarks", "notebooks", "submission"}  # provenance, paths and timings by design
    root = work / "results"
    return {str(p.relative_to(root)): p for p in sorted((root / under).rglob("*"))
            if p.suffix in {".json", ".csv"} and not skip & set(p.relative_to(root).parts)}


def same_metrics(a_dir: Path, b_dir: Path, under: str = "", at_least: int = 30, ignore=frozenset()) -> int:
    """Assert two builds wrote the same metrics (exactly, timing fields and the keys in ``ignore`` aside);
    return how many files are byte-identical. ``under`` restricts the comparison to one folder of results/."""
    a, b = metrics_files(a_dir, under), metrics_files(b_dir, under)
    assert set(b) <= set(a) and len(b) >= at_least, (len(b), sorted(set(b) - set(a)))
    identical_bytes = 0
    for name in b:
        if a[name].suffix == ".csv":
            fa, fb = pd.read_csv(a[name]), pd.read_csv(b[name])
            cols = [c for c in fa.columns if not TIMING.search(c)]
            pd.testing.assert_frame_equal(fa[cols], fb[cols], check_exact=True, obj=name)
        else:
            ja, jb = json.loads(a[name].read_text()), json.loads(b[name].read_text())
            assert strip_timing(ja, ignore) == strip_timing(jb, ignore), name
        identical_bytes += a[name].read_bytes() == b[name].read_bytes()
    return identical_bytes


def assert_hand_gradient_is_autograds(cost, gradient_cost, X, Y, w, shape, atol):
    """A model's hand-written gradient at ``w`` against torch.autograd's of its cost (micrograd's test)."""
    import torch

    w = w.detach().clone().requires_grad_()
    cost(X, Y, w).backward()
    g = gradient_cost(X, Y, w.detach())
    assert g.shape == shape
    torch.testing.assert_close(g, w.grad, rtol=1e-12, atol=atol)
