# Names and helpers every rule file uses. Paths are relative to the project folder (Snakemake's
# working directory), so a built checkout can be moved or copied without replanning anything.
import ast
import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
from snakemake.logging import logger

PROJECT = Path(workflow.basedir).parent
SRC = Path("src")  # the package, relative to the project folder
ENV = "../../environment.yml"  # `--use-conda`: one environment for every rule (same pins as the venv)
# Scripts import the package of this very checkout (also when another copy of gdlab is installed).
os.environ.update(PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT / SRC), os.environ.get("PYTHONPATH")])))
# The workflow itself imports two light, torch-free helpers of the package at parse time (claims, listings).
sys.path.insert(0, str(PROJECT / SRC))

# Datasets and prepared data, shared by several rule files.
MNIST = "results/data/mnist"  # one .npy per array (gdlab.io.save_array_dir)
MNIST_RAW = "results/data/raw/mnist"
SPINE_RAW = "results/data/raw/spine/Dataset_spine.csv"
MNIST_TRAIN_IMAGES = 60000


# --- resources -------------------------------------------------------------------------------------
# Per-job memory (MB) and wall-time limit (minutes), declared on every rule: the local scheduler
# (`--resources mem_mb=N` caps the sum) and the SLURM executor (--mem, --time) read the same numbers.
# From a full build of config/config.yaml on 2 cores (`make peaks` prints each job's measured peak
# beside its declaration): numpy/pandas/matplotlib jobs peaked at 0.25 GB, jobs that import torch at
# 0.95 GB, MNIST training at 1.5 GB; memory is the peak × ~1.4. A notebook's run (its kernel and the process
# that drives it) peaked at 2.4 GB in CI: the MNIST notebook holds the images in float32 and, for its rounding
# check, in float64. Time has ample headroom: a SLURM job over its time is killed.
TIER = {
    "light": {"mem_mb": 512, "runtime": 10},
    "torch": {"mem_mb": 1536, "runtime": 15},
    "mnist": {"mem_mb": 2048, "runtime": 30},
    "notebook": {"mem_mb": 3072, "runtime": 30},
}
# MNIST training time grows with its epochs: measured worst 0.6 s per epoch (batch 16, 1 thread, 2 busy cores).
EPOCH_S, RUNTIME_HEADROOM = 1, 10


