# The hand-in: checked claims, code listings, the answer sheet (PDF, HTML), the maths PDF of Exercises 4 and 6,
# one executed notebook per exercise that asks for one, and the submission bundle.
import yaml

PRACTICAL = yaml.safe_load((PROJECT / "report" / "practical.yaml").read_text())
NOTEBOOKS = [ex["notebook"] for ex in PRACTICAL["exercises"] if "notebook" in ex]
# The summaries every claim, answer and notebook may read, by the name they are read under.
SUMMARIES = {
    "ex1": "results/ex1/summary.json",
    "ex2": "results/ex2/summary.json",
    "ex3": "results/ex3/summary.json",
    "review": "results/review/summary.json",
}
check_claims(config["claims"], list(SUMMARIES))
FIGURES = [*figures("ex1").values(), *figures("ex2").values(), *figures("ex3").values(), *figures("review").values()]
# The two documents: the full sheet, and the maths of Exercises 4 and 6 that the practical asks for as a PDF.
DOCUMENTS = {"answers": [ex["number"] for ex in PRACTICAL["exercises"]], "maths": [4, 6]}
NOTEBOOK_TIMEOUT_S = 600  # a cell that runs longer fails the build (the notebooks only read results and demo)
# What the text of the sheet and the notebooks reads from the config.
TEXT_SETTINGS = {k: config[k] for k in ("report", "seed", "outcome", "ex1", "ex2", "ex3", "ex4", "ex6")}


wildcard_constraints:
    doc="|".join(DOCUMENTS),
    nb="|".join(NOTEBOOKS),


rule claims:
    input:
        **SUMMARIES,
        code=code_inputs("claims.py"),
    output:
        json="results/report/claims.json",
    params:
        claims=config["claims"],
    resources:
        **TIER["light"],
    log:
        "results/logs/claims.log",
    benchmark:
        "results/benchmarks/claims.tsv"
    conda:
        ENV
    script:
        "../scripts/claims.py"


rule listings:
    input:
        practical="report/practical.yaml",
        modules=listing_modules(PRACTICAL),
        code=code_inputs("listings.py"),
    output:
        json="results/report/listings.json",
    resources:
        **TIER["light"],
    log:
        "results/logs/listings.log",
    benchmark:
        "results/benchmarks/listings.tsv"
    conda:
        ENV
    script:
        "../scripts/listings.py"


rule appendix:
    input:
        claims=rules.claims.output.json,
        figures=FIGURES,
        code=code_inputs("appendix.py"),
    output:
        json="results/report/appendix.json",
    params:
        commit=sources_commit(),
        packages=pinned_packages(),
        datasets=config["data"]["datasets"],
        config=dict(config),
        benchmarks="results/benchmarks",
    resources:
        **TIER["light"],
    log:
        "results/logs/appendix.log",
    benchmark:
        "results/benchmarks/appendix.tsv"
    conda:
        ENV
    script:
        "../scripts/appendix.py"


rule sheet_markdown:
    input:
        **SUMMARIES,
        calculus=rules.calculus.output.json,
        claims=rules.claims.output.json,
        listings=rules.listings.output.json,
        appendix=rules.appendix.output.json,
        figures=FIGURES,
        templates=sorted(str(p.relative_to(PROJECT)) for p in (PROJECT / "report").rglob("*.j2")),
        practical="report/practical.yaml",
        code=code_inputs("sheet_markdown.py"),
    output:
        md="results/report/{doc}.md",
    params:
        text=TEXT_SETTINGS,
        exercises=lambda wc: DOCUMENTS[wc.doc],
    resources:
        **TIER["light"],
    log:
        "results/logs/sheet_markdown/{doc}.log",
    benchmark:
        "results/benchmarks/sheet_markdown/{doc}.tsv"
    conda:
        ENV
    script:
        "../scripts/sheet_markdown.py"


rule sheet_pdf:
    input:
        md=rules.sheet_markdown.output.md,
        figures=FIGURES,
        header="report/typst-header.typ",
        code=code_inputs("sheet_pdf.py"),
    output:
        typ="results/report/{doc}.typ",
        pdf="results/report/{doc}.pdf",
    resources:
        **TIER["light"],
    log:
        "results/logs/sheet_pdf/{doc}.log",
    benchmark:
        "results/benchmarks/sheet_pdf/{doc}.tsv"
    conda:
        ENV
    script:
        "../scripts/sheet_pdf.py"


rule sheet_html:
    input:
        md="results/report/answers.md",
        figures=FIGURES,
        code=code_inputs("sheet_html.py"),
    output:
        html="results/report/answers.html",
    resources:
        **TIER["light"],
    log:
        "results/logs/sheet_html.log",
    benchmark:
        "results/benchmarks/sheet_html.tsv"
    conda:
        ENV
    script:
        "../scripts/sheet_html.py"


rule notebook_run:
    input:
        source="report/notebooks/{nb}.py",
        results=lambda wc: results_read(f"report/notebooks/{wc.nb}.py"),  # what the live cells read
        live=lambda wc: imported_code(f"report/notebooks/{wc.nb}.py"),  # and the package code they run
        code=code_inputs("notebook_run.py"),
    output:
        ipynb="results/notebooks/run/{nb}.ipynb",
    params:
        text=TEXT_SETTINGS,
        timeout_s=NOTEBOOK_TIMEOUT_S,
    threads: 1
    resources:
        **TIER["torch"],
    log:
        "results/logs/notebook_run/{nb}.log",
    benchmark:
        "results/benchmarks/notebook_run/{nb}.tsv"
    conda:
        ENV
    script:
        "../scripts/notebook_run.py"


rule notebook:
    input:
        run=rules.notebook_run.output.ipynb,
        **SUMMARIES,
        calculus=rules.calculus.output.json,
        claims=rules.claims.output.json,
        listings=rules.listings.output.json,
        figures=FIGURES,
        templates=rules.sheet_markdown.input.templates,
        practical="report/practical.yaml",
        code=code_inputs("notebook.py"),
    output:
        ipynb="results/notebooks/{nb}.ipynb",
    params:
        text=TEXT_SETTINGS,
    resources:
        **TIER["light"],
    log:
        "results/logs/notebook/{nb}.log",
    benchmark:
        "results/benchmarks/notebook/{nb}.tsv"
    conda:
        ENV
    script:
        "../scripts/notebook.py"


rule notebook_html:
    input:
        ipynb=rules.notebook.output.ipynb,
        code=code_inputs("notebook_html.py"),
    output:
        html="results/notebooks/{nb}.html",
    resources:
        **TIER["light"],
    log:
        "results/logs/notebook_html/{nb}.log",
    benchmark:
        "results/benchmarks/notebook_html/{nb}.tsv"
    conda:
        ENV
    script:
        "../scripts/notebook_html.py"


rule submission:
    input:
        notebooks=expand(rules.notebook.output.ipynb, nb=NOTEBOOKS),
        maths="results/report/maths.pdf",
        code=code_inputs("submission.py"),
    output:
        files=[f"results/submission/{nb}.ipynb" for nb in NOTEBOOKS] + ["results/submission/maths.pdf"],
        zip="results/submission.zip",
    resources:
        **TIER["light"],
    log:
        "results/logs/submission.log",
    benchmark:
        "results/benchmarks/submission.tsv"
    conda:
        ENV
    script:
        "../scripts/submission.py"
