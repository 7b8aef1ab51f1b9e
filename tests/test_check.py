"""The teaching assistants' checker, unit by unit and cheaply: the probe run in process on a namespace that holds
gdlab's functions with one fault each (no kernel, no sandbox), the words of the comparisons, the outcome of the
prescribed runs, what the notebooks' text shows, and the hand-ins' unpacking. The sandbox and the workflow are
tested in test_check_sandbox.py and test_check_e2e.py."""

from __future__ import annotations

import inspect
import json
import linecache
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from conftest import REPO
from gdlab.check import course, evidence, faults, handins, outcome
from gdlab.check.job import make_probe_spec

PRACTICAL = yaml.safe_load((REPO / "report" / "practical.yaml").read_text())
COURSE = course.exercises(PRACTICAL)
SETTINGS = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["check"]
PROBE = (REPO / "src" / "gdlab" / "check" / "probe.py").read_text()


def probe_findings(tmp_path: Path, notebook: str, sources: dict[str, str] | None = None):
    """The probe, run in process on a namespace with gdlab's course functions of ``notebook`` (their source, as a
    hand-in shows it), some replaced by ``sources``; the findings the checker draws from what it wrote."""
    ex = COURSE[notebook]
    ns: dict = {}
    exec(course.reference_source(ex), ns)
    if ex.number == 3:
        exec(inspect.getsource(__import__("gdlab.softmax", fromlist=["x"]).NeuralNetwork), ns)
    for i, src in enumerate((sources or {}).values()):  # each in a "cell" of its own, its lines known (as IPython does)
        name = f"<cell {i}>"
        linecache.cache[name] = (len(src), None, src.splitlines(True), name)
        exec(compile(src, name, "exec"), ns)
    exec(compile(PROBE, "probe.py", "exec"), ns)  # a file of its own, as its cell is in the kernel
    spec, given = make_probe_spec(ex, SETTINGS, str(tmp_path / "probe.json"))
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    ns["_gdlab_probe"](str(tmp_path / "spec.json"))
    probe = json.loads((tmp_path / "probe.json").read_text())
    return course.function_findings(ex, probe, given, SETTINGS["rtol"])


def test_the_course_functions_come_from_practical_yaml_with_gdlabs_references():
    assert list(COURSE[faults.EX1].functions) == ["cost", "gradient_cost"]
    assert COURSE[faults.EX2].functions["gradient_cost"] == ["X", "Y", "W"]
    assert COURSE[faults.EX3].references["grad_loss_ce"] == "gdlab.softmax.grad_loss_ce"
    for ex in COURSE.values():  # gdlab's own function takes the course's arguments, in the course's order
        for name, args in ex.functions.items():
            ref = course.reference(ex.references[name])
            if not inspect.isclass(ref):
                assert list(inspect.signature(ref).parameters) == args, name


@pytest.mark.parametrize("notebook", list(COURSE))
def test_gdlabs_own_functions_are_right_on_every_check(tmp_path, notebook):
    findings, details = probe_findings(tmp_path, notebook)
    assert findings and all(f["ok"] for f in findings), [f["message"] for f in findings if not f["ok"]]
    assert all(v == "equal" for v in details.values()), details


UNIT_FAULTS = [f for f in faults.FAULTS if f.unit]


@pytest.mark.parametrize("fault", UNIT_FAULTS, ids=[f.name for f in UNIT_FAULTS])
def test_each_fault_in_a_function_is_named_there_in_words_and_nowhere_else(tmp_path, fault):
    ref = course.reference(faults.reference_of(fault))
    broken = faults.apply_to_source(fault, inspect.getsource(ref))
    findings, _ = probe_findings(tmp_path, fault.notebook, {fault.function: broken})
    wrong = {f["function"]: f["message"] for f in findings if not f["ok"]}
    assert list(wrong) == [fault.function], wrong
    import re
    assert re.search(fault.requires[0], wrong[fault.function]), wrong[fault.function]


def test_a_cost_and_gradient_consistently_wrong_are_caught_against_the_reference(tmp_path):
    doubled = {"cost": "def cost(X, Y, a):\n    return ((Y - X @ a) ** 2).sum() / len(X)\n",
               "gradient_cost": "def gradient_cost(X, Y, a):\n    return 2 * X.T @ (X @ a - Y) / len(X)\n"}
    findings, details = probe_findings(tmp_path, faults.EX1, doubled)
    msg = {f["function"]: f["message"] for f in findings}
    assert "2× the course's C (the factor 1/2 is missing)" in msg["cost"]
    assert "2× the cost's derivative" in msg["gradient_cost"]
    assert "it is autograd's derivative of your own cost, so the cost is wrong too" in msg["gradient_cost"]
    assert details["gradient_cost vs autograd of your cost"] == "equal"


