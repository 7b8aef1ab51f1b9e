"""End to end: the hand-in the course collects — the zip of the folder G<group>_<names> with the completed notebooks,
the maths PDF and the data — opened and run as a grader would: unzipped into an empty folder, every notebook executed
there top to bottom with no network, its code checked against the course's names and definitions."""

from __future__ import annotations

import ast
import json
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from conftest import REPO

pytestmark = pytest.mark.e2e

PRACTICAL = yaml.safe_load((REPO / "report" / "practical.yaml").read_text())
NOTEBOOKS = {ex["notebook"]: ex for ex in PRACTICAL["exercises"] if "notebook" in ex}
COURSE_NOTEBOOKS = [name for name, ex in NOTEBOOKS.items() if "course_notebook" in ex]
FOLDER = "G07_Lovelace_Turing"  # config/test.yaml: group 7, Ada Lovelace and Alan Turing
MNIST_RAW = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def cells(nb: dict, kind: str) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == kind]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def texts(cell: dict) -> list[str]:
    """A code cell's outputs as text: the streams joined (how a kernel cuts them into chunks varies with timing),
    then each result as plain text (images are compared by their presence)."""
    streams = {}
    out = []
    for o in cell.get("outputs", []):
        if o["output_type"] == "stream":
            streams[o["name"]] = streams.get(o["name"], "") + "".join(o["text"])
        elif "data" in o:
            data = o["data"]
            out.append("<image>" if "image/png" in data else "".join(data.get("text/plain", "")))
        elif o["output_type"] == "error":
            out.append(f"ERROR {o['ename']}")
    return [streams[k] for k in sorted(streams)] + out


@pytest.fixture(scope="module")
def handin(built) -> Path:
    return built / "results" / "submission" / FOLDER


@pytest.fixture(scope="module")
def notebooks(handin) -> dict[str, dict]:
    return {name: json.loads((handin / f"{name}.ipynb").read_text()) for name in NOTEBOOKS}


def test_the_zip_is_the_folder_the_course_collects(built, handin):
    # What the course collects, once each: the notebooks, the maths PDF and the data they read (the full answer
    # sheet is the project's companion, outside the zip). No table of results travels: the MNIST notebook trains
    # its study itself.
    expected = {f"{name}.ipynb" for name in NOTEBOOKS} | {"pw02_maths.pdf", "lausanne-appart.csv",
                                                          "Dataset_spine.csv"} | {f"data/MNIST/raw/{f}" for f in MNIST_RAW}
    with zipfile.ZipFile(built / "results" / "submission.zip") as z:
        names = z.namelist()
        assert {n.split("/", 1)[0] for n in names} == {FOLDER}
        assert {n.split("/", 1)[1] for n in names} == expected
        for n in names:
            assert z.read(n) == (handin.parent / n).read_bytes(), n
    # The data travel as the pipeline read and verified them.
    assert (handin / "lausanne-appart.csv").read_bytes() == (built / "results/data/raw/lausanne/lausanne-appart.csv").read_bytes()


def test_the_group_stands_at_the_top_of_every_notebook(notebooks):
    for name, nb in notebooks.items():
        top = source(nb["cells"][0])
        assert nb["cells"][0]["cell_type"] == "markdown" and "Group 07" in top, name
        assert "Ada Lovelace" in top and "Alan Turing" in top, name


# What a grader reads in twenty minutes: all the Markdown of the notebooks and the text of the maths PDF together.
WORD_BUDGET = 7000
START, END = "# YOUR CODE (START)", "# YOUR CODE (END)"


