"""Figures a grader reads at print size: the PDFs print each figure at the size it was drawn, so its text prints at
the sizes matplotlib set, and no size set in the figures' code is below 7 pt."""

import ast
import re

import matplotlib
import matplotlib.pyplot as plt
import pytest
import yaml
from matplotlib.font_manager import FontProperties

from conftest import REPO
from gdlab.report import png_size_in

SMALLEST_PT = 7
TEXT_WIDTH_IN = 8.27 - 2 * 1.25  # A4 (papersize in report/sheet.md.j2) less the 1.25 in margins of pandoc's Typst template


def test_no_figure_sets_text_below_seven_points():
    """Every explicit fontsize in the figures' code, and every size the plot style sets, is at least 7 pt."""
    for path in sorted((REPO / "src" / "gdlab" / "figures").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg in ("fontsize", "labelsize"):
                value = node.value.value if isinstance(node.value, ast.Constant) else None
                if isinstance(value, (int, float)):
                    assert value >= SMALLEST_PT, f"{path.name}:{node.value.lineno}: {node.arg}={value}"
                else:
                    assert isinstance(value, str), f"{path.name}:{node.value.lineno}: {node.arg} not a constant"
                    assert FontProperties(size=value).get_size_in_points() >= SMALLEST_PT, (path.name, value)
    style = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["plot"]["style"]
    with plt.style.context(style):
        for key in ("font.size", "axes.labelsize", "axes.titlesize", "xtick.labelsize", "ytick.labelsize",
                    "legend.fontsize"):
            assert FontProperties(size=matplotlib.rcParams[key]).get_size_in_points() >= SMALLEST_PT, key


def test_subscripts_print_at_seven_points_or_more():
    """Mathtext sets a subscript at 0.7 of its text's size (c₁, a_t): a label that has one needs 10 pt, not the
    8 pt of the figures' smaller legends."""
    from matplotlib.text import Text

    from gdlab.figures.ex1 import draw_loss_curve, draw_lr_study
    from gdlab.figures.review import draw_c1

    style = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["plot"]["style"]
    with plt.style.context(style):
        fig, axes = plt.subplots(3, 2)  # every figure whose text has a subscript
        draw_c1(*axes[0], [{"start": -3.0, "c1": [0.9, 0.5, 0.1]}, {"start": 0.0, "c1": [0.25, 0.1, 0.05]}])
        draw_loss_curve(*axes[1], [0.5, 0.3, 0.2], [1.0, 0.1, 0.01], 0.1, 0.1, 1.0, 10)
        draw_lr_study(fig, axes[2], [{"lr": 0.1, "cost": [0.5, 0.3, 0.2]}], 0.1, 10.0, 2)
        fig.canvas.draw()
        subscripted = [t for t in fig.findobj(Text) if re.search(r"\$[^$]*_[^$]*\$", t.get_text())]
        # The figures drawn here are every one whose code writes a subscript: each such string is among the texts.
        written = {node.value for path in (REPO / "src" / "gdlab" / "figures").glob("*.py")
                   for node in ast.walk(ast.parse(path.read_text()))
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)
                   and re.search(r"\$[^$]*_[^$]*\$", node.value)}
        assert written and written <= {t.get_text() for t in subscripted}, written - {t.get_text() for t in subscripted}
        for t in subscripted:
            assert 0.7 * t.get_fontsize() >= SMALLEST_PT, (t.get_text(), t.get_fontsize())
    plt.close(fig)


def test_the_full_width_fits_the_page():
    width = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["plot"]["width_in"]
    assert width <= TEXT_WIDTH_IN


