"""End to end: the whole workflow on the tiny test config in a temporary folder, offline."""

import re

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from conftest import REPO, copy_project, planned_rules, run_snakemake
from gdlab.io import read_json
from gdlab.report import claimval, pct, sig

pytestmark = pytest.mark.e2e


def pdf_text(path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(text.replace("\u2212", "-").split())  # line breaks fall anywhere


def test_pdf_holds_the_closed_form_numbers(built):
    pdf = built / "results" / "report" / "answers.pdf"
    assert pdf.stat().st_size > 10_000
    text = pdf_text(pdf)
    summary = read_json(built / "results" / "ex1" / "summary.json")
    for value in summary["closed_form"]["theta"]:
        assert sig(value, 8) in text
    assert sig(summary["max_lr"]["theory"], 5) in text and sig(summary["max_lr"]["empirical"], 5) in text
    assert "Exercise 1" in text and "test build" in text


def test_summary_has_the_promised_keys_and_agrees(built):
    s = read_json(built / "results" / "ex1" / "summary.json")
    for key in ("theta",):
        assert len(s["closed_form"][key]) == len(s["gd"][key]) == 2
    assert {"lr", "epochs"} <= s["gd"].keys() and {"theory", "empirical"} <= s["max_lr"].keys()
    assert s["gd"]["final_distance"] < 1e-8
    assert abs(s["max_lr"]["empirical"] - s["max_lr"]["theory"]) / s["max_lr"]["theory"] < 0.02
    assert [r["diverged"] for r in s["lr_study"]] == [False, False, True]


def test_ex2_summary_and_pdf(built):
    s = read_json(built / "results" / "ex2" / "summary.json")
    for key in ("lr", "epochs", "final_cost", "train_accuracy", "test_accuracy", "theta", "feature_mean",
                "feature_std", "positive_class"):
        assert key in s
    assert len(s["theta"]) == 13 and len(s["feature_mean"]) == len(s["feature_std"]) == 12
    assert s["positive_class"] == "Abnormal" and s["max_lr"]["theory"] > 0
    assert 0.7 < s["test_accuracy"] <= 1 and 0.7 < s["train_accuracy"] <= 1
    text = pdf_text(built / "results" / "report" / "answers.pdf")
    assert "Exercise 2" in text and "Class 1 is Abnormal" in text
    assert sig(s["final_cost"], 6) in text and sig(s["max_lr"]["theory"], 4) in text


def test_ex3_summary_grid_and_pdf(built):
    s = read_json(built / "results" / "ex3" / "summary.json")
    fav = s["favourite"]
    for key in ("lr", "batch_size", "epochs", "val_accuracy", "test_accuracy", "train_seconds"):
        assert key in fav
    ref = s["reference_run"]
    assert ref["manual"]["test_accuracy"] > 0.85 and ref["module"]["test_accuracy"] > 0.85
    assert abs(ref["manual"]["test_accuracy"] - ref["module"]["test_accuracy"]) < 0.005
    cfg = yaml.safe_load((built / "config" / "test.yaml").read_text())["ex3"]
    grid = pd.read_csv(built / "results" / "ex3" / "grid.csv")
    points = len(cfg["grid"]["lrs"]) * len(cfg["grid"]["batch_sizes"])
    assert grid.groupby(["lr", "batch_size"]).ngroups == points
    assert grid.groupby(["lr", "batch_size", "seed"]).ngroups == points * len(cfg["grid"]["seeds"])
    assert {"epoch", "loss", "train_accuracy", "val_accuracy", "seconds"} <= set(grid.columns)
    text = pdf_text(built / "results" / "report" / "answers.pdf")
    assert "Exercise 3" in text and pct(fav["test_accuracy"]) in text
    # The seeds differ (init and batch order) and the summary's mean ± sd is theirs.
    assert len(cfg["grid"]["seeds"]) > 1, "the test config must exercise the seeds dimension"
    assert s["grid_seeds"] == sorted(cfg["grid"]["seeds"]) and s["grid_runs"] == len(grid.groupby(["lr", "batch_size", "seed"]))
    last = grid.sort_values("epoch").groupby(["lr", "batch_size", "seed"]).tail(1)
    for p in s["grid"]:
        runs = last[(last["lr"] == p["lr"]) & (last["batch_size"] == p["batch_size"])]
        assert p["n_seeds"] == len(runs) == len(cfg["grid"]["seeds"])
        assert p["val_accuracy"] == pytest.approx(runs["val_accuracy"].mean())
        assert p["val_accuracy_std"] == pytest.approx(runs["val_accuracy"].std(ddof=1))
        if not p["diverged"]:
            assert p["val_accuracy_std"] > 0  # different seeds, different runs
            assert f"{pct(p['val_accuracy'])} ± {pct(p['val_accuracy_std'])}" in text


def test_pdf_answers_every_exercise_and_claim(built):
    text = pdf_text(built / "results" / "report" / "answers.pdf")
    for n in range(1, 7):
        assert f"Exercise {n}" in text
    claims = read_json(built / "results" / "report" / "claims.json")
    cfg = yaml.safe_load((built / "config" / "test.yaml").read_text())
    assert set(claims) == {c["id"] for c in cfg["claims"]} and all(c["passed"] for c in claims.values())
    for c in claims.values():
        assert claimval(c["value"]) in text, c
    assert "Checked claims" in text and "Appendix" in text and "torch" in text
    # No table cell may open with "=": Typst would make it a heading (it once turned "== true" into one).
    typ = (built / "results" / "report" / "answers.typ").read_text()
    assert not re.search(r"\[=", typ)
    html = (built / "results" / "report" / "answers.html").read_text()
    assert "<math" in html and "data:image/png;base64" in html and "Exercise 6" in html


def test_divergence_is_recorded_and_shown(built):
    grid = pd.read_csv(built / "results" / "ex3" / "grid.csv")
    diverged = grid[grid["diverged"]]
    assert not diverged.empty and (diverged["lr"] >= 10).all()  # the test config's huge rate
    assert not grid[grid["lr"] < 10]["diverged"].any()
    s = read_json(built / "results" / "ex3" / "summary.json")
    assert s["favourite"]["lr"] < 10  # never chosen
    assert "diverged" in pdf_text(built / "results" / "report" / "answers.pdf")


def test_second_run_does_nothing(built, mirror):
    assert planned_rules(built, mirror=mirror) == {}


def test_prose_edit_reruns_only_the_rendering(built, mirror):
    template = built / "report" / "answers.md.j2"
    template.write_text(template.read_text().replace("# Exercise 1:", "# Exercise 1 (edited):"))
    assert planned_rules(built, mirror=mirror) == {"report_markdown": 1, "report_pdf": 1, "report_html": 1, "all": 1}


def test_new_learning_rate_runs_one_gd_job(built, mirror):
    cfg = yaml.safe_load((built / "config" / "test.yaml").read_text())
    cfg["ex1"]["lr_study"].append(0.1)
    (built / "config" / "extra.yaml").write_text(yaml.safe_dump(cfg))
    plan = planned_rules(built, configfile="config/extra.yaml", mirror=mirror)
    assert plan.get("ex1_gd") == 1
    assert "ex1_max_lr" not in plan and "ex1_conditioning" not in plan and "fetch" not in plan
    assert not any(rule.startswith(("ex2", "ex3")) for rule in plan)


def test_new_grid_learning_rate_runs_only_its_grid_points(built, mirror):
    cfg = yaml.safe_load((built / "config" / "test.yaml").read_text())
    cfg["ex3"]["grid"]["lrs"].append(0.05)
    (built / "config" / "grid.yaml").write_text(yaml.safe_dump(cfg))
    plan = planned_rules(built, configfile="config/grid.yaml", mirror=mirror)
    assert plan["ex3_grid_point"] == len(cfg["ex3"]["grid"]["batch_sizes"]) * len(cfg["ex3"]["grid"]["seeds"])
    assert {"ex3_grid_table", "ex3_summary", "report_markdown", "report_pdf"} <= plan.keys()
    assert not any(rule.startswith(("ex1", "ex2", "fetch", "mnist")) or rule == "ex3_reference" for rule in plan)


def test_lint_is_clean(built):
    proc = run_snakemake(built, "--lint", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Lints for" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("change, key", [
    (lambda c: c["ex1"].update(lr=-0.1), "lr"),
    (lambda c: c["ex1"].update(epochs=0), "epochs"),
    (lambda c: c["ex1"].update(colour="red"), "colour"),
    (lambda c: c["ex1"]["lr_study"].append(0), "lr_study"),
])
def test_bad_config_is_refused_naming_the_key(tmp_path, change, key):
    work = copy_project(tmp_path)
    cfg = yaml.safe_load((work / "config" / "test.yaml").read_text())
    change(cfg)
    (work / "config" / "bad.yaml").write_text(yaml.safe_dump(cfg))
    proc = run_snakemake(work, "--dry-run", configfile="config/bad.yaml", check=False)
    assert proc.returncode != 0
    assert re.search(rf"\b{key}\b", proc.stdout + proc.stderr)
    assert not (work / "results").exists()


# Runs last in this module: it leaves the build without claims.json.
def test_a_claim_that_no_longer_holds_fails_the_build_naming_it(built, mirror):
    cfg = yaml.safe_load((built / "config" / "test.yaml").read_text())
    next(c for c in cfg["claims"] if c["id"] == "ex1_max_lr_agrees")["bound"] = 1e-9
    (built / "config" / "strict.yaml").write_text(yaml.safe_dump(cfg))
    summary = built / "results" / "ex1" / "summary.json"
    before = summary.read_bytes()
    proc = run_snakemake(built, "--cores", "1", configfile="config/strict.yaml", mirror=mirror, check=False)
    assert proc.returncode != 0
    assert "claim 'ex1_max_lr_agrees'" in proc.stdout + proc.stderr
    assert summary.read_bytes() == before  # computed results are intact
    assert not (built / "results" / "report" / "claims.json").exists()  # no stale pass marks survive
