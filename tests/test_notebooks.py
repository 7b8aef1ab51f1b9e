"""gdlab.notebooks: jupytext sources whose code cells are filled with the package's source and whose Markdown cells
with the sheet's text, the check for names no cell defines, execution by a kernel in the hand-in's folder, and the
reproducible zip the course collects."""

import ast
import logging
import os
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient.exceptions import CellExecutionError

import gdlab.notebooks
from gdlab.listings import extract, notebook_code
from gdlab.notebooks import execute, paragraphs, read_source, render, undefined_names, write, zip_folder
from gdlab.report import Renderer

REPO = Path(__file__).resolve().parent.parent
LOG = logging.getLogger("test")

PRACTICAL = {"practical": {"course": "C", "name": "N"}, "exercises": [
    {"number": 1, "title": "One", "notebook": "demo", "parts": [
        {"letter": "a", "gist": "The cost", "question": "What is the cost?"},
        {"letter": "b", "gist": "Compared", "question": "Compare."}]},
    {"number": 2, "title": "Two", "parts": [{"letter": "a", "gist": "Other", "question": "Plot."}]}]}

ANSWERS = {
    "ex1": """\
        {% macro a() %}
        {{ figure("ex1_curve", "The curve.") }}
        The cost is {{ ex1.cost | sig(3) }}; see {{ figref("ex1_curve") }}.
        {% endmacro %}
        {% macro b() %}
        Unlike {{ figref("ex1_curve") }} and {{ figref("ex2_plot") }}.
        {% endmacro %}
        """,
    "ex2": """\
        {% macro a() %}
        {{ figure("ex2_plot", "Two.") }}
        {% endmacro %}
        """,
}

# A package function that needs a constant of its module: the notebook must put both in.
MODULE = "import math\n\nLIMIT = 10\n\n\ndef capped(x):\n    return min(x, LIMIT)\n"

SOURCE = '''\
    # %% [markdown]
    # # Demo, seed {{ cfg.seed }}
    #
    # {{ question("1a") }}

    # %%
    {{ code("pkg.m.LIMIT") }}


    {{ code("pkg.m.capped") }}


    print("capped:", capped({{ cfg.seed }} * 5))

    # %%
    import time
    print(open("data.txt").read().strip(), end=" ", flush=True)
    time.sleep(0.5)  # the kernel sends what it flushed: the rest of the line comes as a second chunk
    print(LIMIT)

    # %% [markdown]
    # {{ answer("1a") }}

    # %% [markdown]
    # {{ section("1b") }}
    '''


@pytest.fixture
def setup(tmp_path):
    """(renderer(target), source(name, text)) over templates and a package written to tmp_path."""
    for n, text in ANSWERS.items():
        (tmp_path / "report" / "answers").mkdir(parents=True, exist_ok=True)
        (tmp_path / "report" / "answers" / f"{n}.md.j2").write_text(textwrap.dedent(text))
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "m.py").write_text(MODULE)
    listings = {q: extract(q, tmp_path / "src") for q in ("pkg.m.LIMIT", "pkg.m.capped")}

    def renderer(out=tmp_path / "out" / "demo.ipynb"):
        return Renderer(tmp_path / "report", {"ex1": {"cost": 0.123456}, "cfg": {"seed": 3}}, "notebook", {}, out,
                        listings, PRACTICAL)

    def source(name, text):
        p = tmp_path / "notebooks" / f"{name}.py"
        p.parent.mkdir(exist_ok=True)
        p.write_text(textwrap.dedent(text))
        return p

    return renderer, source


def notebook(*cells: str) -> nbformat.NotebookNode:
    """Code cells, and a Markdown cell wherever one starts with "md:"."""
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(c[3:]) if c.startswith("md:") else nbformat.v4.new_code_cell(c) for c in cells])


# --- reading and rendering ----------------------------------------------------------------------------------

def test_read_source_fixes_cell_ids_and_keeps_the_templates(setup):
    _, source = setup
    nb = read_source(source("demo", SOURCE))
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code", "markdown", "markdown"]
    assert [c.id for c in nb.cells] == [f"demo-0{i}" for i in range(5)]
    assert all(c.metadata == {} for c in nb.cells)
    assert nb.metadata == {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                           "language_info": {"name": "python"}}
    assert nb.cells[1].source.startswith('{{ code("pkg.m.LIMIT") }}')
    assert nb.cells[3].source == '{{ answer("1a") }}'
    assert read_source(source("demo", SOURCE)) == nb  # the same source, the same notebook


