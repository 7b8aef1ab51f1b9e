"""pyproject.toml and environment.yml pin the same packages at the same versions."""

import re
import tomllib

import yaml

from conftest import REPO


def norm(req: str) -> tuple[str, str]:
    name, version = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*==\s*([^\s;]+)\s*", req).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), version


def test_pins_match():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip = [r for r in next(d["pip"] for d in env["dependencies"] if isinstance(d, dict)) if r != "-e ."]
    assert sorted(map(norm, reqs)) == sorted(map(norm, pip))
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert python == "python=3.11" and project["requires-python"].startswith(">=3.11")