@pytest.mark.e2e
@pytest.mark.parametrize("doc", ["answers", "maths"])
def test_every_figure_is_printed_at_its_drawn_size(built, doc):
    md = built / "results" / "report" / f"{doc}.md"
    shown = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)\{#fig-[\w-]+ width=([\d.]+)in\}", md.read_text())
    assert shown, doc
    for path, width in shown:
        drawn = png_size_in(md.parent / path)[0]
        assert float(width) == pytest.approx(drawn, abs=1e-3), path
        assert drawn <= TEXT_WIDTH_IN + 1e-6, path


def test_above_rounding_blanks_only_what_float64_cannot_tell_from_the_minimum():
    import numpy as np

    from gdlab.plotting import above_rounding

    eps, n, scale = np.finfo(float).eps, 310, 0.28
    excess = np.array([1e-3, 1e-12, n * eps * scale * 1.01, n * eps * scale, 1e-16, 0.0, -1e-16])
    out = above_rounding(excess, scale, n)
    assert out[:3].tolist() == excess[:3].tolist() and np.isnan(out[3:]).all()
    assert excess[4] == 1e-16  # the input is left as it was


def test_loss_curves_run_from_epoch_1_on_a_log_axis_with_plain_ticks():
    """Epoch 0 has no place on a log axis: the curves start at epoch 1 (no segment drawn in from the axis's edge, no
    linear stretch whose end looks like a kink), and the ticks read 1, 10, 100."""
    from gdlab.figures.ex1 import draw_loss_curve
    from gdlab.figures.ex2 import draw_training

    costs = [1 / (1 + e) for e in range(5001)]
    fig, axes = plt.subplots(2, 2)
    draw_training(*axes[0], costs, costs, 2.0)
    draw_loss_curve(*axes[1], costs, costs, 0.0, 0.1, 1.0, 10)
    fig.canvas.draw()
    for ax in (*axes[0], axes[1][0]):
        assert ax.get_xscale() == "log" and ax.get_xlim()[0] == 1 and ax.get_xlim()[1] >= 5000
        curves = [line for line in ax.get_lines() if line.get_transform() == ax.transData]  # not the C* line
        assert curves and min(min(line.get_xdata()) for line in curves) >= 1
        shown = [t.get_text() for t in ax.get_xticklabels() if 1 <= t.get_position()[0] <= ax.get_xlim()[1]]
        assert shown[:3] == ["1", "10", "100"]
    plt.close(fig)


def test_loss_curves_draw_the_start_which_the_log_axis_cannot_show():
    """Epoch 0 is off the log axis: its value is a dashed line across the panel, at that value and no other."""
    from gdlab.figures.ex1 import draw_loss_curve
    from gdlab.figures.ex2 import draw_training

    costs, accuracies = [0.7, 0.5, 0.4, 0.35], [0.6, 0.7, 0.8, 0.85]
    fig, axes = plt.subplots(2, 2)
    draw_training(*axes[0], costs, accuracies, 2.0)
    draw_loss_curve(*axes[1], costs, costs, 0.3, 0.1, 1.0, 10)
    for ax, start in ((axes[0][0], 0.7), (axes[0][1], 0.6), (axes[1][0], 0.7)):
        lines = [l for l in ax.get_lines() if l.get_label() == "start (epoch 0)"]
        assert len(lines) == 1 and set(lines[0].get_ydata()) == {start} and lines[0].get_linestyle() == "--"
        assert "start (epoch 0)" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(fig)


def test_the_lr_studys_right_panel_holds_only_the_runs_that_end_in_a_2_cycle():
    """Above the bound, a run that reaches the minimum stays on the left (dashed); one that ends alternating between
    two values above it is drawn on the right only, with a legend entry of its own."""
    import numpy as np

    from gdlab.figures.ex2 import draw_lr_study

    epochs = np.arange(50)
    converges = list(0.3 + 0.4 * 0.5 ** epochs)  # reaches the minimum 0.3 to float64's precision
    cycles = list(0.3 + np.where(epochs % 2 == 0, 0.2, 0.1))  # a 2-cycle above the minimum
    fig, axes = plt.subplots(1, 2)
    draw_lr_study(fig, axes, [(1.0, converges), (5.0, converges), (10.0, cycles)], 0.3, 2.45, 310)
    left, right = axes
    assert {l.get_label() for l in left.get_lines()} >= {"η = 1", "η = 5"} and "η = 10" not in {
        l.get_label() for l in left.get_lines()}
    assert [l.get_label() for l in right.get_lines() if l.get_marker() == "o"] == ["η = 10 (right)"]
    assert list(right.get_lines()[0].get_ydata()) == cycles[-10:]
    plt.close(fig)


def test_draw_runs_sets_a_run_given_markers_as_markers_alone_over_the_lines_of_the_others():
    """3 f's nn.Module coincides with 3 d's hand run: drawn as markers alone (one for training, one for test), over
    the hand run's lines, both show."""
    from gdlab.figures.ex3 import draw_runs

    curves = ([2.0, 1.0, 0.5], [0.1, 0.5, 0.8], [2.1, 1.1, 0.6], [0.1, 0.5, 0.7])
    fig, axes = plt.subplots(1, 2)
    draw_runs(fig, axes, [("by hand", curves, "C0"), ("nn.Module", curves, "C3", ("x", "+"))], "a title")
    hand, module = axes[0].lines[:2], axes[0].lines[2:]
    assert [l.get_linestyle() for l in hand] == ["-", "--"] and {l.get_marker() for l in hand} == {"o"}
    assert {l.get_linestyle() for l in module} == {"None"} and [l.get_marker() for l in module] == ["x", "+"]
    assert all((l.get_ydata() == h.get_ydata()).all() for l, h in zip(module, hand))  # the same data, both visible
    assert fig.get_suptitle() == "a title"  # what was run, over both panels
    plt.close(fig)


def test_final_accuracy_draws_each_batch_size_with_its_seeds_range_and_leaves_out_unstable_points():
    """3 g's result at a glance: one line per batch size over the rates, at the seeds' mean, its bar from the
    smallest to the largest seed; a point with an unstable seed is not drawn (nor any line of a batch without one)."""
    import pandas as pd

    from gdlab.figures.ex3 import draw_final_accuracy

    points = pd.DataFrame({"lr": [0.1, 1.0, 0.1, 1.0], "batch_size": [64, 64, 128, 128],
                           "val_accuracy": [0.90, 0.92, 0.89, 0.50], "val_accuracy_min": [0.89, 0.915, 0.885, 0.40],
                           "val_accuracy_max": [0.91, 0.925, 0.895, 0.60], "seeds_unstable": [0, 0, 0, 1]})
    fig, ax = plt.subplots()
    draw_final_accuracy(ax, points)
    (line64, _, (bars64,)), (line128, _, (bars128,)) = ax.containers
    assert list(line64.get_xdata()) == [0.1, 1.0] and list(line64.get_ydata()) == pytest.approx([90, 92])
    assert list(line128.get_xdata()) == [0.1] and list(line128.get_ydata()) == pytest.approx([89])  # 1.0 left out
    assert [tuple(s[:, 1]) for s in bars64.get_segments()] == [pytest.approx((89, 91)), pytest.approx((91.5, 92.5))]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["batch 64", "batch 128 (η = 1 left out)"]
    assert ax.get_xscale() == "log" and ax.get_ylim()[0] > 50  # the unstable point does not stretch the axis
    plt.close(fig)


def test_the_study_curves_say_what_the_line_and_the_shading_are_and_what_is_left_out():
    """3 g's curves (the notebook shows them without a caption): the legend's title says the line is the mean of the
    seeds and the shading their range, with the number of seeds; a rate left out at a batch size says where."""
    import pandas as pd

    from gdlab.figures.ex3 import curves_layout, draw_curves
    from gdlab.grid import points_table

    runs = pd.DataFrame([{"lr": lr, "batch_size": bs, "seed": seed, "status": "unstable" if (lr, bs, seed) == (8.0, 64, 3)
                          else "trained", "val_accuracy": 0.9, "epochs": 2, "start_cost": 2.3, "val_cost": 0.3,
                          "test_accuracy": 0.9, "test_cost": 0.3, "examples": 2, "steps": 2}
                         for lr in (0.5, 8.0) for bs in (64, 128) for seed in (1, 2, 3)])
    curves = pd.DataFrame([{"lr": r.lr, "batch_size": r.batch_size, "seed": r.seed, "epoch": e,
                            "val_accuracy": 0.8 + 0.05 * e} for r in runs.itertuples() for e in range(3)])
    rows, cols = curves_layout(2)
    fig, axes = plt.subplots(rows, cols, squeeze=False)
    draw_curves(fig, axes, curves, points_table(runs))
    legend = [ax.get_legend() for ax in axes.flat if ax.get_legend()][0]
    assert legend.get_title().get_text() == "line: the mean of 3 seeds\nshaded: their range"
    assert [t.get_text() for t in legend.get_texts()] == ["η = 0.5", "η = 8\n(left out at batch 64)"]
    plt.close(fig)
