"""Reliability and reproducibility: reruns only what changed, survives faults, refuses bad input, is deterministic."""

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
import torch
import yaml

from conftest import REPO, SNAKEMAKE, copy_project, planned_rules, run_snakemake, same_metrics
from gdlab.data import load_tensors
from gdlab.io import atomic_path, write_json

pytestmark = pytest.mark.e2e

TRAINING = ("ex1_gd", "ex1_max_lr", "ex1_conditioning", "ex2_gd", "ex2_optimum", "ex2_lr_range", "ex3_reference",
            "ex3_grid_point", "ex3_favourite", "ex4_overfit", "ex4_data_size")


@pytest.fixture(scope="module")
def second(tmp_path_factory, mirror):
    """A second, independent build of the test config (for determinism and for the fault tests)."""
    work = copy_project(tmp_path_factory.mktemp("second"))
    run_snakemake(work, "--cores", "2", mirror=mirror)
    return work


def write_config(work: Path, name: str, change) -> str:
    cfg = yaml.safe_load((work / "config" / "test.yaml").read_text())
    change(cfg)
    (work / "config" / name).write_text(yaml.safe_dump(cfg))
    return f"config/{name}"


# --- determinism ---------------------------------------------------------------------------

def test_two_builds_give_identical_metrics(built, second):
    # Files without wall-clock fields are byte-identical, not merely equal.
    assert same_metrics(built, second) >= 10


def test_a_different_seed_gives_different_numbers(tmp_path, mirror):
    work = copy_project(tmp_path)
    cfgfile = write_config(work, "seed.yaml", lambda c: c.update(seed=c["seed"] + 1))
    run_snakemake(work, "results/ex1/summary.json", "results/ex2/summary.json", "--cores", "2", configfile=cfgfile,
                  mirror=mirror)
    ours = json.loads((work / "results" / "ex1" / "summary.json").read_text())
    other = copy_project(tmp_path / "default")
    run_snakemake(other, "results/ex1/summary.json", "--cores", "2", mirror=mirror)
    base = json.loads((other / "results" / "ex1" / "summary.json").read_text())
    assert ours["closed_form"]["theta"] != base["closed_form"]["theta"]


# --- rerun only what changed ---------------------------------------------------------------

def edited(path: Path):
    """Context: append a comment to a file, restore content and mtime afterwards."""
    class Ctx:
        def __enter__(self):
            self.text, self.stat = path.read_text(), path.stat()
            path.write_text(self.text + "\n# edited by a test\n")
        def __exit__(self, *exc):
            path.write_text(self.text)
            os.utime(path, ns=(self.stat.st_atime_ns, self.stat.st_mtime_ns))
    return Ctx()


def test_nothing_changed_plans_nothing(second, mirror):
    assert planned_rules(second, mirror=mirror) == {}


def test_editing_a_training_script_reruns_exactly_its_jobs(second, mirror):
    with edited(second / "scripts" / "ex2_gd.py"):
        plan = planned_rules(second, mirror=mirror)
    cfg = yaml.safe_load((second / "config" / "test.yaml").read_text())
    assert plan["ex2_gd"] == len(set(cfg["ex2"]["lr_study"]) | {cfg["ex2"]["lr"]})
    assert not {r for r in plan if r in TRAINING} - {"ex2_gd"}
    assert planned_rules(second, mirror=mirror) == {}  # restored: nothing to do again


def test_editing_the_shared_package_reruns_exactly_its_users(second, mirror):
    with edited(second / "src" / "gdlab" / "logreg.py"):
        plan = planned_rules(second, mirror=mirror)
    assert {"ex2_prepare", "ex2_dummy", "ex2_gd", "ex2_optimum", "ex2_lr_range"} <= plan.keys()
    assert not any(r.startswith(("ex1_", "ex3_", "ex4_", "fetch", "mnist")) for r in plan)
    with edited(second / "src" / "gdlab" / "softmax.py"):
        plan = planned_rules(second, mirror=mirror)
    assert {"ex3_reference", "ex3_grid_point", "ex3_favourite", "ex4_overfit", "ex4_data_size"} <= plan.keys()
    assert not any(r.startswith(("ex1_", "ex2_")) for r in plan)
    assert planned_rules(second, mirror=mirror) == {}


def test_a_plot_style_change_retrains_nothing(second, mirror):
    cfgfile = write_config(second, "style.yaml", lambda c: c["plot"].update(dpi=c["plot"]["dpi"] + 10))
    plan = planned_rules(second, configfile=cfgfile, mirror=mirror)
    assert any("fig" in r for r in plan) and "report_pdf" in plan
    assert not plan.keys() & set(TRAINING)


