"""gdlab.report: numbers as the sheet writes them, say(), the Renderer for both targets (sections, figures,
cross-references, listings, claims, strict templates), and the benchmark and context readers."""

import textwrap
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest

from gdlab.io import write_json
from gdlab.report import (
    count, pm,
    Renderer, claimop, claimval, figure_key, figure_paths, load_context, pct, per_rule_benchmarks, pp, read_benchmark,
    say, sci, sig, signed, times,
)

# --- numbers ------------------------------------------------------------------------------------------------


def test_sig():
    assert sig(0.328219804, 5) == "0.32822" and sig(1234.5678) == "1235" and sig(3e-15) == "3e-15"
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
    assert sci(9.96e-5) == r"$1.0 \times 10^{-4}$"


def test_times_leaves_out_a_coefficient_of_one():
    assert times(1.0000000001, "x") == "x" and times(-1.0, "x") == "\u2212x"
    assert times(0.5, "x") == "0.5 · x" and times(-2.25, "`a`") == "\u22122.25 · `a`"


def test_pct_pp_signed():
    # A no-break space before the unit, and a real minus sign: "92.57 %" never breaks across a line.
    assert pct(0.0123) == "1.23\u00a0%" and pct(0.9263, 0) == "93\u00a0%" and pct(None) == "n/a"
    assert pp(0.0021) == "0.21\u00a0percentage points" and pp(-0.013, 1) == "\u22121.3\u00a0percentage points"
    assert pm(0.9159, 0.001) == "91.59\u00a0%\u00a0±\u00a00.10\u00a0%" and count(50000) == "50\u00a0000"
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
    assert figure_paths(["results/ex2/figures/lr_study.png"]) == {"ex2_lr_study": "results/ex2/figures/lr_study.png"}


# --- the Renderer ---------------------------------------------------------------------------------------------

ANSWERS = {
    "answers/ex1.md.j2": """\
        {## Exercise 1: one macro per part ##}
        {% set r = ex1.run %}
        {% macro a() %}
        The cost is {{ r.cost | sig(3) }}. {{ say(r.flag, {"true": "It holds.", "false": "It does not."}) }} See {{ figref("ex1_curve") }}.
        {% endmacro %}

        {% macro b() %}
        {{ figure("ex1_curve", "The curve.") }}

        {{ claim("c1") }} {{ claim("unconfigured") }}
        {% endmacro %}

        {% macro beyond() %}
        Beyond the questions.
        {% endmacro %}
        """,
    "answers/ex5.md.j2": """\
        {% macro summary() %}
        Step {{ ex5.step | sci }}; {{ figref("ex1_curve") }}.
        {% endmacro %}
        """,
    "sheet.md.j2": """\
        {% for ex in practical.exercises %}
        # Exercise {{ ex.number }}
        {% for p in ex.parts %}
        {{ section(ex.number ~ p.letter) }}
        {% endfor %}
        {{ beyond(ex.number) }}
        {% endfor %}
        """,
    "only_1a.md.j2": "{{ section('1a') }}",
    "pandoc.md.j2": "# Title {#sec-title}\n\n![x](y.png){#fig-x width=50%}\n{{ cfg | toyaml }}\n",
    "missing.md.j2": "{{ ex1.run.nope }}",
    "missing_filter.md.j2": "{{ ex1.run.nope | sig }}",
    "none_filter.md.j2": "{{ ex1.run.none | sig }}",
}

PRACTICAL = {"practical": {"course": "C", "name": "N"}, "exercises": [
    {"number": 1, "title": "One", "parts": [
        {"letter": "a", "gist": "The cost", "question": "What is the cost?", "listings": ["gdlab.x.f"]},
        {"letter": "b", "gist": "The figure", "question": "Draw it."}]},
    {"number": 5, "title": "Five", "parts": [{"letter": "", "gist": "Optimal step", "question": "Which step?"}]},
]}

LISTINGS = {"gdlab.x.f": {"qualname": "gdlab.x.f", "file": "src/gdlab/x.py", "first_line": 3, "last_line": 4,
                          "code": "def f():\n    pass"}}

CLAIMS = {"c1": {"text": "small", "value_path": "ex1.run.cost", "value": 3e-15, "op": "<=", "bound": 1e-6,
                 "passed": True}}


@pytest.fixture
def report(tmp_path):
    folder = tmp_path / "report"
    for name, text in ANSWERS.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text))
    results = tmp_path / "results"
    figures = {"ex1_curve": str(results / "ex1" / "figures" / "curve.png"),
               "review_overfit": str(results / "review" / "figures" / "overfit.png")}
    context = {"ex1": {"run": {"cost": 0.123456, "flag": True, "none": None}}, "ex5": {"step": 3.1e-7},
               "claims": CLAIMS, "cfg": {"seed": 3, "lr": 0.1}}

    def make(target="sheet", **changes):
        ctx = context | changes
        return Renderer(folder, ctx, target, figures, results / "report" / "sheet.md", LISTINGS, PRACTICAL)

    return make


def test_unknown_target_is_an_error(report):
    with pytest.raises(ValueError, match="unknown target 'pdf'"):
        report("pdf")


