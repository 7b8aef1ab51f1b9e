"""gdlab.notebooks: jupytext sources filled with the sheet's text, executed by a kernel, and the reproducible bundle."""

import base64
import logging
import os
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pytest

from gdlab.notebooks import bundle, execute, read_source, render
from gdlab.report import Renderer

PRACTICAL = {"practical": {"course": "C", "name": "N"}, "exercises": [
    {"number": 1, "title": "One", "parts": [{"letter": "a", "gist": "The cost", "question": "What is the cost?"}]}]}

SOURCE = '''\
    # %% [markdown]
    # # Demo, seed {{ cfg.seed }}
    #
    # {{ section("1a") }}

    # %%
    x = {{ cfg.seed }} + 1
    print("x =", x)

    # %% [markdown]
    # {{ figure("ex1_curve", "The curve.") }} and {{ figref("ex1_curve") }}
    '''

FAILING = '''\
    # %% [markdown]
    # Fine so far.

    # %%
    y = 1

    # %%
    raise ValueError("boom in the demo")

    # %%
    print("never")
    '''

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture
def setup(tmp_path):
    (tmp_path / "report" / "answers").mkdir(parents=True)
    (tmp_path / "report" / "answers" / "ex1.md.j2").write_text(
        "{% macro a() %}\nThe cost is {{ ex1.cost | sig(3) }}.\n{% endmacro %}\n")
    figure = tmp_path / "results" / "ex1" / "figures" / "curve.png"
    figure.parent.mkdir(parents=True)
    figure.write_bytes(PNG)

    def renderer(out):
        return Renderer(tmp_path / "report", {"ex1": {"cost": 0.123456}, "claims": {}, "cfg": {"seed": 3}}, "notebook",
                        {"ex1_curve": str(figure)}, out, {}, PRACTICAL)

    def source(name, text):
        p = tmp_path / "notebooks" / f"{name}.py"
        p.parent.mkdir(exist_ok=True)
        p.write_text(textwrap.dedent(text))
        return p

    return renderer, source, tmp_path


def test_read_source_fixes_cell_ids_and_keeps_the_templates(setup):
    _, source, _ = setup
    nb = read_source(source("demo", SOURCE))
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "markdown"]
    assert [c.id for c in nb.cells] == ["demo-00", "demo-01", "demo-02"]
    assert all(c.metadata == {} for c in nb.cells)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.cells[1].source == 'x = {{ cfg.seed }} + 1\nprint("x =", x)'


def test_render_fills_only_the_cells_of_its_type_with_attachments(setup):
    renderer, source, tmp_path = setup
    nb = render(read_source(source("demo", SOURCE)), renderer(tmp_path / "out" / "demo.ipynb"), "code")
    assert nb.cells[1].source == 'x = 3 + 1\nprint("x =", x)'  # code cells are templates too
    assert nb.cells[0].source.startswith("# Demo, seed {{ cfg.seed }}")  # the prose waits for its own step
    render(nb, renderer(tmp_path / "out" / "demo.ipynb"), "markdown")
    md = nb.cells[0].source
    assert md.startswith("# Demo, seed 3\n\n## 1 a) The cost\n\n> **1 a)** *What is the cost?*")
    assert md.endswith("The cost is 0.123.")
    # The caption below the image; the reference resolved once every cell is rendered (here: placed in the
    # cell after section 1a, so "part 1 a").
    assert nb.cells[2].source == ("![ex1 curve](attachment:ex1_curve.png)\n\n*Figure: The curve.* and "
                                  "(the figure in part 1 a)")
    assert nb.cells[2].attachments == {"ex1_curve.png": {"image/png": base64.b64encode(PNG).decode()}}
    assert "attachments" not in nb.cells[0]
    nbformat.validate(nb)


def test_execute_runs_the_code_and_writes_a_clean_notebook_whose_prose_can_be_filled_later(setup):
    renderer, source, tmp_path = setup
    out = tmp_path / "out" / "demo.ipynb"
    src = source("demo", SOURCE)
    execute(render(read_source(src), renderer(out), "code"), src, out, timeout_s=60, log=logging.getLogger("test"))
    nb = nbformat.read(out, as_version=4)
    nbformat.validate(nb)
    code = nb.cells[1]
    assert code.execution_count == 1 and code.metadata == {}
    assert [o["output_type"] for o in code.outputs] == ["stream"] and code.outputs[0]["text"] == "x = 4\n"
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    assert nb.metadata["language_info"] == {"name": "python"} and [c.id for c in nb.cells][0] == "demo-00"
    assert os.listdir(out.parent) == ["demo.ipynb"]  # no temporary file left
    filled = render(nb, renderer(out), "markdown")  # the second step, on the executed notebook
    assert filled.cells[0].source.startswith("# Demo, seed 3") and filled.cells[1].outputs == code.outputs


def test_a_failing_cell_names_the_notebook_and_the_cell_and_writes_nothing(setup):
    renderer, source, tmp_path = setup
    out = tmp_path / "out" / "fail.ipynb"
    src = source("fail", FAILING)
    with pytest.raises(RuntimeError, match=r"fail\.py: cell fail-02 failed while executing the notebook") as err:
        execute(render(read_source(src), renderer(out), "code"), src, out, timeout_s=60, log=logging.getLogger("test"))
    assert str(src) in str(err.value) and "boom in the demo" in str(err.value)
    assert not out.exists() and (not out.parent.exists() or os.listdir(out.parent) == [])


def test_bundle_copies_the_files_and_zips_them_reproducibly(tmp_path):
    a, b = tmp_path / "build" / "b_notebook.ipynb", tmp_path / "build" / "a_maths.pdf"
    a.parent.mkdir()
    a.write_text('{"cells": []}')
    b.write_bytes(b"%PDF-1.7 fake")
    hand_in = tmp_path / "hand-in"
    copies = [hand_in / "submission" / "b_notebook.ipynb", hand_in / "submission" / "a_maths.pdf"]
    archive = hand_in / "submission.zip"
    bundle([a, b], copies, archive)
    assert copies[0].read_bytes() == a.read_bytes() and copies[1].read_bytes() == b.read_bytes()
    assert sorted(os.listdir(hand_in / "submission")) == ["a_maths.pdf", "b_notebook.ipynb"]  # no temporaries
    with zipfile.ZipFile(archive) as z:
        assert z.namelist() == ["submission/a_maths.pdf", "submission/b_notebook.ipynb"]  # sorted, in the copies' folder
        assert z.read("submission/b_notebook.ipynb") == a.read_bytes()
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) and i.external_attr == 0o644 << 16 for i in z.infolist())
    first = archive.read_bytes()
    os.utime(a, (1e9, 1e9))  # a later build: other timestamps, same content, files listed in another order
    bundle([b, a], copies[::-1], archive)
    assert archive.read_bytes() == first
    assert sorted(p.name for p in hand_in.iterdir()) == ["submission", "submission.zip"]


def test_bundle_needs_one_copy_per_file(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("a")
    with pytest.raises(ValueError):
        bundle([a, a], [tmp_path / "out" / "a.txt"], tmp_path / "out.zip")
    assert not (tmp_path / "out.zip").exists()
