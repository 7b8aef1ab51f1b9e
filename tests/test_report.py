"""gdlab.report: numbers as the sheet writes them, say(), the Renderer for both targets (sections, figures, figure
references in the sheet, the maths PDF and a notebook, listings and code cells, strict templates), and the benchmark
and context readers."""

import re
import textwrap
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest

from gdlab.io import write_json
from gdlab.report import (png_size_in, 
    Renderer, claimop, claimval, count, figure_key, figure_paths, load_context, pct, per_rule_benchmarks, pm, pp,
    bound, fixed, read_benchmark, sigz, say, sci, sig, signed, times, tool_versions,
)

# --- numbers ------------------------------------------------------------------------------------------------


def test_bound_rounds_up_so_that_at_most_stays_true():
    assert bound(4.440892e-16) == "$4.5 \\times 10^{-16}$" and bound(1.19e-7) == "$1.2 \\times 10^{-7}$"
    assert bound(3e-15) == "$3.0 \\times 10^{-15}$"  # exact: not pushed up
    assert bound(0.00135, 2) == "$0.0014$" and bound(0.0) == "$0$"


def test_fixed_prints_a_rounding_error_as_zero_and_keeps_signs():
    assert [fixed(x) for x in (-2.220446e-16, 2.2e-16, -1.1, 0.99, -0.004, 0.5)] == [
        "0.00", "0.00", "\u22121.10", "0.99", "0.00", "0.50"]
    assert fixed(-0.006) == "\u22120.01" and fixed(None) == "n/a" and fixed(1.23456, 3) == "1.235"


def test_sigz_keeps_the_zeros_a_column_needs():
    assert [sigz(x) for x in (0.16, 0.0255, 1.75, 0.8365, 100.0, -0.5)] == ["0.160", "0.0255", "1.75", "0.837", "100", "\u22120.500"]
    assert sigz(0.8365, 5) == "0.83650" and sigz(1234.5) == "1234" and sigz(None) == "n/a"


def test_sig():
    assert sig(0.328219804, 5) == "0.32822" and sig(1234.5678) == "1235"
    assert sig(3e-15) == "3\u00a0×\u00a010\u207b\u00b9\u2075" and sig(-2.220446e-16, 3) == "\u22122.22\u00a0×\u00a010\u207b\u00b9\u2076"
    assert sig(5.317e32, 3) == "5.32\u00a0×\u00a010\u00b3\u00b2" and sig(999_999_999.0, 3) == "1\u00a0×\u00a010\u2079"
    assert sig(123_456_789.0, 3) == "123456789" and sig(0.00012345, 3) == "0.000123"
    assert sig(41532.7) == "41533" and sig(-41532.7) == "\u221241533"  # more integer digits than asked: written whole
    assert sig(-0.5) == "\u22120.5" and sig(0) == "0"
    assert sig(None) == sig(float("nan")) == sig(float("inf")) == "n/a"


def test_sci():
    assert sci(3.1e-15) == r"$3.1 \times 10^{-15}$"
    assert sci(-2.5e-7) == r"$-2.5 \times 10^{-7}$"
    assert sci(123456.0) == r"$1.2 \times 10^{5}$"
    assert sci(0.25) == "$0.25$" and sci(0) == "$0$"
    assert sci(1361.4, 3) == "$1361$" and sci(0.16937, 3) == "$0.169$"
    assert sci(0.001234) == "$0.0012$" and sci(12345.6) == "$12346$"  # 10^-3 .. 10^4 are written plainly
    assert sci(None) == sci(float("nan")) == "n/a"


def test_sci_carries_into_the_exponent():
    assert sci(9.96e-5) == r"$1.0 \times 10^{-4}$" and sci(9.94e-5) == r"$9.9 \times 10^{-5}$"


def test_times_leaves_out_a_coefficient_of_one():
    assert times(1.0000000001, "x") == "x" and times(-1.0, "x") == "\u2212x"
    assert times(0.5, "x") == "0.5 · x" and times(-2.25, "`a`") == "\u22122.25 · `a`"
    assert times(1.001, "x") == "1.001 · x"  # close to one, but not at the digits shown


