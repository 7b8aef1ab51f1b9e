"""End to end: the hand-in built from config/test.yaml — the answer sheet (PDF, HTML), the maths PDF, the
notebooks and the submission bundle — read back as a teaching assistant would."""

import json
import re
import zipfile

import pytest
import yaml
from pypdf import PdfReader

from conftest import REPO
from gdlab.io import read_json
from gdlab.listings import listed
from gdlab.report import claimval, pm, sig

pytestmark = pytest.mark.e2e

PRACTICAL = yaml.safe_load((REPO / "report" / "practical.yaml").read_text())


def flat(text: str) -> str:
    """Text as compared here: one space for any whitespace (PDF line breaks fall anywhere), ASCII minus."""
    return " ".join(text.replace("\u2212", "-").split())


def pdf_text(path) -> str:
    return flat("\n".join(page.extract_text() for page in PdfReader(path).pages))


@pytest.fixture(scope="module")
def sheet(built):
    return pdf_text(built / "results" / "report" / "answers.pdf")


def part_labels():
    return [(f"{ex['number']} {p['letter']})" if p["letter"] else f"{ex['number']}", p)
            for ex in PRACTICAL["exercises"] for p in ex["parts"]]


def test_every_part_of_the_practical_is_asked_and_answered_in_order(sheet):
    """Each part 1a-6g appears as a heading with its gist, then the practical's question, then an answer."""
    labels = part_labels()
    assert [lab for lab, _ in labels if lab.startswith("6")] == ["6 a)", "6 b)", "6 c)", "6 d)", "6 f)", "6 g)"]
    first = "Exercise 1: " + PRACTICAL["exercises"][0]["title"]
    positions = [sheet.index(first, sheet.index(first) + 1)]  # after the table of contents
    for label, p in labels:
        heading = flat(f"{label} {p['gist']}")
        at = sheet.find(heading, positions[-1] if positions else 0)
        assert at >= 0, f"no heading {heading!r} (after the previous part)"
        positions.append(at)
    positions.append(sheet.find("Checked claims", positions[-1]))
    assert positions[-1] > 0
    positions = positions[1:]
    for (label, p), start, end in zip(labels, positions, positions[1:]):
        body = sheet[start:end]
        words = p["question"].split()[:6]
        words = words[: next((i for i, w in enumerate(words) if "$" in w), len(words))]  # up to any maths
        question = flat(" ".join(words))
        assert question in body, f"{label}: the practical's question is not quoted"
        answer = body[body.find(question) + len(flat(p["question"])):]
        assert len(answer.split()) >= 40, f"{label}: {len(answer.split())} words of answer"
    assert "6 e)" not in sheet  # the practical has no part e) in Exercise 6


def test_title_page_names_the_practical_and_the_author(built, sheet):
    first = PdfReader(built / "results" / "report" / "answers.pdf").pages[0].extract_text()
    assert "TSM Deep Learning" in first and "Practical Work 02" in first and "Gradient Descent" in first
    assert yaml.safe_load((REPO / "config" / "config.yaml").read_text())["report"]["author"] in first
    assert "test build" in first


def test_every_listed_function_is_shown_with_its_provenance(built, sheet):
    listings = read_json(built / "results" / "report" / "listings.json")
    assert set(listings) == set(listed(PRACTICAL))
    for qualname, s in listings.items():
        name = qualname.rsplit(".", 1)[1]
        first_line = " ".join(s["code"].splitlines()[0].split())
        assert first_line.startswith(("def ", "class ")) and first_line in sheet, qualname
        assert f"{qualname} — {s['file']}, lines {s['first_line']}–{s['last_line']}" in sheet, qualname
        source = (built / s["file"]).read_text().splitlines()
        assert "\n".join(source[s["first_line"] - 1 : s["last_line"]]) == s["code"] and name in s["code"]


def markdown_tables(text: str):
    """Each pipe table of a Markdown text as a list of rows, a row as its cells (split on unescaped '|')."""
    tables, rows = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            rows.append(re.split(r"(?<!\\)\|", line.strip())[1:-1])
        elif rows:
            tables.append(rows)
            rows = []
    return tables


@pytest.mark.parametrize("doc", ["answers", "maths"])
def test_every_table_row_has_as_many_cells_as_its_header(built, doc):
    tables = markdown_tables((built / "results" / "report" / f"{doc}.md").read_text())
    assert len(tables) >= (10 if doc == "answers" else 3)
    for rows in tables:
        assert all(len(r) == len(rows[0]) for r in rows), rows


def test_the_table_check_catches_a_broken_row():
    assert [len(r) for r in markdown_tables("| a | b |\n|---|---|\n| 1 | x | y |\n")[0]] == [2, 2, 3]


