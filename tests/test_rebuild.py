"""End to end: change one thing, and exactly what depends on it reruns — nothing else, and nothing for a
checkout that was moved, a README that was edited, a number written another way."""

import os
import shutil

import pytest

from conftest import git, planned_rules, run_snakemake, write_config

pytestmark = pytest.mark.e2e

TRAINING = {"ex1_gd", "ex1_max_lr", "ex1_scaling", "ex2_gd", "ex2_optimum", "ex2_lr_range", "ex2_additions",
            "ex3_reference", "ex3_point", "ex3_timing", "ex4_overfit", "ex4_data_size", "ex5_optimal_step"}
# The provenance tables too: in a git checkout an uncommitted edit marks the recorded commit "+dirty".
RENDERING = {"provenance_tables", "sheet_markdown", "sheet_pdf", "sheet_html", "notebook", "submission", "all"}


class edited:
    """Context: change a file's text, restore content and mtime afterwards."""

    def __init__(self, path, change):
        self.path, self.change = path, change

    def __enter__(self):
        self.text, self.stat = self.path.read_text(), self.path.stat()
        new = self.change(self.text)
        assert new != self.text, f"the edit changed nothing in {self.path}"
        self.path.write_text(new)

    def __exit__(self, *exc):
        self.path.write_text(self.text)
        os.utime(self.path, ns=(self.stat.st_atime_ns, self.stat.st_mtime_ns))


def test_nothing_changed_plans_nothing(built, mirror):
    assert planned_rules(built, mirror=mirror) == {}


def test_a_moved_checkout_plans_nothing(built, mirror, tmp_path):
    moved = tmp_path / "moved elsewhere"
    shutil.move(built, moved)
    try:
        assert planned_rules(moved, mirror=mirror) == {}
    finally:
        shutil.move(moved, built)


def test_a_commit_that_touches_only_the_readme_reruns_nothing(built, mirror):
    (built / "README.md").write_text("# notes\n")
    git(built, "add", "README.md")
    git(built, "commit", "-qm", "README only")
    assert planned_rules(built, mirror=mirror) == {}


def test_editing_the_prose_reruns_only_the_rendering(built, mirror):
    template = built / "report" / "answers" / "ex1.md.j2"
    with edited(template, lambda t: t.replace("are solved as a linear system", "are solved as a linear system (edited)")):
        plan = planned_rules(built, mirror=mirror)
    assert set(plan) == RENDERING, plan
    assert plan["sheet_markdown"] == 2 and plan["notebook"] == 4  # both documents, every notebook: one text
    # ... but no notebook's code runs again: the prose is filled into the run notebooks (no kernel)
    assert "notebook_run" not in plan


def test_editing_a_listed_function_reruns_its_users_the_sheet_and_its_notebook_but_no_training(built, mirror):
    module = built / "src" / "gdlab" / "calculus.py"
    marker = "    z = np.asarray(z, dtype=float)\n    e = np.exp(-np.abs(z))\n"
    with edited(module, lambda t: t.replace(marker, marker.replace("e = ", "e = +"), 1)):
        plan = planned_rules(built, mirror=mirror)
    assert {"listings", "calculus", "review_figures", "sheet_markdown", "notebook"} <= set(plan), plan
    assert plan["notebook_run"] == 1  # only the notebook that defines sigmoid runs again
    assert not set(plan) & TRAINING, plan


def test_editing_the_shared_package_reruns_exactly_its_users(built, mirror):
    with edited(built / "src" / "gdlab" / "logreg.py", lambda t: t + "\n# edited\n"):
        plan = planned_rules(built, mirror=mirror)
    assert {"ex2_dummy", "ex2_gd", "ex2_optimum", "ex2_lr_range", "ex2_additions", "listings"} <= set(plan)
    assert plan["notebook_run"] == 1 and plan["listings"] == 2  # Exercise 2's notebook, and the sheet's listings
    assert not {r for r in plan if r.startswith(("ex1_", "ex3_", "ex4_", "fetch", "mnist", "bundle"))}, plan
    with edited(built / "src" / "gdlab" / "softmax.py", lambda t: t + "\n# edited\n"):
        plan = planned_rules(built, mirror=mirror)
    assert {"ex3_point", "ex3_reference", "ex3_timing", "ex3_dummy", "ex4_overfit", "ex4_data_size"} <= set(plan)
    assert not {r for r in plan if r.startswith(("ex1_", "ex2_"))}, plan