def test_render_fills_only_the_cells_of_its_type(setup):
    renderer, source = setup
    nb = render(read_source(source("demo", SOURCE)), renderer(), "code")
    # The package's source verbatim, the config's settings quoted.
    assert nb.cells[1].source == ("LIMIT = 10\n\n\ndef capped(x):\n    return min(x, LIMIT)\n\n\n"
                                  'print("capped:", capped(3 * 5))')
    assert nb.cells[0].source.startswith("# Demo, seed {{ cfg.seed }}")  # the prose waits for its own step
    render(nb, renderer(), "markdown")
    assert nb.cells[0].source == "# Demo, seed 3\n\n**1 a)** *What is the cost?*"
    # The figure is drawn by a code cell, not shown in the text; its references are resolved once every cell is
    # rendered: the same part's plot is above, another part's is named, another exercise's is in the maths PDF.
    assert nb.cells[3].source == "The cost is 0.123; see (the plot below)."
    assert nb.cells[4].source == ("## 1 b) Compared\n\n> **1 b)** *Compare.*\n\n"
                                  "Unlike (the plot of part 1 a) and (the plot of part 2 a in the maths PDF).")
    assert nb.cells[2].source.startswith("import time\nprint(open(")  # the code cells were not touched again
    assert not any("attachments" in c for c in nb.cells)
    nbformat.validate(nb)


def test_render_strips_each_cell_and_leaves_no_unresolved_reference(setup):
    renderer, _ = setup
    nb = render(notebook("md:\n\n{{ answer('1b') }}\n\n", "md:{{ answer('1a') }}"), renderer(), "markdown")
    assert nb.cells[0].source == "Unlike (the plot of part 1 a) and (the plot of part 2 a in the maths PDF)."
    assert all("\x00" not in c.source and c.source == c.source.strip() for c in nb.cells)


# --- names the code cells use but never define -----------------------------------------------------------------

@pytest.mark.parametrize("cells, missing", [
    (["import numpy as np\nfrom os import path as p, sep\nimport xml.dom", "np.zeros(1); p.join(sep); xml.dom"], []),
    (["x = 1", "print(x, y)"], ["y"]),
    (["print(z)", "z = 1"], ["z"]),  # a later cell is too late
    (["a1\na1 + 1\nb2", "md:c3 is prose", "b2\nd4(a1)"], ["a1", "b2", "d4"]),  # each once; Markdown is not code
    (["def f(a, *args, b=1, **kw):\n    return a + b + len(args) + len(kw) + G", "f(1)"], ["G"]),
    (["def f(x: Tensor) -> int:\n    return x"], ["Tensor"]),  # annotations are evaluated when the def runs
    (["g = lambda q: q + 1\nsq = [i * i for i in range(3)]\nd = {k: v for k, v in []}\ns = sum(j for j in sq)",
      "print(g(1), sq, d, s)"], []),
    (["class A(Base):\n    size = 3\n\n    def m(self):\n        return self.size", "A().m()"], ["Base"]),
    (["try:\n    pass\nexcept ValueError as err:\n    print(err)", "with open('f') as fh:\n    pass\n"
      "for k in range(2):\n    pass\nif (n := 3):\n    pass", "print(fh, k, n)"], []),
    (["display(len([])); get_ipython(); print(__file__, __name__)"], []),  # IPython's and Python's builtins
    (["print(f'{in_an_fstring}')"], ["in_an_fstring"]),
])
def test_undefined_names(cells, missing):
    assert undefined_names(notebook(*cells)) == missing


def test_a_function_put_in_without_its_module_constant_is_found(setup):
    renderer, source = setup
    lacking = SOURCE.replace('{{ code("pkg.m.LIMIT") }}', "")
    assert undefined_names(render(read_source(source("lacking", lacking)), renderer(), "code")) == ["LIMIT"]
    assert undefined_names(render(read_source(source("demo", SOURCE)), renderer(), "code")) == []


def test_a_cell_with_an_ipython_magic_is_checked_like_any_other():
    assert undefined_names(notebook("%matplotlib inline\nx = 1", "print(x, y)")) == ["y"]


# --- execution -----------------------------------------------------------------------------------------------

class NoKernel:
    def __init__(self, *args, **kwargs):
        pytest.fail("a kernel was started")