def test_section_shows_heading_question_listings_and_answer(report):
    r = report()
    assert r.section("1a") == (
        "## 1 a) The cost\n\n> **1 a)** *What is the cost?*\n\n"
        "`gdlab.x.f` — `src/gdlab/x.py`, lines 3–4:\n\n```python\ndef f():\n    pass\n```\n\n"
        "The cost is 0.123. It holds. See \x00figref:ex1_curve\x00.\n")
    assert r.question("5") == "**5** *Which step?*"
    assert r.section("5").startswith("## 5 Optimal step\n\n> **5** *Which step?*\n\nStep $3.1 \\times 10^{-7}$;")
    assert r.answer("1a") == "The cost is 0.123. It holds. See \x00figref:ex1_curve\x00."
    with pytest.raises(KeyError, match="no part '1z' in report/practical.yaml"):
        r.section("1z")


def test_sheet_figure_is_a_pandoc_image_with_a_relative_path_and_an_id(report):
    r = report("sheet")
    assert r.figure("ex1_curve", "The curve.") == "![The curve.](../ex1/figures/curve.png){#fig-ex1-curve width=90%}"
    assert r.figure("review_overfit", "Over.", "50%").endswith("(../review/figures/overfit.png){#fig-review-overfit width=50%}")
    assert r.placed == {"ex1_curve": "", "review_overfit": ""} and r.attachments == []
    with pytest.raises(KeyError, match="no figure 'ex1_nope'"):
        r.figure("ex1_nope", "x")
    with pytest.raises(KeyError, match="no figure 'ex1_nope'"):
        r.figref("ex1_nope")


def test_notebook_figure_is_an_attachment(report):
    r = report("notebook")
    # Jupyter shows no alt text: the caption is a line of its own below the image.
    assert r.figure("ex1_curve", "The curve.") == "![ex1 curve](attachment:ex1_curve.png)\n\n*Figure: The curve.*"
    assert r.attachments == ["ex1_curve"] and r.placed == {"ex1_curve": ""}


def test_whole_sheet_resolves_figrefs_where_the_figure_is_placed(report):
    text = report("sheet").render("sheet.md.j2")
    # 1a refers to the figure that 1b places later in the same document: a cross-reference.
    assert text.count("See ([@fig-ex1-curve]).") == 1 and "; ([@fig-ex1-curve])." in text
    assert "![The curve.](../ex1/figures/curve.png){#fig-ex1-curve width=90%}" in text
    assert "\x00" not in text
    assert "Beyond the questions." in text and text.index("## 1 a)") < text.index("## 1 b)") < text.index("## 5 ")
    assert "**[✓ checked: small; `ex1.run.cost` = 3e-15 ≤ 1e-06]**" in text
    assert "*(not checked in this configuration)*" in text


def test_figref_to_a_figure_the_document_does_not_show_says_where_it_is(report):
    # The figure is in part 1 b, which this document leaves out; Exercise 1 has no notebook in this practical.
    text = report("sheet").render("only_1a.md.j2")
    assert "See (the figure in part 1 b of the maths PDF)." in text and "[@fig" not in text


def test_a_figref_to_a_figure_no_answer_shows_is_an_error(report):
    r = report("sheet")
    with pytest.raises(KeyError, match="figure 'review_overfit' is referenced, but no answer shows it"):
        r.resolve(r.render_string("{{ figref('review_overfit') }}"))


def test_notebook_figrefs_are_words_resolved_after_the_whole_notebook(report):
    r = report("notebook")
    first = r.render_string("{{ figref('ex1_curve') }}")  # before the figure's cell: not resolved yet
    second = r.render_string("{{ section('1b') }}")
    assert "\x00" in first and r.resolve(first) == "(the figure in part 1 b)"
    assert "![ex1 curve](attachment:ex1_curve.png)" in second


def test_beyond_is_empty_for_an_exercise_without_one(report):
    r = report()
    assert r.beyond(1) == "Beyond the questions." and r.beyond(5) == ""


def test_listing_must_be_declared(report):
    with pytest.raises(KeyError, match="no listing 'gdlab.x.g': list it under a part in report/practical.yaml"):
        report().listing("gdlab.x.g")


def test_pandoc_attributes_are_not_jinja_comments_and_toyaml(report):
    text = report().render("pandoc.md.j2")
    assert text == "# Title {#sec-title}\n\n![x](y.png){#fig-x width=50%}\nlr: 0.1\nseed: 3\n"


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


# --- benchmark files and the context -------------------------------------------------------------------------

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


def test_load_context_reads_the_named_inputs_and_adds_the_settings(tmp_path):
    write_json(tmp_path / "ex1.json", {"a": 1})
    write_json(tmp_path / "claims.json", {"c": {"passed": True}})
    inputs = SimpleNamespace(ex1=str(tmp_path / "ex1.json"), claims=str(tmp_path / "claims.json"),
                             figures=["x.png"], source="nb.py")
    ctx = load_context(inputs, {"seed": 3})
    assert ctx == {"ex1": {"a": 1}, "claims": {"c": {"passed": True}}, "cfg": {"seed": 3}}