def test_the_numbers_on_the_sheet_are_the_results(built, sheet):
    ex1 = read_json(built / "results" / "ex1" / "summary.json")
    for value in ex1["closed_form"]["theta"]:
        assert flat(sig(value, 10)) in sheet
    assert flat(sig(ex1["max_lr"]["theory"], 5)) in sheet and flat(sig(ex1["max_lr"]["empirical"], 5)) in sheet
    ex2 = read_json(built / "results" / "ex2" / "summary.json")
    assert flat(sig(ex2["gd"]["final_cost"], 6)) in sheet and flat(sig(ex2["max_lr"]["theory"], 4)) in sheet
    assert "Class 1 is Abnormal" in sheet and "pelvic_incidence" in sheet
    ex3 = read_json(built / "results" / "ex3" / "summary.json")
    fav = ex3["favourite"]
    assert flat(pm(fav["test_accuracy"], fav["test_accuracy_std"])) in sheet
    for p in ex3["grid"]:
        if not p["diverged"]:
            assert flat(pm(p["val_accuracy"], p["val_accuracy_std"])) in sheet


def test_every_claim_holds_and_is_shown(built, sheet):
    claims = read_json(built / "results" / "report" / "claims.json")
    assert claims and all(c["passed"] for c in claims.values())
    for c in claims.values():
        assert flat(claimval(c["value"])) in sheet, c
    assert "Appendix: provenance" in sheet and "torch" in sheet
    # No table cell may open with "=": Typst would make it a heading (it once turned "== true" into one).
    assert not re.search(r"\[=", (built / "results" / "report" / "answers.typ").read_text())


def test_the_appendix_names_the_commit_the_sheet_was_built_from(built, sheet):
    commit = read_json(built / "results" / "report" / "appendix.json")["commit"]
    assert re.fullmatch(r"[0-9a-f]{40}", commit) and commit in sheet


def test_the_maths_pdf_holds_exercises_4_and_6_only(built):
    text = pdf_text(built / "results" / "report" / "maths.pdf")
    assert "Exercise 4: Review Questions" in text and "Exercise 6: Calculus Training" in text
    assert "Exercise 1:" not in text and "Exercise 3:" not in text
    assert "✓" in text and "FAILED" not in text  # every derivation step, checked by sympy


def test_html_is_self_contained(built):
    html = (built / "results" / "report" / "answers.html").read_text()
    assert "<math" in html and "data:image/png;base64" in html and "Exercise 6" in html
    assert not re.search(r"<(img|script)[^>]+src=\"(https?:|\.\./)", html)


def notebook(built, name):
    return json.loads((built / "results" / "notebooks" / f"{name}.ipynb").read_text())


@pytest.mark.parametrize("name", ["ex1", "ex2", "ex3", "ex6"])
def test_each_notebook_is_executed_whole_and_readable_without_running(built, name):
    nb = notebook(built, name)
    cells = nb["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c["outputs"]]
    assert outputs and not [o for o in outputs if o["output_type"] == "error"]
    assert all(c["execution_count"] for c in cells if c["cell_type"] == "code")
    assert sum(len(c.get("attachments", {})) for c in cells) >= 1  # the figures travel inside the notebook
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "{{" not in markdown and "\n|---" in markdown  # filled in, with its tables
    number = int(name[2:])
    for ex in PRACTICAL["exercises"]:
        if ex["number"] == number:
            for p in ex["parts"]:
                assert f"## {number} {p['letter']}) {p['gist']}" in markdown
    assert [c["id"] for c in cells] == [f"{name}-{i:02d}" for i in range(len(cells))]
    assert (built / "results" / "notebooks" / f"{name}.html").stat().st_size > 10_000


def test_the_exercise_2_notebook_shows_the_four_functions_their_test_and_the_loss_curve(built):
    nb = notebook(built, "ex2")
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    for name in ("predict", "cost", "gradient_cost", "accuracy"):
        assert f"def {name}(" in markdown
    outputs = json.dumps([c["outputs"] for c in nb["cells"] if c["cell_type"] == "code"])
    assert "predict_shape" in outputs and "gradient_norm" in outputs  # the dummy-value test, run live
    assert any("ex2_training.png" in c.get("attachments", {}) for c in nb["cells"])


def test_the_submission_holds_what_the_practical_asks_for(built):
    folder = built / "results" / "submission"
    expected = {"ex1.ipynb", "ex2.ipynb", "ex3.ipynb", "ex6.ipynb", "maths.pdf"}
    assert {p.name for p in folder.iterdir()} == expected
    with zipfile.ZipFile(built / "results" / "submission.zip") as z:
        assert {n.split("/", 1)[1] for n in z.namelist()} == expected
        assert z.read("submission/ex2.ipynb") == (folder / "ex2.ipynb").read_bytes()


def test_divergence_is_recorded_and_shown(built, sheet):
    settings = read_json(built / "results" / "ex3" / "summary.json")["grid"]
    diverged = [p for p in settings if p["diverged"]]
    assert diverged and all(p["lr"] >= 10 for p in diverged)  # the test config's huge rate
    assert not [p for p in settings if p["lr"] < 10 and p["diverged"]]
    assert read_json(built / "results" / "ex3" / "summary.json")["favourite"]["lr"] < 10  # never chosen
    assert "diverged" in sheet