def test_pct_pp_pm_count_signed():
    # A no-break space before the unit, and a real minus sign: "92.57 %" never breaks across a line.
    assert pct(0.0123) == "1.23\u00a0%" and pct(0.9263, 0) == "93\u00a0%" and pct(-0.5) == "\u221250.00\u00a0%"
    assert pct(None) == pp(None) == "n/a"
    assert pp(0.0021) == "0.21\u00a0percentage points" and pp(-0.013, 1) == "\u22121.3\u00a0percentage points"
    assert pm(0.9159, 0.001) == "91.59\u00a0%\u00a0±\u00a00.10\u00a0percentage points" and count(50000) == "50\u00a0000"
    assert count(999) == "999" and count(1234567) == "1\u00a0234\u00a0567"
    assert signed(1.4e-9) == r"+ 1.4 \times 10^{-9}" and signed(-0.25) == "- 0.25" and signed(0.0) == "+ 0"
    assert signed(None) == r"+ \text{n/a}"


def test_claimval_and_claimop():
    assert claimval(True) == "true" and claimval(False) == "false"
    assert claimval(3) == "3" and claimval(0.123456789) == "0.123457" and claimval("oscillating") == "oscillating"
    assert [claimop(op) for op in ("<=", "<", ">=", ">", "==")] == ["≤", "<", "≥", ">", "equals"]
    with pytest.raises(ValueError, match="unknown claim operator '~='"):
        claimop("~=")


def test_say_picks_the_sentence_for_the_fact():
    s = {"true": "yes", "false": "no", "converged": "done", "3": "three"}
    assert say(True, s) == "yes" and say(False, s) == "no" and say("converged", s) == "done" and say(3, s) == "three"
    with pytest.raises(KeyError, match=r"no sentence for the fact value 'oscillating' \(the template has \['3', 'converged'"):
        say("oscillating", s)
    with pytest.raises(KeyError, match="no sentence for the fact value True"):
        say(True, {"converged": "done"})


def test_figure_key_and_paths():
    assert figure_key("results/ex1/figures/convergence.png") == "ex1_convergence"
    assert figure_key(Path("results/review/figures/c1_plot.png")) == "review_c1_plot"
    assert figure_paths(["results/ex2/figures/lr_study.png", Path("results/ex1/figures/a.png")]) == {
        "ex2_lr_study": "results/ex2/figures/lr_study.png", "ex1_a": "results/ex1/figures/a.png"}


# --- the Renderer ---------------------------------------------------------------------------------------------

# Exercise 1 has a notebook and places ex1_curve in part b; Exercise 2 has none and places ex2_plot in part a;
# review_overfit exists as a file but no answer shows it.
TEMPLATES = {
    "answers/ex1.md.j2": """\
        {## Exercise 1: one macro per part ##}
        {% set r = ex1.run %}
        {% macro a() %}
        The cost is {{ r.cost | sig(3) }}. {{ say(r.flag, {"true": "It holds.", "false": "It does not."}) }}

        See {{ figref("ex1_curve") }}.
        {% endmacro %}

        {% macro b() %}
        {{ figure("ex1_curve", "The curve.") }}
        The curve falls {{ figref("ex1_curve") }}.
        {% endmacro %}

        {% macro c() %}
        Compare {{ figref("ex2_plot") }}.
        {% endmacro %}

        {% macro beyond() %}
        ## Beyond
        Beyond the questions.

        **First.** One $x$

        $$y$$
        and more.

        **Second part.** Two.
        {% endmacro %}
        """,
    "answers/ex2.md.j2": """\
        {% macro a() %}
        {{ figure("ex2_plot", "Two.") }}
        Back to {{ figref("ex1_curve") }}.
        {% endmacro %}
        """,
    "answers/ex5.md.j2": """\
        {% macro summary() %}
        Step {{ ex5.step | sci }}.
        {% endmacro %}
        """,
    "sheet.md.j2": """\
        {% for ex in practical.exercises if ex.number in numbers %}
        # Exercise {{ ex.number }}
        {% for p in ex.parts %}
        {{ section(ex.number ~ p.letter) }}
        {% endfor %}
        {{ beyond(ex.number) }}
        {% endfor %}
        """,
    "pandoc.md.j2": "# Title {#sec-title}\n\n![x](y.png){#fig-x width=50%}\n{## a comment ##}\n{{ cfg | toyaml }}\n",
    "missing.md.j2": "{{ ex1.run.nope }}",
    "missing_filter.md.j2": "{{ ex1.run.nope | sig }}",
    "none_filter.md.j2": "{{ ex1.run.none | sig }}",
}