# --- faults ----------------------------------------------------------------------------------

def test_killed_mid_training_resumes_without_recomputing(second, mirror):
    """Two learning rates added to the grid; the build is killed (SIGTERM, then SIGKILL) while it trains them."""
    cfgfile = write_config(second, "more.yaml", lambda c: c["ex3"]["grid"]["lrs"].extend([0.003, 0.03]))
    grid_dir = second / "results" / "ex3" / "grid"
    old = {p: p.stat().st_mtime_ns for p in grid_dir.glob("*.json")}
    env = dict(os.environ, GDLAB_DATA_MIRROR=str(mirror))
    cmd = SNAKEMAKE + ["--cores", "1", "--directory", str(second), "--snakefile",
                       str(second / "workflow" / "Snakefile"), "--configfile", str(second / cfgfile)]
    proc = subprocess.Popen(cmd, cwd=second, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    logs = second / "results" / "logs" / "ex3" / "grid"

    def new_outputs():
        return {p for p in grid_dir.glob("*.json") if p not in old}

    deadline = time.time() + 300
    # Wait until one new grid point is complete and the next one has started training.
    while time.time() < deadline and proc.poll() is None:
        done = new_outputs()
        started = [l for l in logs.glob("*.log") if grid_dir / (l.stem + ".json") not in set(old) | done
                   and l.stat().st_mtime > time.time() - 60]
        if done and started:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the build finished before it could be interrupted"
    time.sleep(1.5)  # inside the next training job
    os.killpg(proc.pid, signal.SIGTERM)
    time.sleep(3)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    finished = {p: p.stat().st_mtime_ns for p in new_outputs()}
    cfg = yaml.safe_load((second / cfgfile).read_text())["ex3"]["grid"]
    n_new = 2 * len(cfg["batch_sizes"]) * len(cfg["seeds"])  # two new rates, every batch size and seed
    assert finished and len(finished) < n_new
    # No truncated file anywhere: every JSON that exists parses, no temporary file is left to be read.
    for p in (second / "results").rglob("*.json"):
        json.loads(p.read_text())
    run_snakemake(second, "--cores", "2", configfile=cfgfile, mirror=mirror)
    assert len(new_outputs()) == n_new
    assert {p: p.stat().st_mtime_ns for p in finished} == finished  # completed grid points not recomputed
    assert {p: p.stat().st_mtime_ns for p in old} == old
    assert planned_rules(second, configfile=cfgfile, mirror=mirror) == {}


def test_unwritable_results_folder_is_a_clear_error(tmp_path, mirror):
    work = copy_project(tmp_path)
    (work / "results").write_text("not a folder")
    proc = run_snakemake(work, "--cores", "1", mirror=mirror, check=False)
    assert proc.returncode != 0
    assert "results folder is not writable" in proc.stdout + proc.stderr


def test_too_little_disk_is_a_clear_error(tmp_path, mirror):
    work = copy_project(tmp_path)
    cfgfile = write_config(work, "disk.yaml", lambda c: c.update(min_free_mb=1e12))
    proc = run_snakemake(work, "--cores", "1", configfile=cfgfile, mirror=mirror, check=False)
    assert proc.returncode != 0
    assert "min_free_mb" in proc.stdout + proc.stderr and "MB free" in proc.stdout + proc.stderr
    assert not (work / "results" / "data").exists()


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path):
    target = tmp_path / "out.json"
    write_json(target, {"v": 1})
    with pytest.raises(OSError):
        with atomic_path(target) as tmp:
            tmp.write_text('{"v": 2, "trunc')
            raise OSError(28, "No space left on device")
    assert json.loads(target.read_text()) == {"v": 1} and list(tmp_path.iterdir()) == [target]


# --- bad input -------------------------------------------------------------------------------

def corrupt_mirror(tmp_path: Path, mirror: Path, how: str) -> Path:
    bad = tmp_path / "mirror"
    shutil.copytree(mirror, bad)
    for p in bad.rglob("*"):
        p.chmod(0o644 if p.is_file() else 0o755)
    spine = bad / "spine" / "Dataset_spine.csv"
    labels = bad / "mnist" / "t10k-labels-idx1-ubyte.gz"
    if how == "bitflip":
        data = bytearray(spine.read_bytes())
        data[500] ^= 0x01
        spine.write_bytes(bytes(data))
        return bad
    if how == "truncated":
        labels.write_bytes(labels.read_bytes()[:-100])
    elif how == "html":
        labels.write_bytes(b"<!DOCTYPE html><html><body>Service Unavailable</body></html>")
    return bad


