# Helpers shared by the rule files.
from pathlib import Path

import pandas as pd
from snakemake.utils import Paramspace

REPO = Path(workflow.basedir).parent
SRC = REPO / "src" / "gdlab"
# One environment for every rule (`--use-conda` builds it; the README's venv is the same pins).
CONDA_ENV = str(REPO / "environment.yml")


# Per-job memory (MB) and wall-time limit (minutes), declared on every rule: the local scheduler
# (`--resources mem_mb=N` caps the sum) and the SLURM executor (--mem, --time) read the same numbers.
# From a full build of config/config.yaml on 2 cores (results/benchmarks/*.tsv, max_rss and s;
# `make peaks` prints each job's peak next to its declaration): jobs that hold MNIST peaked at
# 1.4 GB, other torch jobs at 0.9 GB, plots and the report at 0.2 GB; memory is that x ~1.5.
# The longest job took 155 s; a SLURM job over its time is killed, so time has ample headroom.
RESOURCES = {
    "light": {"mem_mb": 512, "runtime": 10},
    "torch": {"mem_mb": 1024, "runtime": 15},
    "mnist": {"mem_mb": 2048, "runtime": 30},
}
# MNIST training grows with its epochs: measured worst 3.8 s per epoch (batch 16, 2 busy cores).
EPOCH_S, RUNTIME_HEADROOM = 4, 5


def res(tier):
    return RESOURCES[tier]


def train_res(epochs):
    """Resources of an MNIST training job: a GPU when ex3.device is cuda, time scaled by epochs."""
    minutes = -(-RUNTIME_HEADROOM * EPOCH_S * epochs // 60)
    return res("mnist") | {"runtime": max(res("mnist")["runtime"], minutes),
                           "gpu": 1 if config["ex3"]["device"] == "cuda" else 0}


# Which package modules import which (so an edit reaches every job that runs the code).
# (io is always listed.)
PKG_IMPORTS = {"linreg": ["train"], "logreg": ["train"], "softmax": ["train"]}


def pkg(*modules):
    """The package modules a script imports, directly or through another module, as inputs:
    Snakemake's code trigger only sees the script itself, so an edit to the shared numeric
    code must reach the jobs that use it through their inputs."""
    needed, todo = {"__init__", "io"}, list(modules)
    while todo:
        m = todo.pop()
        if m not in needed:
            needed.add(m)
            todo.extend(PKG_IMPORTS.get(m, []))
    return [str(SRC / f"{m}.py") for m in sorted(needed)]


def canon(value):
    """Dicts with sorted keys, recursively: Snakemake compares params by their
    text, so reordering keys in the YAML must not look like a change."""
    if isinstance(value, dict):
        return {k: canon(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [canon(v) for v in value]
    return value


def plot_params():
    return canon(config["plot"])


wildcard_constraints:
    lr=r"[0-9.e+-]+",
    scale=r"[0-9.e+-]+",
    bs=r"[0-9]+",
    seed=r"[0-9]+",


def dataset_file_spec(wildcards):
    spec = config["data"]["datasets"][wildcards.dataset]["files"].get(wildcards.filename)
    if spec is None:
        raise ValueError(f"no dataset file {wildcards.dataset}/{wildcards.filename} in config data.datasets")
    return canon(spec)


def git_commit():
    """The commit the sheet was built from (+dirty when the tree has uncommitted changes)."""
    import subprocess

    try:
        run = lambda *a: subprocess.run(["git", "-C", str(REPO), *a], capture_output=True, text=True, check=True)
        head = run("rev-parse", "HEAD").stdout.strip()
        dirty = run("status", "--porcelain").stdout.strip()
        return f"{head}+dirty" if dirty else head
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def pinned_packages():
    """Names of the packages pyproject.toml pins (for the appendix's version table)."""
    import re
    import tomllib

    pyproject = REPO / "pyproject.toml"
    if not pyproject.exists():
        return ["torch", "snakemake"]
    deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    return [re.split(r"[=<>!~ ]", d, maxsplit=1)[0] for d in deps]


def check_config(cfg):
    """Checks the JSON schema cannot express: settings that must fit the data."""
    mnist_train = 60000
    n_train = mnist_train - cfg["ex3"]["val_size"]
    sizes = {"ex3.grid.batch_sizes": cfg["ex3"]["grid"]["batch_sizes"],
             "ex3.reference.batch_size": [cfg["ex3"]["reference"]["batch_size"]],
             "ex4.data_size.sizes": cfg["ex4"]["data_size"]["sizes"],
             "ex4.overfit.n_train": [cfg["ex4"]["overfit"]["n_train"]]}
    for key, values in sizes.items():
        too_big = [v for v in values if v > n_train]
        if too_big:
            raise ValueError(f"config {key}: {too_big} larger than the {n_train} training images "
                             f"(60000 MNIST training images minus ex3.val_size = {cfg['ex3']['val_size']})")


def preflight(results, min_free_mb):
    """Before any job is planned: results/ must be (or become) a writable folder with room to spare.
    Nothing is created: the probe file is removed again."""
    import shutil
    import tempfile

    path = Path(results)
    if path.exists() and not path.is_dir():
        raise OSError(f"{path.resolve()}: the results folder is not writable (it is a file, not a folder); "
                      "move it away")
    probe_dir = path if path.exists() else path.resolve().parent
    try:
        with tempfile.NamedTemporaryFile(dir=probe_dir, prefix=".gdlab-write-probe-"):
            pass
    except OSError as exc:
        raise OSError(f"{path.resolve()}: the results folder is not writable ({exc.strerror or exc}); "
                      "make it a writable folder, or run from a folder where it can be created") from exc
    free_mb = shutil.disk_usage(probe_dir).free / 2**20
    if free_mb < min_free_mb:
        raise OSError(f"{path.resolve()}: only {free_mb:.0f} MB free on its disk, the build needs "
                      f"config min_free_mb = {min_free_mb} MB; free some space first")