PRACTICAL = {"practical": {"course": "C", "name": "N"}, "exercises": [
    {"number": 1, "title": "One", "notebook": "nb_one", "parts": [
        {"letter": "a", "gist": "The cost", "question": "What is the cost?", "listings": ["gdlab.x.f", "gdlab.x.K"]},
        {"letter": "b", "gist": "The figure", "question": "Draw it."},
        {"letter": "c", "gist": "Elsewhere", "question": "Compare."}]},
    {"number": 2, "title": "Two", "parts": [{"letter": "a", "gist": "Another", "question": "Plot."}]},
    {"number": 5, "title": "Five", "parts": [{"letter": "", "gist": "Optimal step", "question": "Which step?"}]},
]}

# Source as a listing holds it: braces, a Jinja-looking comment and markup characters must come out verbatim.
CODE_F = 'def f(x):\n    """<b> & {#x}"""\n    return {"k": f"{x}"}  # {{ not jinja }}'
LISTINGS = {
    "gdlab.x.f": {"qualname": "gdlab.x.f", "file": "src/gdlab/x.py", "first_line": 3, "last_line": 5, "code": CODE_F},
    "gdlab.x.K": {"qualname": "gdlab.x.K", "file": "src/gdlab/x.py", "first_line": 1, "last_line": 1, "code": "K = 2"},
}


def ref(key, part):
    """A figure reference as the Renderer leaves it until resolve()."""
    return f"\x00figref:{key}@{part}\x00"


FIGURE_WIDTHS_IN = {"ex1_curve": 3.0, "ex2_plot": 2.0, "review_overfit": 4.5}


def save_png(path: Path, width_in: float, dpi: int = 40) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    fig = plt.figure(figsize=(width_in, 1.5))
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def test_png_size_is_read_from_its_pixels_and_resolution(tmp_path):
    save_png(tmp_path / "a.png", 3.5, dpi=60)
    assert png_size_in(tmp_path / "a.png") == (pytest.approx(3.5, abs=0.01), pytest.approx(1.5, abs=0.01))
    (tmp_path / "b.png").write_bytes(b"GIF89a not a png")
    with pytest.raises(ValueError, match="b.png: not a PNG file"):
        png_size_in(tmp_path / "b.png")


@pytest.fixture
def report(tmp_path):
    folder = tmp_path / "report"
    for name, text in TEMPLATES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text))
    results = tmp_path / "results"
    figures = {"ex1_curve": str(results / "ex1" / "figures" / "curve.png"),
               "ex2_plot": str(results / "ex2" / "figures" / "plot.png"),
               "review_overfit": str(results / "review" / "figures" / "overfit.png")}
    for key, width in FIGURE_WIDTHS_IN.items():  # PNGs of known printed size: a sheet prints them at that size
        save_png(Path(figures[key]), width)
    context = {"ex1": {"run": {"cost": 0.123456, "flag": True, "none": None}}, "ex5": {"step": 3.1e-7},
               "cfg": {"seed": 3, "lr": 0.1}, "numbers": [1, 2, 5]}

    def make(target="sheet", **changes):
        return Renderer(folder, context | changes, target, figures, results / "report" / "sheet.md", LISTINGS,
                        PRACTICAL)

    return make


def test_unknown_target_is_an_error(report):
    with pytest.raises(ValueError, match=r"unknown target 'pdf'; expected one of \('sheet', 'notebook'\)"):
        report("pdf")


def test_part_question_and_label(report):
    r = report()
    ex, p = r.part("1b")
    assert ex["title"] == "One" and p["gist"] == "The figure" and r.label(ex, p) == "1 b)"
    assert r.label(*r.part("5")) == "5"
    assert r.question("1a") == "**1 a)** *What is the cost?*" and r.question("5") == "**5** *Which step?*"
    with pytest.raises(KeyError, match="no part '1z' in report/practical.yaml"):
        r.part("1z")


def test_answer_sets_the_current_part(report):
    r = report()
    assert r.current_part == ""
    assert r.answer("1a") == f"The cost is 0.123. It holds.\n\nSee {ref('ex1_curve', '1 a)')}."
    assert r.current_part == "1 a)"
    assert r.answer("5") == "Step $3.1 \\times 10^{-7}$." and r.current_part == "5"


