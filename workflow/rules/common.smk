# Helpers shared by the rule files.
from pathlib import Path

SRC = Path(workflow.basedir).parent / "src" / "gdlab"


def pkg(*modules):
    """The package modules a script imports, as inputs: Snakemake's code trigger
    only sees the script itself, so an edit to the shared numeric code must
    reach the jobs that use it through their inputs."""
    return [str(SRC / f"{m}.py") for m in ("__init__", "io") + modules]


def plot_params():
    return dict(config["plot"])


wildcard_constraints:
    lr=r"[0-9.e+-]+",
    scale=r"[0-9.e+-]+",