def test_execute_refuses_a_notebook_with_undefined_names_before_any_kernel(setup, monkeypatch, tmp_path):
    renderer, source = setup
    monkeypatch.setattr(gdlab.notebooks, "NotebookClient", NoKernel)
    src = source("lacking", SOURCE.replace('{{ code("pkg.m.LIMIT") }}', ""))
    out = tmp_path / "out" / "lacking.ipynb"
    with pytest.raises(RuntimeError, match=r"lacking\.py: its code cells use \['LIMIT'\] but never define or import "
                                           r"them .*put that in too"):
        execute(render(read_source(src), renderer(out), "code"), src, out, cwd=tmp_path, timeout_s=60, log=LOG)
    assert not out.exists()


def test_execute_runs_the_code_in_its_folder_and_writes_a_clean_notebook(setup, tmp_path):
    """The one kernel of the unit tests: two code cells, the second reading a file of the hand-in's folder."""
    renderer, source = setup
    folder, out = tmp_path / "hand-in", tmp_path / "out" / "demo.ipynb"
    folder.mkdir()
    (folder / "data.txt").write_text("beside the notebook\n")
    src = source("demo", SOURCE)
    execute(render(read_source(src), renderer(out), "code"), src, out, cwd=folder, timeout_s=60, log=LOG)
    nb = nbformat.read(out, as_version=4)
    nbformat.validate(nb)
    first, second = nb.cells[1], nb.cells[2]
    assert (first.execution_count, second.execution_count) == (1, 2)
    assert [o["output_type"] for o in first.outputs] == ["stream"] and first.outputs[0]["text"] == "capped: 10\n"
    # Run in `cwd`, not where the test runs; the two chunks of its one stream are written as one output.
    assert [o["text"] for o in second.outputs] == ["beside the notebook 10\n"]
    assert all(c.metadata == {} for c in nb.cells) and [c.id for c in nb.cells][:2] == ["demo-00", "demo-01"]
    assert nb.metadata["language_info"] == {"name": "python"} and nb.metadata["kernelspec"]["name"] == "python3"
    assert os.listdir(out.parent) == ["demo.ipynb"] and sorted(os.listdir(folder)) == ["data.txt"]
    filled = render(nb, renderer(out), "markdown")  # the second step, on the executed notebook
    assert filled.cells[0].source.startswith("# Demo, seed 3") and filled.cells[1].outputs == first.outputs


class FailingClient:
    """nbclient as the tests see it: records how it was made, then fails in the second code cell."""

    made: list = []

    def __init__(self, nb, **kwargs):
        self.nb = nb
        FailingClient.made.append(kwargs)

    def execute(self):
        cell = [c for c in self.nb.cells if c.cell_type == "code"][1]
        cell.outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="boom", traceback=["boom"])]
        raise CellExecutionError("Traceback: ValueError: boom in the demo", "ValueError", "boom in the demo")


def test_a_failing_cell_names_the_notebook_and_the_cell_and_writes_nothing(setup, monkeypatch, tmp_path):
    renderer, source = setup
    monkeypatch.setattr(gdlab.notebooks, "NotebookClient", FailingClient)
    FailingClient.made.clear()
    out, src = tmp_path / "out" / "fail.ipynb", source("fail", SOURCE)
    with pytest.raises(RuntimeError, match=r"fail\.py: cell fail-02 failed while executing the notebook:\n"
                                           r"Traceback: ValueError: boom in the demo") as err:
        execute(render(read_source(src), renderer(out), "code"), src, out, cwd=tmp_path / "here", timeout_s=7,
                log=LOG)
    assert str(src) in str(err.value)
    assert FailingClient.made == [{"kernel_name": "python3", "timeout": 7, "record_timing": False,
                                   "resources": {"metadata": {"path": str(tmp_path / "here")}}}]
    assert not out.exists() and (not out.parent.exists() or os.listdir(out.parent) == [])


def test_write_is_atomic_and_round_trips(tmp_path):
    nb = notebook("md:# Title", "x = 1")
    out = tmp_path / "nb" / "a.ipynb"
    write(nb, out)
    assert nbformat.read(out, as_version=4) == nb and os.listdir(out.parent) == ["a.ipynb"]
    broken = notebook("x = 2")
    broken.metadata["unserialisable"] = object()
    with pytest.raises(TypeError):
        write(broken, out)
    assert nbformat.read(out, as_version=4) == nb and os.listdir(out.parent) == ["a.ipynb"]


# --- the zip the course collects ----------------------------------------------------------------------------------

@pytest.fixture
def hand_in(tmp_path):
    folder = tmp_path / "submission" / "G07_Doe_Roe"
    files = {"b_notebook.ipynb": b'{"cells": []}', "a_maths.pdf": b"%PDF-1.7 fake",
             "data/MNIST/raw/t10k-labels-idx1-ubyte": bytes(range(256)) * 4}
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / "not_listed.txt").write_text("left out")
    return folder, [folder / name for name in files], files