def test_section_is_heading_question_lead_listings_then_the_rest(report):
    r = report()
    assert r.section("1a") == (
        "## 1 a) The cost\n\n> **1 a)** *What is the cost?*\n\n"
        "The cost is 0.123. It holds.\n\n"
        f"```python\n{CODE_F}\n```\n\n```python\nK = 2\n```\n\n"
        f"See {ref('ex1_curve', '1 a)')}.\n")
    # A part without listings: the lead and the rest only; Exercise 5's single part has no letter.
    assert r.section("1c") == f"## 1 c) Elsewhere\n\n> **1 c)** *Compare.*\n\nCompare {ref('ex2_plot', '1 c)')}.\n\n\n"
    assert r.section("5").startswith("## 5 Optimal step\n\n> **5** *Which step?*\n\nStep $3.1 \\times 10^{-7}$.")
    with pytest.raises(KeyError, match="no part '1z'"):
        r.section("1z")


def test_the_maths_pdf_shows_no_listings_and_quotes_no_question(report):
    """The maths PDF is the practical's PDF of calculations: its code is in the notebooks, and its reader holds the
    practical (the heading names the part)."""
    full, maths = report().section("1a"), report(doc="maths").section("1a")
    assert "```python" in full and "```python" not in maths and "K = 2" not in maths
    assert "> **1 a)** *What is the cost?*" in full and "What is the cost?" not in maths
    assert maths == full.replace(f"```python\n{CODE_F}\n```\n\n```python\nK = 2\n```\n\n", "").replace(
        "> **1 a)** *What is the cost?*\n\n", "")
    assert "```python" in report(doc="answers").section("1a")  # only "maths" leaves them out


def test_listing_is_a_fenced_block_and_code_is_the_source_verbatim(report):
    for target in ("sheet", "notebook"):
        r = report(target)
        assert r.listing("gdlab.x.f") == f"```python\n{CODE_F}\n```"
        assert r.code("gdlab.x.f") == CODE_F and r.code("gdlab.x.K") == "K = 2"
        # Through a template: Jinja neither escapes nor re-reads what code() puts in.
        assert r.render_string('{{ code("gdlab.x.f") }}\n\nprint(f(1))') == f"{CODE_F}\n\nprint(f(1))"
    for call in ("listing", "code"):
        with pytest.raises(KeyError, match="no listing 'gdlab.x.g': name it under a part in report/practical.yaml, "
                                           "or in a notebook's code cell"):
            getattr(report(), call)("gdlab.x.g")


def test_sheet_figure_is_a_pandoc_figure_with_a_relative_path_and_an_id(report):
    r = report("sheet")
    # Blank lines around the image: pandoc makes an image alone in its paragraph a figure with a caption.
    # Printed at the size it was drawn: its text prints at the sizes matplotlib set.
    assert r.figure("ex1_curve", "The curve.") == (
        "\n\n![The curve.](../ex1/figures/curve.png){#fig-ex1-curve width=3.000in}\n\n")
    r.answer("2a")
    assert r.figure("review_overfit", "Over.") == (
        "\n\n![Over.](../review/figures/overfit.png){#fig-review-overfit width=4.500in}\n\n")
    assert r.placed == {"ex1_curve": "", "review_overfit": "2 a)", "ex2_plot": "2 a)"}
    with pytest.raises(KeyError, match=r"no figure 'ex1_nope'; the build makes \['ex1_curve', 'ex2_plot'"):
        r.figure("ex1_nope", "x")
    with pytest.raises(KeyError, match="no figure 'ex1_nope'"):
        r.figref("ex1_nope")


def test_notebook_figure_shows_nothing_but_takes_its_place(report):
    r = report("notebook")
    assert r.figure("ex1_curve", "The curve.") == "" and r.placed == {"ex1_curve": ""}
    # A notebook draws its plots in its code cells: the figure files are not needed, not even known.
    assert r.figure("ex9_unknown", "x") == "" and "ex9_unknown" in r.placed
    assert r.answer("1b") == f"The curve falls {ref('ex1_curve', '1 b)')}." and r.placed["ex1_curve"] == "1 b)"
    assert "![" not in r.section("2a") and r.placed["ex2_plot"] == "2 a)"