def test_the_hand_in_reads_in_twenty_minutes(notebooks, handin):
    from pypdf import PdfReader

    words = {name: len(" ".join(source(c) for c in cells(nb, "markdown")).split()) for name, nb in notebooks.items()}
    words["pw02_maths.pdf"] = len(" ".join(p.extract_text() for p in PdfReader(handin / "pw02_maths.pdf").pages).split())
    print("words:", words)
    assert sum(words.values()) <= WORD_BUDGET, words


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_the_groups_code_stands_between_the_courses_markers(notebooks, name):
    """Every function the course names is defined between YOUR CODE (START) and (END), as in the course's notebook;
    every marker is closed in its own cell; the first cell says what was changed from the course's version."""
    nb = notebooks[name]
    inside = set()
    for cell in cells(nb, "code"):
        lines = source(cell).splitlines()
        open_at = None
        for i, line in enumerate(lines):
            if line.strip() == START:
                assert open_at is None, (name, "START inside START", source(cell)[:200])
                open_at = i
            elif line.strip() == END:
                assert open_at is not None, (name, "END without START", source(cell)[:200])
                block = "\n".join(lines[open_at + 1:i])
                inside |= {n.name for n in ast.walk(ast.parse(block)) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
                open_at = None
        assert open_at is None, (name, "START never closed", source(cell)[:200])
    for signature in NOTEBOOKS[name]["course_functions"]:
        assert signature.split("(")[0] in inside, (name, signature)
    assert "Changed from the course's notebook:" in source(nb["cells"][0]) or name not in COURSE_NOTEBOOKS, name


def test_the_maths_pdf_quotes_only_numbers_the_notebooks_print(built, notebooks):
    """Each number the maths PDF quotes from a run is printed by a notebook of the hand-in (or is a setting in its
    code), at the precision quoted."""
    from quoted import quoted_numbers, unprinted

    markdown = (built / "results" / "report" / "maths.md").read_text()
    printed = [t for nb in notebooks.values() for c in cells(nb, "code") for t in [source(c), *texts(c)]]
    assert len(quoted_numbers(markdown)) > 30
    assert unprinted(markdown, printed) == []
    # The check itself: a number no notebook prints is found.
    assert unprinted(markdown + "\n\nThe run took 123456 epochs and 0.98765 s.\n", printed) == ["123456", "0.98765"]


def test_no_code_cell_imports_the_package_or_reads_outside_the_hand_in(notebooks):
    for name, nb in notebooks.items():
        for cell in cells(nb, "code"):
            code = source(cell)
            assert "gdlab" not in code and "results/" not in code and "../" not in code, (name, code[:200])
            for node in ast.walk(ast.parse(code)):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("/"):
                    raise AssertionError(f"{name}: an absolute path in a code cell: {node.value!r}")


def defined(nb: dict) -> dict[str, ast.AST]:
    """Every function and class a notebook's code cells define, by name."""
    found = {}
    for cell in cells(nb, "code"):
        for node in ast.walk(ast.parse(source(cell))):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                found[node.name] = node
    return found


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_every_function_the_course_names_is_defined_with_its_arguments_and_tested(notebooks, name):
    nb, fns = notebooks[name], NOTEBOOKS[name]["course_functions"]
    defs = defined(nb)
    code_cells = cells(nb, "code")
    for signature in fns:
        fname, args = re.fullmatch(r"(\w+)\((.*)\)", signature).groups()
        assert fname in defs, f"{name}: no def {fname}"
        node = defs[fname]
        if isinstance(node, ast.ClassDef):
            assert [ast.unparse(b) for b in node.bases] == [args], (fname, ast.unparse(node))
        else:
            assert [a.arg for a in node.args.args] == [a.strip() for a in args.split(",")], (fname, ast.unparse(node.args))
        # Its test: a code cell that calls it (not the one that only defines it) has stored output.
        calls = [c for c in code_cells if re.search(rf"(?<![\w.]){fname}\(", "\n".join(
            line for line in source(c).splitlines() if not line.lstrip().startswith(("def ", "class "))))]
        assert any(c["outputs"] for c in calls), f"{name}: {fname} is never called in a cell with output"


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_every_figure_is_an_output_of_a_code_cell(notebooks, name):
    nb = notebooks[name]
    assert not any(c.get("attachments") or "![" in source(c) for c in cells(nb, "markdown"))
    assert sum(t == "<image>" for c in cells(nb, "code") for t in texts(c)) >= 1
    assert not [t for c in cells(nb, "code") for t in texts(c) if t.startswith("ERROR")]
    assert all("{{" not in source(c) and "{%" not in source(c) for c in nb["cells"])  # filled in


def test_the_runs_of_4_to_6_take_the_functions_of_the_other_notebooks_by_name_and_repeat_none(notebooks):
    """Each course notebook stands alone, as the course hands it out; the notebook of Exercises 4-6 defines only
    what no other notebook defines, and takes the rest with gdlab.reuse.definitions, each name bound to the function
    of that name."""
    defined: dict[str, set[str]] = {}
    taken: dict[str, list[str]] = {}
    for name, nb in notebooks.items():
        for cell in cells(nb, "code"):
            for node in ast.parse(source(cell)).body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    defined.setdefault(node.name, set()).add(name)
                call = node.value if isinstance(node, ast.Assign) else None
                if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "definitions":
                    other, *names = [a.value for a in call.args]
                    assert [t.id for t in node.targets[0].elts] == names, ast.unparse(node)
                    taken[other.removesuffix(".ipynb")] = names
    extra = set(NOTEBOOKS) - set(COURSE_NOTEBOOKS)
    assert extra and all(not defined[f] & {other} for f in defined for other in extra if len(defined[f]) > 1)
    assert set(taken) <= set(COURSE_NOTEBOOKS) and sum(map(len, taken.values())) >= 10
    for other, names in taken.items():
        assert all(other in defined[n] for n in names), (other, names)


def test_the_hand_in_runs_from_the_zip_alone_without_network_and_gives_the_stored_numbers(built, notebooks):
    """The check that `make report` includes (and the shared test build too) runs every notebook of
    results/submission.zip in the teaching assistants' sandbox: the zip unpacked alone, read-only, no network, nothing
    else of the checkout (tests/test_check_sandbox.py shows each of those walls). Every cell ran, and every number a
    cell prints again is the number it printed when handed in."""
    folder = built / "results" / "check" / "_self" / "notebooks"
    if not folder.is_dir():
        if os.environ.get("GDLAB_REQUIRE_BWRAP"):
            pytest.fail("GDLAB_REQUIRE_BWRAP is set, but the shared build did not check its own hand-in")
        pytest.skip("bubblewrap is not installed: the shared build could not run its hand-in in the sandbox")
    runs = {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")}
    assert sorted(runs) == sorted(notebooks)
    for name, r in runs.items():
        assert r["run"]["completed"] and r["run"]["returncode"] == 0 and not r["run"].get("message"), (name, r["run"])
        assert r["errors"] == [] and r["run"]["cells_run"] == sum(c["cell_type"] == "code"
                                                                  for c in notebooks[name]["cells"]), name
        assert r["changed_outputs"] == [], f"{name}: a rerun from the zip printed other numbers: {r['changed_outputs']}"
    print("seconds per notebook, run from the zip in the sandbox:", {k: r["run"]["seconds"] for k, r in runs.items()})


def namespace(nb: dict) -> dict:
    """The functions and classes a notebook's code cells define, executed on their own (with the imports the
    notebook makes), so that they can be checked against independent references."""
    ns: dict = {}
    exec("import math, numpy as np, pandas as pd, torch\nimport torch.nn.functional as F\nfrom torch import nn", ns)
    for cell in cells(nb, "code"):
        tree = ast.parse(source(cell))
        for node in tree.body:  # definitions, and constants (a name bound to a literal, or to a tuple of literals)
            literal = (isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets)
                       and all(isinstance(n, (ast.Constant, ast.Tuple, ast.Load)) for n in ast.walk(node.value)))
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) or literal:
                exec(compile(ast.Module([node], []), "<cell>", "exec"), ns)
    return ns


