"""The workflow's structure, checked without building anything: configs, schema, rules, code inputs."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml
from snakemake.utils import update_config

from conftest import REPO, SNAKEMAKE, copy_project, rule_blocks

RULES = REPO / "workflow" / "rules"
SCRIPTS = REPO / "workflow" / "scripts"


def load(name):
    return yaml.safe_load((REPO / "config" / name).read_text())


def test_both_configs_validate_against_the_schema():
    schema = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
    default = load("config.yaml")
    jsonschema.validate(default, schema)
    merged = json.loads(json.dumps(default))
    update_config(merged, load("test.yaml"))  # what `snakemake --configfile config/test.yaml` does
    jsonschema.validate(merged, schema)


def test_the_test_config_is_an_overlay_of_the_default():
    default, test = load("config.yaml"), load("test.yaml")

    def keys(d, prefix=""):
        for k, v in d.items():
            yield prefix + k
            if isinstance(v, dict):
                yield from keys(v, prefix + k + ".")

    claims = set(default["claims"])
    unknown = [k for k in keys(test) if not k.startswith("claims.") and k not in set(keys(default))]
    assert not unknown and set(test["claims"]) <= claims
    assert len((REPO / "config" / "test.yaml").read_text().splitlines()) < 0.5 * len(
        (REPO / "config" / "config.yaml").read_text().splitlines())


def test_downloads_are_https_only_and_pinned_by_hash():
    cfg = load("config.yaml")
    urls = [u for ds in cfg["data"]["datasets"].values() for u in ds["urls"]]
    assert urls and all(u.startswith("https://") for u in urls)
    assert all(re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) for ds in cfg["data"]["datasets"].values()
               for f in ds["files"].values())


def test_no_rule_runs_a_shell():
    """Config strings never reach a shell: every rule runs a Python script."""
    for smk in RULES.glob("*.smk"):
        assert not re.search(r"^\s+(shell|run):", smk.read_text(), re.M), smk


def test_every_rule_has_named_outputs_a_log_a_benchmark_and_its_own_script():
    for smk, rule, block in rule_blocks():
        assert "    log:\n" in block and "    benchmark:\n" in block, (smk, rule)
        assert f'"results/logs/{rule}' in block and f'"results/benchmarks/{rule}' in block, rule
        assert f'script:\n        "../scripts/{rule}.py"' in block, (smk, rule)
        assert f'code=code_inputs("{rule}.py")' in block, (smk, rule)


def planned_jobs(work):
    """Every job of a dry run of the test config, as its rule, outputs and input files (package files apart). Jobs
    are told apart by their outputs, never by their place in the listing: Snakemake promises no order among jobs
    that are ready together, and its scheduler lists them differently on different machines."""
    proc = subprocess.run([*SNAKEMAKE, "--dry-run", "--forceall", "--configfile", "config/test.yaml"],
                          capture_output=True, text=True, cwd=work)
    assert proc.returncode == 0, proc.stderr[-3000:]
    jobs = []
    for line in proc.stdout.splitlines():
        if m := re.match(r"^(?:local)?rule (\w+):$", line):
            jobs.append({"rule": m.group(1), "src": set(), "output": []})
        elif jobs and (m := re.match(r"^    (input|output): (.*)$", line)):
            files = m.group(2).split(", ")
            if m.group(1) == "input":
                jobs[-1]["src"] = {f for f in files if f.startswith("src/")}
            else:
                jobs[-1]["output"] = files
    return jobs


IMPORTS_OF = """
import ast, json, pathlib, sys
src = pathlib.Path("src").resolve()
found = {}
for script in sorted(pathlib.Path("workflow/scripts").glob("*.py")):
    for name in [n for n in sys.modules if n.split(".")[0] == "gdlab"]:
        del sys.modules[name]  # third-party modules stay cached; the package is imported afresh
    tree = ast.parse(script.read_text())
    exec(compile(ast.Module([n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))], []), str(script), "exec"), {})
    found[script.stem] = sorted(str(pathlib.Path(m.__file__).resolve().relative_to(src.parent))
                                for n, m in list(sys.modules.items()) if n.split(".")[0] == "gdlab")