def test_a_new_grid_rate_runs_only_its_points(built, mirror):
    cfg = write_config(built, "grid.yaml", lambda c: c["ex3"]["grid"]["lrs"].append(0.05))
    plan = planned_rules(built, configfile=cfg, mirror=mirror)
    grid = yaml_of(built, cfg)["ex3"]["grid"]  # the whole test configuration, as write_config writes it
    assert plan["ex3_point"] == len(grid["batch_sizes"])  # one job per point, its seeds inside
    assert {"ex3_grid", "ex3_summary", "sheet_pdf", "ex3_notebook_check"} <= set(plan)
    assert plan["notebook_run"] == 1  # only the MNIST notebook trains the study
    assert not {r for r in plan if r.startswith(("ex1", "ex2", "fetch", "mnist", "bundle_mnist"))}, plan
    assert not {"ex3_timing", "ex3_reference"} & set(plan), plan


def test_a_rate_written_as_an_integer_changes_nothing_and_a_new_rate_reruns_only_its_study(built, mirror):
    """1.0 and 1 are the same rate: writing it as an integer plans nothing; a new rate plans only the study."""
    cfg = write_config(built, "int.yaml", lambda c: c["ex1"].update(lr_study=[int(lr) if lr == int(lr) else lr
                                                                             for lr in c["ex1"]["lr_study"]]))
    assert 1 in yaml_of(built, cfg)["ex1"]["lr_study"]
    assert planned_rules(built, configfile=cfg, mirror=mirror) == {}
    cfg = write_config(built, "new.yaml", lambda c: c["ex1"]["lr_study"].append(3))
    plan = planned_rules(built, configfile=cfg, mirror=mirror)
    assert plan.get("ex1_gd") == 1 and not set(plan) & (TRAINING - {"ex1_gd"}), plan


def test_a_new_feature_variant_runs_only_its_job(built, mirror):
    cfg = write_config(built, "scale.yaml", lambda c: c["ex1"]["scaling"]["variants"].append("centred"))
    plan = planned_rules(built, configfile=cfg, mirror=mirror)
    assert plan.get("ex1_scaling") == 1 and not set(plan) & (TRAINING - {"ex1_scaling"}), plan


def test_a_plot_style_change_retrains_nothing(built, mirror):
    cfg = write_config(built, "style.yaml", lambda c: c["plot"].update(dpi=c["plot"]["dpi"] + 10))
    plan = planned_rules(built, configfile=cfg, mirror=mirror)
    assert {"ex1_figures", "ex3_figures", "sheet_pdf"} <= set(plan) and not set(plan) & TRAINING, plan


def test_reordering_keys_in_a_config_file_reruns_nothing(built, mirror):
    import yaml

    cfg = yaml_of(built, "config/test.yaml")
    reordered = {k: cfg[k] for k in reversed(list(cfg))}
    reordered["ex3"] = {k: cfg["ex3"][k] for k in reversed(list(cfg["ex3"]))}
    (built / "config" / "reordered.yaml").write_text(yaml.safe_dump(reordered, sort_keys=False))
    assert planned_rules(built, configfile="config/reordered.yaml", mirror=mirror) == {}


def test_lint_is_clean(built):
    proc = run_snakemake(built, "--lint", check=False)
    assert proc.returncode == 0 and "Lints for" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


def yaml_of(work, relpath):
    import yaml

    return yaml.safe_load((work / relpath).read_text())