def test_exercise_1_the_closed_form_is_least_squares_and_the_gradient_is_autograds(notebooks, handin):
    ns = namespace(notebooks["pw02_lin_regression_GD"])
    df = pd.read_csv(handin / "lausanne-appart.csv")
    x, y = ns["standardise"](df["living_area"].to_numpy(float)), ns["standardise"](df["rent_price"].to_numpy(float))
    X, Y = ns["design"](x, y)
    a = ns["normal_equations"](X, Y)
    reference = np.linalg.lstsq(X.numpy(), Y.numpy(), rcond=None)[0]
    np.testing.assert_allclose(a.numpy(), reference, rtol=0, atol=1e-12)
    for seed in range(3):
        w = torch.randn(2, 1, dtype=torch.float64, generator=torch.Generator().manual_seed(seed), requires_grad=True)
        ns["cost"](X, Y, w).backward()
        torch.testing.assert_close(ns["gradient_cost"](X, Y, w.detach()), w.grad, rtol=1e-12, atol=1e-14)
    # The course's cost, with its 1/2: C = 1/(2N) Σ (y − ŷ)².
    assert ns["cost"](X, Y, a).item() == pytest.approx(float(((Y - X @ a) ** 2).mean() / 2), rel=1e-14)


def test_exercise_2_the_gradient_is_autograds_at_random_weights(notebooks, handin):
    ns = namespace(notebooks["pw02_binary_classification_GD"])
    df = pd.read_csv(handin / "Dataset_spine.csv")
    features = [c for c in df.columns if c != "Class_att"]
    X, Y = ns["design"](df[features].to_numpy(), (df["Class_att"] == "Abnormal").to_numpy())
    assert X.shape == (310, 13) and Y.shape == (310, 1)
    torch.testing.assert_close(X[:, 1:].std(dim=0), torch.ones(12, dtype=torch.float64))  # torch's unbiased std
    for seed in range(3):
        W = torch.randn(1, 13, dtype=torch.float64, generator=torch.Generator().manual_seed(seed), requires_grad=True)
        ns["cost"](X, Y, W).backward()
        torch.testing.assert_close(ns["gradient_cost"](X, Y, W.detach()), W.grad, rtol=1e-10, atol=1e-12)
        p = torch.sigmoid(X @ W.detach().T)
        naive = -(Y * torch.log(p) + (1 - Y) * torch.log(1 - p)).mean()
        assert ns["cost"](X, Y, W).item() == pytest.approx(naive.item(), rel=1e-10)


