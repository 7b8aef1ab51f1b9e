# The hand-in: the course's notebooks completed and executed in the folder the course collects (with their data),
# the maths PDF, the full answer sheet (PDF, HTML), the checked claims, and the tables of the provenance record.
import re

import yaml

PRACTICAL = yaml.safe_load((PROJECT / "report" / "practical.yaml").read_text())
NOTEBOOKS = [ex["notebook"] for ex in PRACTICAL["exercises"] if "notebook" in ex]
TAKEN = {nb: notebooks_taken(nb, NOTEBOOKS) for nb in NOTEBOOKS}  # whose functions each takes: read once
NOTEBOOK_SOURCES = [f"report/notebooks/{nb}.py" for nb in NOTEBOOKS]
# The summaries every claim, answer and notebook may read, by the name they are read under.
SUMMARIES = {
    "ex1": "results/ex1/summary.json",
    "ex2": "results/ex2/summary.json",
    "ex3": "results/ex3/summary.json",
    "review": "results/review/summary.json",
}
check_claims(config["claims"], list(SUMMARIES))
FIGURES = [*figures("ex1").values(), *figures("ex2").values(), *figures("ex3").values(), *figures("review").values()]
# The two documents: the full sheet, and the maths of Exercises 4-6 that the practical asks for as a PDF.
DOCUMENTS = {"answers": [ex["number"] for ex in PRACTICAL["exercises"]], "maths": [4, 5, 6]}
NOTEBOOK_TIMEOUT_S = 600  # a cell that runs longer fails the build
# What the text of the sheet and the notebooks reads from the config.
TEXT_SETTINGS = {k: config[k] for k in ("report", "seed", "plot", "outcome", "ex1", "ex2", "ex3", "ex4", "ex5", "ex6")}
# The folder the course collects: G<group>_<family name>_<family name>..., zipped.
GROUP = f"G{config['report']['group']:02d}_" + "_".join(
    re.sub(r"[^A-Za-z0-9-]", "", a.split()[-1]) for a in config["report"]["authors"])
HANDIN = f"results/submission/{GROUP}"
# What travels beside the notebooks: the two CSVs the course's notebooks read, and MNIST where torchvision looks for
# it (root="data": data/MNIST/raw/, uncompressed). The MNIST notebook trains its study itself: no table travels.
BUNDLE_COPIES = {"lausanne-appart.csv": EX1_CSV, "Dataset_spine.csv": EX2_CSV}
MNIST_FILES = [f.removesuffix(".gz") for f in config["data"]["datasets"]["mnist"]["files"]]
BUNDLE_MNIST = [f"{HANDIN}/data/MNIST/raw/{f}" for f in MNIST_FILES]
BUNDLE_DATA = [f"{HANDIN}/{name}" for name in BUNDLE_COPIES] + BUNDLE_MNIST


wildcard_constraints:
    doc="|".join(DOCUMENTS),
    nb="|".join(NOTEBOOKS),
    listed="|".join(["sheet", *NOTEBOOKS]),
    carried="|".join(re.escape(name) for name in BUNDLE_COPIES),


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
        source=lambda wc: [] if wc.listed == "sheet" else f"report/notebooks/{wc.listed}.py",
        modules=lambda wc: listing_modules(PRACTICAL if wc.listed == "sheet" else None,
                                           [] if wc.listed == "sheet" else [f"report/notebooks/{wc.listed}.py"]),
        code=code_inputs("listings.py"),
    output:
        json="results/report/listings/{listed}.json",
    resources:
        **TIER["light"],
    log:
        "results/logs/listings/{listed}.log",
    benchmark:
        "results/benchmarks/listings/{listed}.tsv"
    conda:
        ENV
    script:
        "../scripts/listings.py"


