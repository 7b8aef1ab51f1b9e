"""Hand-ins with one known fault each, made from a correct one (the project's own submission.zip), for the tests
and the benchmark of the checker. Each fault edits one notebook (or the folder) and says what the checker must report
for it: the findings it requires, and the consequences it allows (a cell error after a crash, say) — everything else
in the faulty group's report must equal the correct group's.

Code faults rewrite one function of a notebook's code cell in place (found by its ``def``, whatever the cell's
other text), so the same fault applies to gdlab's own source in the unit tests (:func:`apply_to_source`). Their
notebooks are handed in without outputs, as if never run after the edit."""

from __future__ import annotations

import ast
import copy
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

EX1, EX2, EX3 = "pw02_lin_regression_GD", "pw02_binary_classification_GD", "pw02_softmax_classification"
MODULE = {EX1: "gdlab.linreg", EX2: "gdlab.logreg", EX3: "gdlab.softmax"}  # where the notebooks' functions live


@dataclass(frozen=True)
class Fault:
    name: str
    notebook: str | None  # the notebook it edits (None: the folder)
    function: str | None = None  # the function whose source it rewrites
    old: str = ""  # ... replacing this text (exactly once) ...
    new: str = ""  # ... by this
    requires: tuple[str, ...] = ()  # regexes: each must match a problem or look-at item new in the faulty group
    allows: tuple[str, ...] = ()  # regexes: new items that may appear as its consequences
    kind: str = "code"  # code | markdown | import | data
    unit: bool = True  # also checked on the function alone, in process (tests/test_check.py)
    extra: dict = field(default_factory=dict)


NEVER_RUN = r"handed in without outputs"
# What a code fault changes besides its finding: the notebook, run again, prints other numbers than the ones its
# Markdown states, and the cells after a crash fail. Allowed for every code fault, in its own notebook only.
CONSEQUENCES = (r"numbers in the Markdown that no output prints", r"code cell \d+")
FAULTS = [
    Fault("ex1_gradient_sign", EX1, "gradient_cost", "return X.T @ (X @ a - Y)", "return -X.T @ (X @ a - Y)",
          (r"gradient_cost: the opposite sign of the cost's derivative", r"1 c .*learns nothing", NEVER_RUN)),
    Fault("ex1_missing_half", EX1, "cost", "/ (2 * len(X))", "/ len(X)",
          (r"cost: 2× the course's C \(the factor 1/2 is missing\)", NEVER_RUN)),
    Fault("ex2_gradient_sign", EX2, "gradient_cost", "return (predict(X, W) - Y)", "return (Y - predict(X, W))",
          (r"gradient_cost: the opposite sign of the cost's derivative", NEVER_RUN)),
    Fault("ex2_accuracy_mean_probability", EX2, "accuracy", "return ((Yhat >= 0.5).to(Y.dtype) == Y).to(torch.float64).mean().item()",
          "return (Y * Yhat + (1 - Y) * (1 - Yhat)).mean().item()",
          (r"accuracy: returns a mean probability \(0\.\d\d\) where the share of correct predictions is 0\.\d\d",
           NEVER_RUN)),
    Fault("ex2_transposed_W", EX2, "predict", "X @ W.T", "X @ W",
          (r"predict: raises RuntimeError", NEVER_RUN)),
    Fault("ex3_gradient_sign", EX3, "grad_loss_ce", "delta = (uhat - u)", "delta = (u - uhat)",
          (r"grad_loss_ce: the opposite sign of the cost's derivative", r"3 d .*learns nothing", NEVER_RUN)),
    Fault("ex3_swapped_u_uhat", EX3, "hand_step", "grad_loss_ce(x, F.one_hot(y, 10).to(x.dtype), predict(x, W, b))",
          "grad_loss_ce(x, predict(x, W, b), F.one_hot(y, 10).to(x.dtype))",
          (r"3 d .*learns nothing — the best test accuracy of its parameters is 0\.\d+ .* reaches 0\.\d+", NEVER_RUN),
          unit=False),
    Fault("ex3_softmax_wrong_axis", EX3, "softmax", "e = torch.exp(z - z.amax(dim=1, keepdim=True))\n    return e / e.sum(dim=1, keepdim=True)",
          "e = torch.exp(z - z.amax(dim=0, keepdim=True))\n    return e / e.sum(dim=0, keepdim=True)",
          (r"softmax: normalises over the wrong axis", NEVER_RUN), (r"3 d .*learns nothing",)),
    Fault("ex3_softmax_no_max_shift", EX3, "softmax", "torch.exp(z - z.amax(dim=1, keepdim=True))", "torch.exp(z)",
          (r"softmax: overflows at large logits", NEVER_RUN), (r"3 d .*learns nothing",)),
    Fault("markdown_typed_number", EX1, kind="markdown", requires=(r"numbers in the Markdown that no output prints.*97\.31",),
          extra={"text": "\n\nThe rent is predicted to within 97.31 % of its variance."}, unit=False),
    Fault("missing_package", EX2, kind="import", requires=(r"code cell 1, line 1: ModuleNotFoundError",),
          extra={"code": "import gdlab_no_such_package  # a package the grader does not have"}, unit=False),
    Fault("missing_data_file", None, kind="data", requires=(r"lacks Dataset_spine\.csv",),
          extra={"file": "Dataset_spine.csv"}, unit=False),
]
BY_NAME = {f.name: f for f in FAULTS}