def test_figref_names_the_figure_and_the_part_it_is_written_in(report):
    r = report("notebook")
    assert r.figref("ex1_curve") == ref("ex1_curve", "")
    r.answer("1c")
    assert r.figref("ex2_plot") == ref("ex2_plot", "1 c)")
    r.beyond(1)
    assert r.figref("ex2_plot") == ref("ex2_plot", "1, beyond the questions")


BEYOND_BODY = "Beyond the questions.\n\n**First.** One $x$\n\n$$y$$\nand more.\n\n**Second part.** Two."


def test_beyond_whole_or_its_heading_or_its_body_or_a_labelled_piece(report):
    r = report("notebook")
    assert r.beyond(1) == "## Beyond\n" + BEYOND_BODY
    assert (r.beyond(1, "heading"), r.beyond(1, "body")) == ("## Beyond", BEYOND_BODY)
    # A piece runs from its label to the next label, over paragraphs and display maths.
    assert r.beyond(1, "First") == "**First.** One $x$\n\n$$y$$\nand more."
    assert r.beyond(1, "Second part") == "**Second part.** Two."
    assert r.beyond(2) == r.beyond(2, "heading") == r.beyond(2, "body") == ""  # exercise 2 has none
    with pytest.raises(ValueError, match=r"one of the labels \['First', 'Second part'\], not 'middle'"):
        r.beyond(1, "middle")


def test_the_whole_sheet_cross_references_every_figure(report):
    text = report("sheet").render("sheet.md.j2")
    assert "\x00" not in text
    # 1a refers to the figure that 1b places later; 2a to one placed earlier; 1c to one of another exercise.
    assert "See ([@fig-ex1-curve])." in text and "Back to ([@fig-ex1-curve])." in text
    assert "The curve falls ([@fig-ex1-curve])." in text and "Compare ([@fig-ex2-plot])." in text
    assert "\n\n![The curve.](../ex1/figures/curve.png){#fig-ex1-curve width=3.000in}\n\n" in text
    assert "{#fig-ex2-plot width=2.000in}" in text and "the plot" not in text
    assert text.index("## 1 a)") < text.index("## 1 b)") < text.index("## 1 c)") < text.index("## 2 a)") < text.index("## 5 ")
    assert text.index("## 1 c)") < text.index("Beyond the questions.") < text.index("## 2 a)")


def test_the_maths_pdf_says_where_a_figure_it_lacks_is(report):
    """Exercise 2 and 5 only: Exercise 1's figure is in its notebook."""
    text = report("sheet", numbers=[2, 5], doc="maths").render("sheet.md.j2")
    assert "Back to (the plot of part 1 b in the notebook nb_one.ipynb)." in text
    assert "[@fig-ex1-curve]" not in text and "#fig-ex1-curve" not in text and "\x00" not in text
    assert "{#fig-ex2-plot width=2.000in}" in text


def test_notebook_figrefs_are_words_resolved_once_every_cell_is_rendered(report):
    r = report("notebook")
    cells = [r.render_string(f"{{{{ question('{p}') }}}}\n\n{{{{ answer('{p}') }}}}") for p in ("1a", "1b", "1c")]
    assert ref("ex1_curve", "1 a)") in cells[0]  # before the figure's cell: left for resolve()
    a, b, c = (r.resolve(cell) for cell in cells)
    assert a.endswith("See (the plot of part 1 b).")  # placed in this notebook, by another part
    assert b == "**1 b)** *Draw it.*\n\nThe curve falls (the plot below)."  # placed by the same part: its code cell
    # Exercise 2 is not in this notebook, and has no notebook of its own.
    assert c.endswith("Compare (the plot of part 2 a in the maths PDF).")
    assert "ex2_plot" not in r.placed  # finding the figure's home did not place it here


def test_a_figref_to_a_figure_no_answer_shows_is_an_error(report):
    for target in ("sheet", "notebook"):
        r = report(target)
        with pytest.raises(KeyError, match="figure 'review_overfit' is referenced, but no answer shows it"):
            r.resolve(r.render_string("{{ figref('review_overfit') }}"))


def test_resolve_leaves_other_text_alone(report):
    r = report("sheet")
    assert r.resolve("no references; {#fig-x} and figref:ex1_curve@1 a) stay") == (
        "no references; {#fig-x} and figref:ex1_curve@1 a) stay")