rule provenance_tables:
    input:
        claims=rules.claims.output.json,
        calculus=rules.calculus.output.json,
        code=code_inputs("provenance_tables.py"),
    output:
        claims=report("results/report/provenance/claims.html", category="Provenance"),
        calculus=report("results/report/provenance/calculus.html", category="Provenance"),
        software=report("results/report/provenance/software.html", category="Provenance"),
        data=report("results/report/provenance/data.html", category="Provenance"),
    params:
        commit=sources_commit(),
        packages=pinned_packages(),
        datasets=config["data"]["datasets"],
    resources:
        **TIER["light"],
    log:
        "results/logs/provenance_tables.log",
    benchmark:
        "results/benchmarks/provenance_tables.tsv"
    conda:
        ENV
    script:
        "../scripts/provenance_tables.py"


rule sheet_markdown:
    input:
        **SUMMARIES,
        calculus=rules.calculus.output.json,
        claims=rules.claims.output.json,
        listings="results/report/listings/sheet.json",
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
    shadow: SHADOW  # pandoc and typst read the figures: the read guard cannot see them
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
    shadow: SHADOW  # pandoc reads the figures: the read guard cannot see it
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


rule bundle_copy:
    input:
        data=lambda wc: BUNDLE_COPIES[wc.carried],
        code=code_inputs("bundle_copy.py"),
    output:
        data=f"{HANDIN}/{{carried}}",
    priority: 10  # a moment's work that the notebooks, the longest jobs, wait for: never left behind the training
    resources:
        **TIER["light"],
    log:
        "results/logs/bundle_copy/{carried}.log",
    benchmark:
        "results/benchmarks/bundle_copy/{carried}.tsv"
    conda:
        ENV
    script:
        "../scripts/bundle_copy.py"


rule bundle_mnist:
    input:
        mnist=expand("results/data/raw/mnist/{f}", f=config["data"]["datasets"]["mnist"]["files"]),
        code=code_inputs("bundle_mnist.py"),
    output:
        raw=BUNDLE_MNIST,
    priority: 10  # the MNIST notebook, the longest, waits for it: start it early
    resources:
        **TIER["light"],
    log:
        "results/logs/bundle_mnist.log",
    benchmark:
        "results/benchmarks/bundle_mnist.tsv"
    conda:
        ENV
    script:
        "../scripts/bundle_mnist.py"


rule notebook_run:
    input:
        source="report/notebooks/{nb}.py",
        listings="results/report/listings/{nb}.json",
        data=lambda wc: notebook_reads(wc.nb, HANDIN, BUNDLE_COPIES, BUNDLE_MNIST),  # it runs beside what it reads
        # The notebooks whose functions it takes: their imports and the package code they show (not their settings,
        # runs or prose).
        taken_sources=lambda wc: [f"report/notebooks/{o}.py" for o in TAKEN[wc.nb]],
        taken_listings=lambda wc: [f"results/report/listings/{o}.json" for o in TAKEN[wc.nb]],
        code=code_inputs("notebook_run.py"),
    output:
        ipynb="results/notebooks/run/{nb}.ipynb",
    params:
        text=lambda wc: notebook_settings(wc.nb, TEXT_SETTINGS),  # what its code cells quote, and no more
        taken=lambda wc: TAKEN[wc.nb],
        folder=lambda wc: HANDIN,
        timeout_s=NOTEBOOK_TIMEOUT_S,
    threads: 1
    priority: 10  # the longest jobs at the end of the build: start each as soon as it can
    resources:
        **TIER["notebook"],
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
        checked=lambda wc: rules.ex3_notebook_check.output.json if wc.nb == EX3_NOTEBOOK else [],  # same table
        **SUMMARIES,
        claims=rules.claims.output.json,
        listings="results/report/listings/{nb}.json",
        templates=rules.sheet_markdown.input.templates,
        practical="report/practical.yaml",
        code=code_inputs("notebook.py"),
    output:
        ipynb=f"{HANDIN}/{{nb}}.ipynb",
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


rule submission:
    input:
        notebooks=expand(rules.notebook.output.ipynb, nb=NOTEBOOKS),
        data=BUNDLE_DATA,
        maths="results/report/maths.pdf",
        code=code_inputs("submission.py"),
    output:
        maths=f"{HANDIN}/pw02_maths.pdf",
        zip="results/submission.zip",
    params:
        folder=lambda wc, output: os.path.dirname(output.maths),
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