def test_missing_functions_wrong_arguments_and_errors_are_named(tmp_path):
    sources = {"cost": "def cost(X, a):\n    return (X @ a).sum()\n",
               "gradient_cost": "def gradient_cost(X, Y, a):\n    return undefined_name * X\n"}
    findings, _ = probe_findings(tmp_path, faults.EX1, sources)
    msg = {f["function"]: f["message"] for f in findings}
    assert "takes (X, a) where the course's is (X, Y, a)" in msg["cost"]
    assert "raises NameError: name 'undefined_name' is not defined" in msg["gradient_cost"]
    assert "(line 2 of its cell: `return undefined_name * X`)" in msg["gradient_cost"]


def test_a_function_that_never_returns_is_stopped_and_named(tmp_path, monkeypatch):
    monkeypatch.setitem(SETTINGS, "call_timeout_s", 1)
    findings, _ = probe_findings(tmp_path, faults.EX1, {"cost": "def cost(X, Y, a):\n    while True:\n        pass\n"})
    assert "did not return within 1 s" in {f["function"]: f["message"] for f in findings}["cost"]


def test_the_comparisons_say_what_is_wrong():
    r = np.arange(1.0, 14.0).reshape(1, 13)
    assert course.compare(r, r, "g", 1e-6) is None
    assert course.compare(-r, r, "the cost's derivative", 1e-6) == "the opposite sign of the cost's derivative"
    assert course.compare(2 * r, r, "C", 1e-6) == "2× C (the factor 1/2 is missing)"
    assert course.compare(r.T, r, "g", 1e-6).startswith("returns the transpose: shape (13, 1)")
    assert course.compare(r[:, :5], r, "g", 1e-6) == "shape (1, 5) where the course's is (1, 13)"
    assert course.compare(np.full((1, 13), np.nan), r, "g", 1e-6) == "contains NaN"
    assert course.compare(r + 1, r, "g", 1e-6).startswith("differs from g: largest difference 1")


def test_the_prescribed_runs_are_judged_by_their_outcome():
    X = torch.cat([torch.ones(50, 1, dtype=torch.float64), torch.randn(50, 1, dtype=torch.float64)], 1)
    Y = X @ torch.tensor([[0.0], [0.9]], dtype=torch.float64)
    from gdlab.linreg import cost, run
    _, history = run(X, Y, 0.1, 100)
    good = [c for c, _ in history]
    ref = {"lr": 0.1, "start_cost": good[0], "final_cost": good[-1]}
    c0 = float(cost(X, Y, torch.zeros(2, 1, dtype=torch.float64)))
    climbing = [c0 * 1.5 ** t for t in range(20)]
    [verdict] = outcome.ex1({"curves": {"costs": climbing}}, X, Y, ref, 0.5, 1e-6)
    assert verdict["ok"] is False and "learns nothing" in verdict["message"] and f"{good[-1]:.4g}" in verdict["message"]
    [verdict] = outcome.ex1({"curves": {"costs": climbing, "good": good, "eigen": [1.0, 1.0] * 5}}, X, Y, ref, 0.5, 1e-6)
    assert verdict["ok"] is True and verdict["best"] == "good"
    # a cost without the factor 1/2 draws its curve at twice the height: judged in its own units
    [verdict] = outcome.ex1({"curves": {"double": [2 * c for c in good]}}, X, Y, ref, 0.5, 1e-6)
    assert verdict["ok"] is True
    [verdict] = outcome.ex1({"curves": {}}, X, Y, ref, 0.5, 1e-6)
    assert verdict["ok"] is None and "could not be judged" in verdict["message"]


def test_the_hand_models_outcome_ignores_the_modules_parameters_and_scores_each_pair():
    torch.manual_seed(0)
    W = torch.randn(10, 784)
    X = torch.rand(200, 784)
    Y = (X @ W.T).argmax(dim=1)
    enc = lambda t: {"shape": list(t.shape), "data": t.double().tolist()}  # noqa: E731
    ref = {"lr": 0.01, "nbatch": 64, "nepochs": 10, "test_accuracy": [0.1, 0.8]}
    probe = {"candidates": {"W": enc(W), "W0": enc(torch.zeros(10, 784)), "b": enc(torch.zeros(1, 10))},
             "modules": {"model": {"parameters": [enc(-W), enc(torch.zeros(10))]}}}
    hand, module = outcome.ex3(probe, X, Y, ref, ref, 0.5)
    assert hand["ok"] is True and hand["best"] == "W, b" and hand["value"] == 1.0
    assert module["ok"] is False and "learns nothing" in module["message"] and "0.8" in module["message"]