def test_zip_folder_holds_the_files_under_one_folder_named_like_it(hand_in, tmp_path):
    folder, paths, files = hand_in
    archive = tmp_path / "submission" / "G07_Doe_Roe.zip"
    zip_folder(folder, paths, archive)
    with zipfile.ZipFile(archive) as z:
        assert z.testzip() is None
        assert z.namelist() == ["G07_Doe_Roe/a_maths.pdf", "G07_Doe_Roe/b_notebook.ipynb",
                                "G07_Doe_Roe/data/MNIST/raw/t10k-labels-idx1-ubyte"]  # sorted; only the files given
        assert all(z.read(f"G07_Doe_Roe/{name}") == data for name, data in files.items())
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) and i.external_attr == 0o644 << 16
                   and i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())
        z.extractall(tmp_path / "unpacked")
    assert os.listdir(tmp_path / "unpacked") == ["G07_Doe_Roe"]
    assert sorted(os.listdir(archive.parent)) == ["G07_Doe_Roe", "G07_Doe_Roe.zip"]  # no temporary file left


def test_zip_folder_is_byte_reproducible_and_follows_the_content(hand_in, tmp_path):
    folder, paths, _ = hand_in
    archive = tmp_path / "out.zip"
    zip_folder(folder, paths, archive)
    first = archive.read_bytes()
    for p in paths:  # a later build: other timestamps and permissions, the files listed in another order
        os.utime(p, (1e9, 1e9))
        p.chmod(0o600)
    zip_folder(folder, paths[::-1], archive)
    assert archive.read_bytes() == first
    paths[0].write_bytes(b'{"cells": [1]}')  # a changed file: a changed zip
    zip_folder(folder, paths, archive)
    assert archive.read_bytes() != first


def test_zip_folder_refuses_a_file_outside_the_folder_and_keeps_the_old_zip(hand_in, tmp_path):
    folder, paths, _ = hand_in
    archive = tmp_path / "out.zip"
    zip_folder(folder, paths, archive)
    before = archive.read_bytes()
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("x")
    with pytest.raises(ValueError):
        zip_folder(folder, [*paths, outside], archive)
    assert archive.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [
        "elsewhere.txt", "out.zip", "submission"]


# --- the project's notebooks ------------------------------------------------------------------------------------

def test_the_notebooks_define_what_they_use_and_every_function_the_course_names(monkeypatch):
    """Each notebook source of report/practical.yaml, its code cells filled from src/ (no kernel): every name a cell
    uses is defined or imported, and each of the course's functions is defined with the course's arguments."""
    monkeypatch.chdir(REPO)
    practical = yaml.safe_load(Path("report/practical.yaml").read_text())
    config = yaml.safe_load(Path("config/config.yaml").read_text())
    # What the text may quote of the config (TEXT_SETTINGS in workflow/rules/sheet.smk).
    cfg = {k: config[k] for k in ("report", "seed", "plot", "outcome", "ex1", "ex2", "ex3", "ex4", "ex5", "ex6")}
    exercises = [ex for ex in practical["exercises"] if "notebook" in ex]
    assert len(exercises) == 4
    for ex in exercises:
        source = Path("report/notebooks", f"{ex['notebook']}.py")
        listings = {q: extract(q, Path("src")) for q in notebook_code(source.read_text())}
        renderer = Renderer(Path("report"), {"cfg": cfg}, "notebook", {}, Path("nb.ipynb"), listings, {"exercises": []})
        nb = render(read_source(source), renderer, "code")
        assert undefined_names(nb) == [], source
        defs = {}
        for cell in nb.cells:
            for node in ast.walk(ast.parse(cell.source) if cell.cell_type == "code" else ast.Module(body=[])):
                if isinstance(node, ast.FunctionDef):
                    defs[node.name] = ", ".join(a.arg for a in node.args.args)
                elif isinstance(node, ast.ClassDef):
                    defs[node.name] = ", ".join(ast.unparse(b) for b in node.bases)
        assert ex["course_functions"]
        for signature in ex["course_functions"]:
            name, args = signature.removesuffix(")").split("(")
            assert defs.get(name) == args, (source.name, signature, defs.get(name))


def test_runs_of_blank_lines_in_markdown_are_cut_to_one():
    assert paragraphs("a\n\n\n \n\t\nb\n\nc\nd") == "a\n\nb\n\nc\nd"
    assert paragraphs("$$\nx\n$$\n\n\n\n| t |\n") == "$$\nx\n$$\n\n| t |\n"