def test_beyond_is_empty_for_an_exercise_without_one(report):
    r = report()
    assert r.beyond(1) == "## Beyond\n" + BEYOND_BODY and r.current_part == "1, beyond the questions"
    assert r.beyond(2) == "" and r.beyond(5) == ""


def test_pandoc_attributes_are_not_jinja_comments_and_toyaml(report):
    text = report().render("pandoc.md.j2")
    assert text == "# Title {#sec-title}\n\n![x](y.png){#fig-x width=50%}\n\nlr: 0.1\nseed: 3\n"


@pytest.mark.parametrize("template", ["missing.md.j2", "missing_filter.md.j2"])
def test_a_missing_result_is_an_error_not_a_blank(report, template):
    with pytest.raises(jinja2.UndefinedError, match="nope"):
        report().render(template)


def test_a_missing_result_in_an_answer_is_an_error(report):
    r = report(ex1={"run": {"cost": 0.1}})  # no flag
    with pytest.raises(jinja2.UndefinedError, match="flag"):
        r.section("1a")


def test_a_known_but_empty_value_prints_n_a(report):
    assert report().render("none_filter.md.j2") == "n/a"


def test_target_and_practical_are_in_the_context(report):
    assert report("notebook").render_string("{{ target }} {{ practical.practical.course }}") == "notebook C"
    assert report("sheet").render_string("{{ target }} {{ cfg.seed }}") == "sheet 3"


# --- benchmark files, the context, the converters ------------------------------------------------------------

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def bench(path: Path, *rows: tuple[str, str]):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(f"{s}\t0:00:01\t{rss}\t1\t1\t1\t0\t0\t0\t1\n" for s, rss in rows))


def test_read_benchmark_takes_the_last_repeat_and_maps_na_to_none(tmp_path):
    bench(tmp_path / "a.tsv", ("1.5", "100.0"), ("2.5", "120.5"))
    assert read_benchmark(tmp_path / "a.tsv") == (120.5, 2.5)
    bench(tmp_path / "b.tsv", ("0.1", "NA"))
    assert read_benchmark(tmp_path / "b.tsv") == (None, 0.1)
    bench(tmp_path / "c.tsv", ("-", "-"))
    assert read_benchmark(tmp_path / "c.tsv") == (None, None)


def test_per_rule_benchmarks(tmp_path):
    folder = tmp_path / "benchmarks"
    bench(folder / "ex1_gd" / "lr=0.1.tsv", ("1.0", "100"))
    bench(folder / "ex1_gd" / "lr=1.tsv", ("3.0", "NA"))
    bench(folder / "ex1_gd" / "lr=10.tsv", ("5.0", "300"))
    bench(folder / "fetch.tsv", ("NA", "NA"))
    rows = per_rule_benchmarks(folder)
    assert rows == [
        {"rule": "ex1_gd", "jobs": 3, "median_s": 3.0, "max_s": 5.0, "total_s": 9.0, "peak_mb": 300.0},
        {"rule": "fetch", "jobs": 1, "median_s": None, "max_s": None, "total_s": 0, "peak_mb": None},
    ]
    assert per_rule_benchmarks(tmp_path / "empty") == []


def test_load_context_reads_the_named_inputs_and_adds_the_settings(tmp_path):
    for name, data in (("ex1", {"a": 1}), ("listings", {"m.f": {"code": "def f(): pass"}}), ("appendix", {"x": 1})):
        write_json(tmp_path / f"{name}.json", data)
    inputs = SimpleNamespace(ex1=str(tmp_path / "ex1.json"), listings=str(tmp_path / "listings.json"),
                             appendix=str(tmp_path / "appendix.json"), figures=["x.png"], source="nb.py")
    ctx = load_context(inputs, {"seed": 3})
    # Only the summaries and records a template reads; no appendix any more, nor figures or sources.
    assert ctx == {"ex1": {"a": 1}, "listings": {"m.f": {"code": "def f(): pass"}}, "cfg": {"seed": 3}}


def test_tool_versions_names_pandoc_and_the_typst_compiler():
    versions = tool_versions()
    assert sorted(versions) == ["Typst compiler", "pandoc"]
    assert all(re.fullmatch(r"\d+(\.\d+)+", v) for v in versions.values()), versions