def _nb(cells):
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _code(src, text):
    return {"cell_type": "code", "source": src, "outputs": [{"output_type": "stream", "name": "stdout", "text": text}]}


def _md(src):
    return {"cell_type": "markdown", "source": src}


def test_markdown_numbers_that_no_output_prints_are_listed_and_printed_ones_are_not():
    nb = _nb([_code("print(acc)", "test accuracy 0.92213\n"), _md("**1 a)** It reaches 92.21 % and 0.9221, not 97.31."),
              _md("η = 0.1 and 2 epochs (settings, not results)")])
    assert evidence.unprinted_numbers(nb, {}, 3) == ["97.31"]


def test_a_printed_number_that_changes_on_the_rerun_is_listed_but_stderr_is_not():
    stored = _nb([_code("x", "cost 0.5\n"), _code("y", "acc 0.91\n")])
    rerun = _nb([_code("x", "cost 0.5\n"), _code("y", "acc 0.10\n")])
    rerun["cells"][0]["outputs"].append({"output_type": "stream", "name": "stderr", "text": "warning at line 2320"})
    assert evidence.changed_outputs(stored, rerun, set(), 10) == [
        {"cell": 1, "stored": "0.91", "rerun": "0.10", "line": "acc 0.91"}]


def test_chunks_of_one_stream_are_read_as_one_text_wherever_the_kernel_cut_them():
    """A kernel may cut a printed line anywhere (it sends what was flushed): stored and rerun, cut differently, print
    the same numbers; stderr and a figure between two chunks keep them apart."""
    stored = _nb([_code("x", "acc 0.9")])
    stored["cells"][0]["outputs"].append({"output_type": "stream", "name": "stdout",
                                          "text": ["1 after 2", "0 epochs\n"]})
    rerun = _nb([_code("x", "acc 0.91 after 20 epochs\n")])
    assert evidence.numbers(evidence.cell_text(stored["cells"][0])) == ["0.91", "20"]
    assert evidence.changed_outputs(stored, rerun, set(), 10) == []
    figure = {"output_type": "display_data", "data": {"image/png": "..."}}
    err = {"output_type": "stream", "name": "stderr", "text": "w"}
    out = [{"output_type": "stream", "name": "stdout", "text": t} for t in ("a", "b", "c", "d")]
    assert evidence.merge_streams([out[0], out[1], err, out[2], figure, out[3]]) == [
        {"output_type": "stream", "name": "stdout", "text": "ab"}, err, out[2], figure, out[3]]


def test_parts_with_an_answer_cell_are_found_by_their_labels():
    nb = _nb([_md("**1 a)** the closed form (see part e below)"), _code("a", ""), _md("## 1 b) gradient"),
              _md("1 c)")])
    assert evidence.answered_parts(nb, ["1a", "1b", "1c", "1e"]) == {"1a": True, "1b": False, "1c": False,
                                                                     "1e": False}


def test_a_notebook_is_identified_by_its_name_or_by_the_functions_it_defines():
    nb = _nb([{"cell_type": "code", "source": "def linear_trsf(x, W, b):\n    pass\ndef softmax(z):\n    pass"}])
    assert course.identify("pw02_lin_regression_GD_stud", _nb([]), COURSE) == faults.EX1
    assert course.identify("my notebook", nb, COURSE) == faults.EX3
    assert course.identify("my notebook", _nb([]), COURSE) is None


def test_the_groups_of_a_folder_are_found_in_zips_and_folders(tmp_path):
    with zipfile.ZipFile(tmp_path / "G01_Ada Byron.zip", "w") as z:
        z.writestr("G01_Ada_Byron/pw02 lin (1).ipynb", "{}")
        z.writestr("G01_Ada_Byron/.ipynb_checkpoints/x-checkpoint.ipynb", "{}")
        z.writestr("__MACOSX/G01_Ada_Byron/._x.ipynb", "")
    (tmp_path / "G02_Turing" / "G02_Turing").mkdir(parents=True)
    (tmp_path / "G02_Turing" / "G02_Turing" / "ex2.ipynb").write_text("{}")
    groups = handins.discover(tmp_path)
    assert groups["G01_Ada_Byron"]["notebooks"] == {"pw02_lin__1": "pw02 lin (1).ipynb"}
    assert groups["G02_Turing"]["notebooks"] == {"ex2": "ex2.ipynb"}
    with pytest.raises(ValueError, match="handins: .*not a folder"):
        handins.discover(tmp_path / "nowhere")