def training_resources(epochs):
    """An MNIST training job: its time limit scaled by the epochs it may train."""
    minutes = -(-RUNTIME_HEADROOM * EPOCH_S * epochs // 60)
    return TIER["mnist"] | {"runtime": max(TIER["mnist"]["runtime"], minutes)}


# --- code inputs, derived from the imports --------------------------------------------------------
@functools.cache  # each file parsed once per run: parsing them for every rule was most of the start-up time
def _package_imports(path):
    """The gdlab module files a Python file imports (``from gdlab.x import ...``, ``from .x import ...``)."""
    path = Path(path)
    inside = (PROJECT / SRC / "gdlab") in path.parents
    package = list(path.relative_to(PROJECT / SRC / "gdlab").parent.parts) if inside else None
    found = set()
    for node in _import_statements(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            dotted = node.module.split(".") if node.module else []
            if node.level == 0 and dotted[:1] == ["gdlab"]:
                parts = dotted[1:]
            elif node.level > 0 and package is not None:
                parts = package[: len(package) - node.level + 1] + dotted
            else:
                continue
            found.add(_module_file(parts))
            # `from gdlab.figures import ex1` imports a module by name: count it too.
            found.update(_module_file([*parts, a.name]) for a in node.names
                         if (PROJECT / _module_file([*parts, a.name])).is_file())
        elif isinstance(node, ast.Import):
            found.update(_module_file(a.name.split(".")[1:]) for a in node.names if a.name.split(".")[0] == "gdlab")
    return found


def _import_statements(tree):
    """The import statements of a module, at any depth (inside functions too), visiting statements only: walking
    every expression node of every file was the slowest part of planning."""
    stack = [tree]
    while stack:
        node = stack.pop()
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(node, field, None) or []:
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    yield child
                else:
                    stack.append(child)


def _module_file(parts):
    """gdlab module path parts -> its file relative to the project (a package's __init__.py)."""
    base = SRC / "gdlab" / Path(*parts) if parts else SRC / "gdlab"
    return base / "__init__.py" if (PROJECT / base).is_dir() else base.with_suffix(".py")


def code_inputs(script):
    """Every package file a script imports, directly or through other package modules (parsed with ast):
    Snakemake's code trigger sees only the script itself, so an edit to the package must reach the jobs
    that run it through their inputs."""
    return imported_code(PROJECT / "workflow" / "scripts" / script)


def imported_code(path):
    """The package files that the Python file ``path`` imports, directly or through other package modules."""
    return list(_imported_code(Path(path)))


@functools.cache
def _imported_code(path):
    todo, seen = list(_package_imports(path)), set()
    while todo:
        found = todo.pop()
        if found not in seen:
            seen.add(found)
            todo.extend(_package_imports(PROJECT / found) - seen)
            # Importing gdlab.check.evidence runs gdlab/check/__init__.py first: every package above a module counts.
            todo.extend(package / "__init__.py" for package in found.parents if SRC / "gdlab" in package.parents)
    return tuple(sorted(str(m) for m in seen | {SRC / "gdlab" / "__init__.py"}))


def results_read(path):
    """The results/ paths that the Python file ``path`` names as string literals: what a notebook's live cells
    read (comments, and so the Markdown cells, do not count)."""
    tree = ast.parse(Path(path).read_text(), filename=str(path))
    return sorted({n.value for n in ast.walk(tree)
                   if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.startswith("results/")})


def check_code_inputs(rules):
    """Every rule that runs a script lists exactly that script's code inputs (fails at parse time, naming the rule)."""
    for r in rules:
        if r.script:
            expected = code_inputs(Path(r.script).name)
            listed = sorted(r.input.get("code", []))
            if listed != expected:
                raise ValueError(f"rule {r.name} must list code=code_inputs({Path(r.script).name!r}), that is "
                                 f"{expected}; it lists {listed}")


# The guard against order dependencies (config/test.yaml). A job's script that touches a path of results/ it did
# not declare fails, naming it (gdlab.read_guard, installed in every script's process from workflow/read_guard/).
# The rules whose reading another program does (pandoc, typst), which that guard cannot see, declare
# `shadow: SHADOW` instead: each of their jobs runs in a folder that holds only its declared inputs.
SHADOW = config["shadow"]


def guard_reads(enabled, folder):
    if enabled:
        # Each job's script inherits Snakemake's environment: Python loads the folder's sitecustomize.py first.
        os.environ.update(PYTHONPATH=os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")])))


# --- parameters in canonical form -------------------------------------------------------------------
RATE_KEYS = re.compile(r"^(lr|lrs|lr_.*)$")  # learning rates: numbers, however YAML typed them


def canonicalise(cfg):
    """Sort every mapping of the config by key, and write every learning rate as a float, in place. Snakemake
    compares params by their text, so reordering keys in a YAML file, or writing the rate 1.0 as 1, must not
    look like a change (a notebook quotes the rates in its code)."""

    def rate(value):
        if isinstance(value, list):
            return [rate(v) for v in value]
        if isinstance(value, dict):
            return sort(value)
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value

    def sort(value):
        if isinstance(value, dict):
            return {k: rate(v) if RATE_KEYS.match(k) else sort(v) for k, v in ((k, value[k]) for k in sorted(value))}
        if isinstance(value, list):
            return [sort(v) for v in value]
        return value

    cfg.update(sort(dict(cfg)))
    for key in sorted(cfg):  # re-insert in sorted order (dict.update keeps the old positions)
        cfg[key] = cfg.pop(key)


def num(x):
    """A number as it appears in a file name: shortest exact decimal, whatever its YAML type
    (1 and 1.0 are both "1", 0.1 is "0.1"), so adding a value never renames existing outputs."""
    if isinstance(x, bool):
        raise TypeError(f"not a number: {x!r}")
    return np.format_float_positional(float(x), trim="-")


def pick(mapping, *keys):
    """Only the settings a job uses, as its params: a change to any other key reruns nothing."""
    return {k: mapping[k] for k in keys}


def listing_modules(practical, notebooks):
    """The package modules whose functions the sheet lists (``practical``, report/practical.yaml; None: none) or
    the ``notebooks``' code cells define: a listings job reads them."""
    from gdlab.listings import listed, module_file, notebook_code

    names = (listed(practical) if practical else []) + [q for nb in notebooks
                                                          for q in notebook_code((PROJECT / nb).read_text())]
    return sorted({module_file(q, SRC).as_posix() for q in names})


# --- notebooks -------------------------------------------------------------------------------------
def notebook_reads(nb, handin, copies, mnist):
    """The files of the hand-in folder ``handin`` a notebook reads: those of ``copies`` its source names, and the
    ``mnist`` files where it loads MNIST through torchvision — so that a new grid.csv reruns only its reader."""
    text = (PROJECT / "report" / "notebooks" / f"{nb}.py").read_text()
    return [f"{handin}/{name}" for name in copies if name in text] + (mnist if "datasets.MNIST(" in text else [])


def notebooks_taken(nb, notebooks):
    """The other notebooks of the hand-in whose functions ``nb`` takes (gdlab.reuse.definitions): those its source
    names as files."""
    text = (PROJECT / "report" / "notebooks" / f"{nb}.py").read_text()
    return [other for other in notebooks if other != nb and f'"{other}.ipynb"' in text]


def notebook_settings(nb, settings):
    """What of ``settings`` (the config the text may quote) a notebook's source quotes: each section it names
    (cfg.<section>), and of a section it names only by its keys (cfg.<section>.<key>) just those keys — a change
    elsewhere in the config runs no kernel for it."""
    text = (PROJECT / "report" / "notebooks" / f"{nb}.py").read_text()
    quoted = {}
    for k, v in settings.items():
        keys = set(re.findall(rf"\bcfg\.{k}\.(\w+)", text))
        if re.search(rf"\bcfg\.{k}\b(?!\.\w)", text) or not isinstance(v, dict):
            if re.search(rf"\bcfg\.{k}\b", text):
                quoted[k] = v
        elif keys:
            quoted[k] = {key: v[key] for key in sorted(keys) if key in v}
    return quoted


# --- provenance ---------------------------------------------------------------------------------------
PLACEHOLDER_AUTHOR = "Firstname Lastname"  # config/config.yaml's, until the students put their names
SHEET_SOURCES = ["src", "workflow", "report", "config", "pyproject.toml", "environment.yml"]


def sources_commit():
    """The last commit that changed what the sheet is built from (+dirty when those files have uncommitted
    changes). An edit elsewhere — the README, the tests — changes nothing here and reruns nothing."""
    git = ["git", "-C", str(PROJECT)]
    try:
        head = subprocess.run([*git, "log", "-1", "--format=%H", "--", *SHEET_SOURCES], capture_output=True,
                              text=True, check=True).stdout.strip()
        # Untracked files do not count: an extra config overlay is recorded in the resolved config anyway.
        dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no", "--", *SHEET_SOURCES],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head}+dirty" if dirty else head or "unknown (no commit yet)"


def pinned_packages():
    """Names of the packages pyproject.toml pins (for the appendix's version table)."""
    import re
    import tomllib

    deps = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["dependencies"]
    return sorted(re.split(r"[=<>!~ ]", d, maxsplit=1)[0] for d in deps)


# --- checks before any job ----------------------------------------------------------------------------
def check_config(cfg):
    """What the JSON schema cannot express: settings that must fit the data, and each other."""
    n_train = MNIST_TRAIN_IMAGES - cfg["ex3"]["val_size"]
    sizes = {"ex3.grid.batch_sizes": cfg["ex3"]["grid"]["batch_sizes"],
             "ex3.reference.nbatch": [cfg["ex3"]["reference"]["nbatch"]],
             "ex4.data_size.sizes": cfg["ex4"]["data_size"]["sizes"],
             "ex4.overfit.n_train": [cfg["ex4"]["overfit"]["n_train"]]}
    for key, values in sizes.items():
        too_big = [v for v in values if v > n_train]
        if too_big:
            raise ValueError(f"config {key}: {too_big} larger than the {n_train} training images "
                             f"({MNIST_TRAIN_IMAGES} MNIST training images minus ex3.val_size = {cfg['ex3']['val_size']})")
    unknown = sorted(set(cfg["ex2"]["additions"]["drop_features"]) - set(cfg["ex2"]["features"]))
    if unknown:
        raise ValueError(f"config ex2.additions.drop_features: {unknown} are not among ex2.features")
    if num(cfg["ex3"]["reference"]["init_std"]) == num(cfg["ex3"]["init_std"]):
        raise ValueError("config ex3.init_std must differ from ex3.reference.init_std (the course's start): "
                         "part d compares the two")
    if any(not a.strip() or a.strip() == PLACEHOLDER_AUTHOR for a in cfg["report"]["authors"]):
        logger.warning(f"config report.authors is still {cfg['report']['authors']}: put your group's names there "
                       "(they stand on the title page, at the top of every notebook and in the zip's folder name)")


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


# --- figures ------------------------------------------------------------------------------------------
def figures(part):
    """The figures of one part of the sheet, named once: by the public functions of gdlab/figures/<part>.py that
    take (inputs, out, params) — not the draw_* functions and their helpers, which the notebooks share.
    One job draws them all from results (restyling never retrains); name -> PNG path."""
    tree = ast.parse((PROJECT / SRC / "gdlab" / "figures" / f"{part}.py").read_text())
    names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
             and [a.arg for a in n.args.args] == ["inputs", "out", "params"]]
    return {name: f"results/{part}/figures/{name}.png" for name in names}


def figure_outputs(part, category):
    """The outputs of a part's figure job: each PNG marked for Snakemake's report (the provenance record), with
    its caption — the drawing function's docstring, written beside it as reStructuredText by the same job."""
    out = {}
    for name, png in figures(part).items():
        caption = png.removesuffix(".png") + ".rst"
        # Relative to the rule files' folder, where Snakemake looks for captions.
        out[name] = report(png, caption=f"../../{caption}", category=category)
        out[f"{name}_caption"] = caption
    return out


# --- claims -------------------------------------------------------------------------------------------
def check_claims(claims, roots):
    """Every configured claim uses a known comparison and reads one of the summaries (fails before any job)."""
    from gdlab.claims import check_declared

    check_declared(claims, roots)
