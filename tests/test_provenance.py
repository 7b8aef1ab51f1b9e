"""End to end: the provenance record is Snakemake's own report of the build (snakemake --report), holding what the
PDFs leave out — for every figure the rule, code, parameters and inputs that made it, the rule graph, the runtimes —
and, as pages of their own, the checked claims, the sympy checks, the software and the datasets' checksums. It is
opened in a headless browser, as a reader would open it."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import REPO, run_snakemake
from gdlab.io import read_json

pytestmark = pytest.mark.e2e

CATEGORIES = ["Exercise 1", "Exercise 2", "Exercise 3", "Exercises 4-6", "Provenance"]


@pytest.fixture(scope="module")
def record(built, mirror):
    out = built / "results" / "report" / "provenance.html"
    run_snakemake(built, "--report", str(out), mirror=mirror)
    return out


def browser() -> str | None:
    return next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)


def rendered(path) -> str:
    """The page's text after its scripts ran, in a headless browser (the report is a JavaScript application)."""
    exe = browser()
    if exe is None:
        if os.environ.get("GDLAB_REQUIRE_BROWSER"):
            pytest.fail("GDLAB_REQUIRE_BROWSER is set but no Chromium is installed")
        pytest.skip("no headless browser here (Debian's chromium)")
    profile = path.parent / ".chromium-profile"
    proc = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={profile}", "--virtual-time-budget=10000", "--dump-dom",
                           path.as_uri()], capture_output=True, text=True, timeout=120)
    shutil.rmtree(profile, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    app = proc.stdout[proc.stdout.find('id="app"'):]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", app)))


def test_the_record_renders_in_a_browser_with_a_category_per_exercise(record):
    text = rendered(record)
    for category in CATEGORIES:
        assert category in text, category
    assert "The provenance record of the gdlab hand-in" in text


def test_every_figure_is_in_the_record_with_its_caption_and_the_rule_that_made_it(built, record):
    data = record.read_text()
    # Docutils sets quotes typographically: compare without them.
    # The captions sit in the page's JSON: decode each string, then compare its words.
    captions = [json.loads(f'"{c}"') for c in re.findall(r'"caption": "((?:[^"\\]|\\.)*)"', data)]
    # Tags off first, entities after: an unescaped "<" in a caption is text, not the start of a tag.
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", " ".join(captions))).replace("’", "'").replace("‘", "'").split())
    figures = sorted((built / "results").glob("*/figures/*.png"))
    assert len(figures) >= 15
    for png in figures:
        assert png.name in data, png
        caption = " ".join(png.with_suffix(".rst").read_text().split())  # the drawing function's docstring
        assert " ".join(re.sub(r"`+", "", caption).split()[-6:]) in text.replace("`", ""), (png, caption)
    for rule in ("ex1_figures", "ex2_figures", "ex3_figures", "review_figures", "ex3_point", "notebook_run"):
        assert rule in data, rule


def test_what_the_pdfs_leave_out_is_in_the_record(built, record):
    data = record.read_text()
    pages = built / "results" / "report" / "provenance"
    for page in ("claims", "calculus", "software", "data"):
        assert f"{page}.html" in data, page
    claims = read_json(built / "results" / "report" / "claims.json")
    claims_page = (pages / "claims.html").read_text()
    assert all(html.escape(c["text"]) in claims_page for c in claims.values())
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    data_page = (pages / "data.html").read_text()
    for ds in config["data"]["datasets"].values():
        for meta in ds["files"].values():
            assert meta["sha256"] in data_page
    software = (pages / "software.html").read_text()
    assert "torch" in software and "snakemake" in software and re.search(r"[0-9a-f]{40}", software)
    calculus = (pages / "calculus.html").read_text()
    assert "not checked: a conclusion drawn from the steps above" in calculus and "<td>NO</td>" not in calculus