print(json.dumps(found))
"""


def imported_package_files() -> dict[str, set[str]]:
    """script -> the gdlab files Python itself loads for its imports: an independent check of the workflow's
    ast-based derivation (one interpreter, the package imported afresh for each file)."""
    out = subprocess.run([sys.executable, "-c", IMPORTS_OF], capture_output=True, text=True, cwd=REPO, check=True,
                         env=dict(os.environ, PYTHONPATH=str(REPO / "src"))).stdout
    return {k: set(v) for k, v in json.loads(out).items()}


def test_each_rules_code_inputs_are_exactly_what_its_script_imports():
    from gdlab.listings import listed, module_file, notebook_code

    jobs = planned_jobs(REPO)
    assert len({job["rule"] for job in jobs}) > 30
    # The listings job reads, as data, the modules of the functions the sheet lists and the notebooks define.
    names = listed(yaml.safe_load((REPO / "report" / "practical.yaml").read_text()))
    names += [q for nb in sorted((REPO / "report" / "notebooks").glob("*.py")) for q in notebook_code(nb.read_text())]
    listed_modules = {module_file(q, Path("src")).as_posix() for q in names}
    imports = imported_package_files()
    for job in jobs:
        if job["rule"] == "all":
            continue
        imported = imports[job["rule"]]
        assert job["src"] - (listed_modules - imported if job["rule"] == "listings" else set()) == imported, job
    # The notebooks import nothing of the package: their code cells hold its functions' source, which the listings
    # job of the MNIST notebook (found by its output) reads.
    softmax_listings, = [job for job in jobs
                         if job["output"] == ["results/report/listings/pw02_softmax_classification.json"]]
    assert "src/gdlab/softmax.py" in softmax_listings["src"]


def test_a_rule_whose_code_inputs_are_wrong_stops_the_workflow_naming_it(tmp_path):
    work = copy_project(tmp_path)
    smk = work / "workflow" / "rules" / "ex2.smk"
    smk.write_text(smk.read_text().replace('code=code_inputs("ex2_gd.py"),', 'code=["src/gdlab/gd.py"],'))
    proc = subprocess.run([*SNAKEMAKE, "--dry-run", "--configfile", "config/test.yaml"], capture_output=True,
                          text=True, cwd=work)
    assert proc.returncode != 0 and "rule ex2_gd must list code=code_inputs('ex2_gd.py')" in proc.stdout + proc.stderr


def test_the_notebooks_run_the_package_code_by_name_never_by_import():
    """A notebook source puts the package's functions into its code cells with {{ code(...) }}; it never imports
    the package or reads the pipeline's results, so the hand-in runs on its own."""
    from gdlab.listings import notebook_code

    practical = yaml.safe_load((REPO / "report" / "practical.yaml").read_text())
    sources = {ex["notebook"]: REPO / "report" / "notebooks" / f"{ex['notebook']}.py"
               for ex in practical["exercises"] if "notebook" in ex}
    assert sorted(p.name for p in (REPO / "report" / "notebooks").glob("*.py")) == sorted(p.name for p in sources.values())
    for name, path in sources.items():
        text = path.read_text()
        assert notebook_code(text), name
        assert "import gdlab" not in text and "from gdlab" not in text and "results/" not in text, name


def test_the_placeholder_author_draws_a_warning_and_real_names_do_not(tmp_path):
    work = copy_project(tmp_path)
    proc = subprocess.run([*SNAKEMAKE, "--dry-run", "--quiet", "rules"], capture_output=True, text=True, cwd=work)
    assert proc.returncode == 0 and "config report.authors is still" in proc.stdout + proc.stderr
    proc = subprocess.run([*SNAKEMAKE, "--dry-run", "--quiet", "rules", "--configfile", "config/test.yaml"],
                          capture_output=True, text=True, cwd=work)
    assert proc.returncode == 0 and "config report.authors is still" not in proc.stdout + proc.stderr