def test_exercise_3_the_gradient_is_autograds_at_random_parameters(notebooks):
    ns = namespace(notebooks["pw02_softmax_classification"])
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(32, 1, 28, 28, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 10, (32,), generator=gen)
    W = (0.1 * torch.randn(10, 784, generator=gen, dtype=torch.float64)).requires_grad_()
    b = (0.1 * torch.randn(1, 10, generator=gen, dtype=torch.float64)).requires_grad_()
    ns["cost_ce"](y, ns["predict"](x, W, b)).backward()
    gradW, gradb = ns["grad_loss_ce"](x, torch.nn.functional.one_hot(y, 10).double(), ns["predict"](x, W.detach(), b.detach()))
    assert gradW.shape == (10, 784) and gradb.shape == (1, 10)
    torch.testing.assert_close(gradW, W.grad, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(gradb, b.grad, rtol=1e-10, atol=1e-12)
    ce = torch.nn.functional.cross_entropy(ns["linear_trsf"](x, W, b), y)
    assert ns["cost_ce"](y, ns["predict"](x, W, b)).item() == pytest.approx(ce.item(), rel=1e-10)
    assert ns["metrics"](x, y, W.detach(), b.detach())[0] == pytest.approx(ce.item(), rel=1e-10)
    assert isinstance(ns["NeuralNetwork"](), torch.nn.Module)


def test_the_notebooks_print_the_numbers_the_sheet_states(built, notebooks):
    from gdlab.io import read_json

    ex1 = read_json(built / "results" / "ex1" / "summary.json")
    out1 = "\n".join(t for c in cells(notebooks["pw02_lin_regression_GD"], "code") for t in texts(c))
    assert f"closed form       a* = {ex1['closed_form']['a']}" in out1
    ex3 = read_json(built / "results" / "ex3" / "summary.json")
    out3 = "\n".join(t for c in cells(notebooks["pw02_softmax_classification"], "code") for t in texts(c))
    assert f"{ex3['reference']['course']['test_accuracy']:.4f}".rstrip("0") in out3
    assert f"{ex3['reference']['small_init']['test_accuracy']:.4f}".rstrip("0") in out3
    # The study, trained in the notebook, prints the pipeline's table (one job per point, grid.csv) ...
    from gdlab.grid import points_table, table_text

    assert table_text(points_table(pd.read_csv(built / "results" / "ex3" / "grid.csv"))) in out3
    # ... and its favourite's model of the first seed is the one the pipeline reports; so are its budgets.
    fav = ex3["favourite"]
    tr = fav["trained"]
    assert f"the favourite keeps {tr['epochs']} epochs" in out3
    assert f"test accuracy {tr['shown_test_accuracy']:.4f}" in out3
    assert all(f"{round(v, 4)}" in out3 for b in tr["budgets"] for v in b["val_accuracy"])