def _replace_once(text: str, old: str, new: str, where: str) -> str:
    if text.count(old) != 1:
        raise ValueError(f"fault: {where} holds {text.count(old)} copies of {old!r}, not one (did its code change?)")
    return text.replace(old, new)


def reference_of(fault: Fault) -> str:
    """The qualified name of gdlab's function that ``fault`` rewrites."""
    return f"{MODULE[fault.notebook]}.{fault.function}"


def apply_to_source(fault: Fault, source: str) -> str:
    """The fault applied to a function's source (the unit tests' way: gdlab's own function, rewritten)."""
    return _replace_once(source, fault.old, fault.new, fault.function)


def _function_span(src: str, name: str) -> tuple[int, int] | None:
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            lines = src.splitlines(keepends=True)
            start = sum(len(line) for line in lines[: node.lineno - 1])
            return start, sum(len(line) for line in lines[: node.end_lineno])
    return None


def apply_to_notebook(fault: Fault, nb: dict) -> dict:
    nb = copy.deepcopy(nb)
    cells = nb["cells"]
    if fault.kind == "code":
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"])
            span = _function_span(src, fault.function)
            if span:
                a, b = span
                cell["source"] = src[:a] + _replace_once(src[a:b], fault.old, fault.new, fault.function) + src[b:]
                break
        else:
            raise ValueError(f"fault {fault.name}: no code cell defines {fault.function}")
        for cell in cells:  # handed in as edited, without running it again
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
    elif fault.kind == "markdown":
        answers = [c for c in cells if c["cell_type"] == "markdown" and re.search(r"\d", "".join(c["source"]))]
        answers[-1]["source"] = "".join(answers[-1]["source"]) + fault.extra["text"]
    elif fault.kind == "import":
        first = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
        cells.insert(first, {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                             "source": fault.extra["code"], "id": "fault-import"})
    return nb


def build(zip_path: Path, fault: Fault | None, dest: Path, name: str, notebooks: list[str] | None = None) -> Path:
    """``name``.zip in ``dest``: the folder of ``zip_path`` renamed to ``name``, with ``fault`` applied (None: as it
    is), keeping only ``notebooks`` (stems; None: all of them)."""
    out = dest / f"{name}.zip"
    with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            parts = PurePosixPath(info.filename).parts
            rel = PurePosixPath(*parts[1:])
            if info.is_dir() or not parts[1:]:
                continue
            if rel.suffix == ".ipynb" and notebooks is not None and rel.stem not in notebooks:
                continue
            if fault is not None and fault.kind == "data" and rel.as_posix() == fault.extra["file"]:
                continue
            data = src.read(info)
            if fault is not None and fault.notebook is not None and rel.as_posix() == f"{fault.notebook}.ipynb":
                data = json.dumps(apply_to_notebook(fault, json.loads(data)), indent=1).encode()
            dst.writestr(f"{name}/{rel.as_posix()}", data)
    return out


def new_items(report: dict, clean: dict) -> list[str]:
    """The problems and look-at items of ``report`` that the correct group's report does not have (notebook names
    and group names aside)."""
    seen = set(clean["problems"]) | set(clean["look_at"])
    return [i for i in report["problems"] + report["look_at"] if i not in seen]


def unexplained(fault: Fault, items: list[str]) -> tuple[list[str], list[str]]:
    """(required findings that no item matches, items that no required or allowed pattern explains). A fault in a
    notebook explains only items of that notebook; a code fault allows :data:`CONSEQUENCES` too."""
    missing = [r for r in fault.requires if not any(re.search(r, i) for i in items)]
    allowed = fault.requires + fault.allows + (CONSEQUENCES if fault.kind == "code" else ())
    prefix = f"{fault.notebook}.ipynb: " if fault.notebook else ""
    extra = [i for i in items if not (i.startswith(prefix) and any(re.search(r, i) for r in allowed))]
    return missing, extra
