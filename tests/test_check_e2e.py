"""`make check` end to end on the test build's own hand-in: the project's zip passes every check; a small class made
from it by fault injection — Exercise 1's gradient with the wrong sign, a number typed into Markdown — and a
hostile group: each fault is named in its group's
report and nowhere else, the hostile group changes nothing of the others; a second run checks only what changed.
(Every fault of gdlab.check.faults, on the full configuration's hand-in, is checked by `make bench`.)"""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from conftest import copy_of_build, planned_rules, run_snakemake
from gdlab.check import faults

# One worker runs this module's tests (they share one check of the class): the one that does not edit `built`
# (tests/conftest.py), beside the tests that edit `edited`.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("edits"), pytest.mark.skipif(shutil.which("bwrap") is None and not os.environ.get("GDLAB_REQUIRE_BWRAP"),
                                                  reason="bubblewrap is not installed (apt-get install bubblewrap)")]
# One notebook per faulty group: what the fault is in (the clean group and the project's own check the rest).
# (A cell that fails is tested in test_check_sandbox.py, the data supplied in test_check.py: each notebook run here
# costs the suite seconds.)
CLASS = {"G02_sign": ("ex1_gradient_sign", [faults.EX1]), "G03_typed": ("markdown_typed_number", [faults.EX1])}
HOSTILE = """import glob, os
found = [p for p in ({others!r}, {results!r}, '/root/.ssh', '/etc/shadow') if os.path.exists(p)]
found += glob.glob('/handin/**/*.zip', recursive=True) + glob.glob('/tmp/**/report.json', recursive=True)
wrote = []
for target in ('/out/../report.json', '../G01_Clean/x', 'report.json', '/handin/folder/x', {results!r} + '/x'):
    try:
        open(target, 'w').write('{{}}')
        wrote.append(target)
    except OSError:
        pass
assert not found and not wrote, (found, wrote)  # an error in the report if the sandbox let anything through
"""


@pytest.fixture(scope="module")
def checked(pristine, tmp_path_factory, mirror):
    built = copy_of_build(pristine, tmp_path_factory, "checked")  # the check runs in whichever worker
    handins = tmp_path_factory.mktemp("class")
    zip_path = built / "results" / "submission.zip"
    for name, (fault, notebooks) in CLASS.items():
        faults.build(zip_path, faults.BY_NAME[fault], handins, name, notebooks)
    with zipfile.ZipFile(handins / "G06_Hostile.zip", "w") as z:
        z.writestr("G06_Hostile/attack.ipynb", json.dumps({"cells": [{"cell_type": "code", "metadata": {},
                   "execution_count": None, "outputs": [],
                   "source": HOSTILE.format(others=str(handins / "G01_Clean.zip"), results=str(built / "results"))}], "metadata": {}, "nbformat": 4,
                   "nbformat_minor": 5}))
    start = time.perf_counter()
    assert (built / "results" / "check" / "_self" / "report.json").exists()  # checked in the shared build, as make report does
    run_snakemake(built, "--cores", "2", "results/check/summary.csv", "--config", f"handins={handins}", mirror=mirror)
    print(f"\nmake check of {len(CLASS) + 1} groups: {time.perf_counter() - start:.1f} s")
    reports = {p.parent.name: json.loads(p.read_text()) for p in (built / "results" / "check").glob("*/report.json")}
    return built, handins, reports


def test_the_projects_own_hand_in_passes_every_check(checked):
    built, _, reports = checked
    own = reports["_self"]
    assert own["passed"], own["problems"]
    assert own["functions_right"] == own["functions_total"] > 10
    assert all(own["parts"].values()) and len(own["parts"]) == 18  # 1 a - 3 h
    assert (built / "results" / "check" / "_self" / "passed.txt").read_text().startswith("_self: passes every check")
    outcomes = [o for r in own["notebooks"].values() for o in r["outcomes"]]
    assert [o["ok"] for o in outcomes] == [True, True, True], [o["message"] for o in outcomes]


def test_each_fault_is_named_in_its_group_and_nowhere_else(checked):
    _, _, reports = checked
    clean = reports["_self"]  # the correct hand-in, checked by the shared build
    for group, (fault, _) in CLASS.items():
        missing, extra = faults.unexplained(faults.BY_NAME[fault], faults.new_items(reports[group], clean))
        assert not missing and not extra, (group, missing, extra)
    sign = next(o for r in reports["G02_sign"]["notebooks"].values() for o in r["outcomes"] if "1 c" in o["run"])
    assert sign["ok"] is False and sign["value"] > sign["start"] > sign["reference"]  # uphill; the numbers, in words


def test_the_summary_has_a_row_per_group_and_the_reports_are_html(checked):
    built, _, reports = checked
    rows = list(csv.DictReader((built / "results" / "check" / "summary.csv").open()))
    assert [r["group"] for r in rows] == ["G02_sign", "G03_typed", "G06_Hostile"]
    by = {r["group"]: r for r in rows}
    assert by["G03_typed"]["passed"] == "yes" and by["G03_typed"]["functions_right"] == "2/2"
    # What to look at first: the function that is wrong, or the run that learns nothing because of it (its notebook).
    assert by["G02_sign"]["passed"] == "no" and by["G02_sign"]["first_problem"].startswith("pw02_lin_regression_GD")
    assert "97.31" in by["G03_typed"]["first_problem"]
    html = (built / "results" / "check" / "G02_sign" / "report.html").read_text()
    assert "learns nothing" in html and "<script" not in html


def test_a_hostile_group_sees_no_other_group_and_changes_nothing(checked):
    built, handins, reports = checked
    hostile = reports["G06_Hostile"]
    assert hostile["notebooks_ran"] == ["attack.ipynb"] and not hostile["notebooks"]["attack"].get("errors")
    ex1 = "pw02_lin_regression_GD"
    assert reports["G03_typed"]["notebooks"][ex1]["functions"] == reports["_self"]["notebooks"][ex1]["functions"]


def test_a_second_run_checks_only_the_hand_in_that_changed(checked, mirror):
    built, handins, _ = checked
    target = ["results/check/summary.csv", "--config", f"handins={handins}"]
    assert planned_rules(built, *target, mirror=mirror) == {}
    faults.build(built / "results" / "submission.zip", faults.BY_NAME["missing_package"], handins, "G03_typed",
                 [faults.EX1])  # handed in again, with another fault
    assert planned_rules(built, *target, mirror=mirror) == {"check_notebook": 1, "check_group": 1, "check_summary": 1}