@pytest.mark.parametrize("how, target, name", [
    ("bitflip", "results/data/raw/spine/Dataset_spine.csv", "spine/Dataset_spine.csv"),
    ("truncated", "results/data/raw/mnist/t10k-labels-idx1-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz"),
    ("html", "results/data/raw/mnist/t10k-labels-idx1-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz"),
])
def test_corrupt_dataset_stops_the_build_naming_the_file(tmp_path, mirror, how, target, name):
    bad = corrupt_mirror(tmp_path, mirror, how)
    work = copy_project(tmp_path / "work")
    proc = run_snakemake(work, target, "--cores", "1", mirror=bad, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and name in out
    if how == "bitflip":
        assert "expected SHA-256 9a817cbb" in out and "got " in out
    if how == "html":
        assert "HTML" in out
    assert not (work / target).exists() and not list((work / target).parent.glob(".*part"))


@pytest.mark.parametrize("text, expect", [
    ("missing_column", "missing ['scoliosis_slope']"),
    ("text_cell", "column 'pelvic_tilt': expected a number, found 'abc'"),
    ("empty", "not a readable CSV"),
    ("unknown_label", "expected one of ['Abnormal', 'Normal'], found 'Sick'"),
])
def test_bad_spine_csv_stops_ex2_and_keeps_other_results(second, mirror, tmp_path, text, expect):
    src = (mirror / "spine" / "Dataset_spine.csv").read_text().splitlines()
    if text == "missing_column":
        lines = [",".join(l.split(",")[:11] + l.split(",")[12:]) for l in src]
    elif text == "text_cell":
        lines = src[:3] + [src[3].replace(src[3].split(",")[1], "abc", 1)] + src[4:]
    elif text == "empty":
        lines = []
    else:
        lines = src[:5] + [src[5].rsplit(",", 1)[0] + ",Sick"] + src[6:]
    bad = tmp_path / "spine.csv"
    bad.write_text("\n".join(lines) + ("\n" if lines else ""))
    cfgfile = write_config(second, f"bad_{text}.yaml", lambda c: c["ex2"].update(csv=str(bad)))
    ex1 = (second / "results" / "ex1" / "summary.json").read_bytes()
    proc = run_snakemake(second, "results/ex2/summary.json", "--cores", "1", configfile=cfgfile, mirror=mirror,
                         check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and str(bad) in out and expect in out
    assert (second / "results" / "ex1" / "summary.json").read_bytes() == ex1
    assert not list((second / "results" / "ex2").glob(".*part"))


@pytest.mark.parametrize("change, key", [
    (lambda c: c["ex3"]["grid"].update(batch_sizes=[64, 60000]), "ex3.grid.batch_sizes"),
    (lambda c: c["ex3"].update(val_size=20000) or c["ex4"]["data_size"].update(sizes=[30, 45000]),
     "ex4.data_size.sizes"),
    (lambda c: c["ex2"].update(lr=0), "lr"),
])
def test_settings_that_do_not_fit_are_refused(tmp_path, change, key):
    work = copy_project(tmp_path)
    cfgfile = write_config(work, "bad.yaml", change)
    proc = run_snakemake(work, "--dry-run", configfile=cfgfile, check=False)
    assert proc.returncode != 0 and key in proc.stdout + proc.stderr


# --- security --------------------------------------------------------------------------------

def test_no_rule_runs_a_shell():
    """Config strings never reach a shell: every rule runs a Python script."""
    for smk in (REPO / "workflow").rglob("*.smk"):
        text = smk.read_text()
        assert not re.search(r"^\s+(shell|run):", text, re.M), smk


def test_tensor_files_load_without_unpickling(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    path = tmp_path / "evil.pt"
    torch.save({"x": Evil()}, path)
    with pytest.raises(Exception, match="(?i)weights.only|unsupported|global"):
        load_tensors(path)


def test_downloads_are_https_only_in_config():
    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    urls = [u for ds in cfg["data"]["datasets"].values() for u in ds["urls"]]
    assert urls and all(u.startswith("https://") for u in urls)
    assert all(re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) for ds in cfg["data"]["datasets"].values()
               for f in ds["files"].values())