def test_unpacking_refuses_paths_outside_links_and_zip_bombs(tmp_path):
    z = tmp_path / "G03.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("G03/ok.ipynb", "{}")
        f.writestr("G03/../../escaped.txt", "x")
        link = zipfile.ZipInfo("G03/link")
        link.external_attr = (0o120777 << 16)
        f.writestr(link, "/etc/shadow")
    handins.stage(z, tmp_path / "out", 2**20, 100)
    assert sorted(p.name for p in (tmp_path / "out").rglob("*")) == ["ok.ipynb"]
    assert not (tmp_path / "escaped.txt").exists()
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as f:
        f.writestr("B/zeros", b"\0" * (3 * 2**20))
    with pytest.raises(ValueError, match="bomb.zip: more than .* MB unpacked"):
        handins.stage(tmp_path / "bomb.zip", tmp_path / "out2", 2**20, 100)


def test_every_code_fault_edits_a_function_the_project_s_notebook_shows():
    """So that it applies to the zip: the notebook's source puts that very function in with code(...)."""
    for fault in faults.FAULTS:
        if fault.kind == "code":
            src = (REPO / "report" / "notebooks" / f"{fault.notebook}.py").read_text()
            assert f'code("{faults.reference_of(fault)}")' in src, fault.name
            original = inspect.getsource(course.reference(faults.reference_of(fault)))
            assert faults.apply_to_source(fault, original) != original


def test_data_the_hand_in_lacks_is_supplied_and_said_once_per_group(tmp_path):
    from gdlab.check.report import group_report

    (tmp_path / "src.csv").write_text("a,b\n1,2\n")
    folder = tmp_path / "folder"
    (folder / "data").mkdir(parents=True)
    (folder / "mine.csv").write_text("theirs")
    data = {"mine.csv": str(tmp_path / "src.csv"), "data/MNIST/raw/x": str(tmp_path / "src.csv")}
    assert handins.supply(folder, data) == ["data/MNIST/raw/x"]
    assert (folder / "mine.csv").read_text() == "theirs"  # the group's own copy is kept
    run = {"run": {"seconds": 1.0}, "errors": [], "functions": [], "outcomes": [], "supplied": ["data/MNIST/raw/x"],
           "exercise": 1, "parts": {}}
    report = group_report("G01", "G01.zip", {"a": run | {"notebook": "a.ipynb"}, "b": run | {"notebook": "b.ipynb"}},
                          [1, 2, 3])
    assert report["passed"] and report["look_at"] == [
        "the hand-in lacks data/MNIST/raw/x: the checker supplied the course's copy"]


def test_a_checkout_under_tmp_stays_visible_in_the_sandbox(tmp_path):
    """bwrap mounts in order: the sandbox's own /tmp must come before the binds of the interpreter, or a checkout
    under /tmp (CI's may be) would be hidden by it ("prlimit: failed to execute …/.venv/bin/python")."""
    from gdlab.check.sandbox import Limits, command

    limits = Limits(wall_s=10, cpu_s=10, memory_mb=100, file_mb=1, processes=8, tmp_mb=8)
    cmd = command(handin=tmp_path, inside="/handin/G01_A", out=tmp_path, checker={}, argv=["true"], limits=limits,
                  uid=65534, python_prefixes=[Path("/tmp/clone/.venv")])
    tmpfs_at = max(i for i, a in enumerate(cmd) if a == "--tmpfs")
    bind_at = next(i for i, a in enumerate(cmd) if a == "--ro-bind" and cmd[i + 2] == "/tmp/clone/.venv")
    assert cmd[tmpfs_at + 1] == "/tmp" and tmpfs_at < bind_at


def test_our_own_hand_in_must_pass_with_nothing_to_look_at():
    from gdlab.check.report import self_verdict

    clean = {"group": "_self", "passed": True, "problems": [], "look_at": [], "functions_right": 15,
             "functions_total": 15, "notebooks_ran": ["a.ipynb", "b.ipynb"]}
    assert self_verdict(clean).startswith("_self: passes every check (15/15 course functions right, 2 notebooks ran)")
    typed = clean | {"look_at": ["x.ipynb: numbers in the Markdown that no output prints (typed by hand?): 92.61"]}
    with pytest.raises(RuntimeError, match="look at: x.ipynb: numbers in the Markdown .* 92.61"):
        self_verdict(typed)
    wrong = clean | {"passed": False, "problems": ["x.ipynb: code cell 3: NameError: name 'W' is not defined"]}
    with pytest.raises(RuntimeError, match="code cell 3: NameError"):
        self_verdict(wrong)
