# Helpers shared by the rule files.
from pathlib import Path

import pandas as pd
from snakemake.utils import Paramspace

REPO = Path(workflow.basedir).parent
SRC = REPO / "src" / "gdlab"
# One environment for every rule (`--use-conda` builds it; the README's venv is the same pins).
CONDA_ENV = str(REPO / "environment.yml")


def pkg(*modules):
    """The package modules a script imports, as inputs: Snakemake's code trigger
    only sees the script itself, so an edit to the shared numeric code must
    reach the jobs that use it through their inputs."""
    return [str(SRC / f"{m}.py") for m in ("__init__", "io") + modules]


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
