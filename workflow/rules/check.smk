# The teaching assistants' checker (make check HANDINS=folder): every group's notebooks run in a sandbox and checked
# against gdlab's references, one job per group and notebook; a report per group and a summary of the class. The
# groups are found when the workflow is parsed (config `handins`); `_self` is the project's own results/submission.zip.
from gdlab.check.handins import discover, source_files

CHECK = config["check"]
CHECK_GROUPS = discover(config["handins"]) if config["handins"] else {}
if "_self" in CHECK_GROUPS:
    raise ValueError(f"handins: {config['handins']} holds a group named _self, which is the checker's own")
CHECK_GROUPS["_self"] = {"source": "results/submission.zip", "notebooks": {nb: f"{nb}.ipynb" for nb in NOTEBOOKS}}
CLASS = sorted(g for g in CHECK_GROUPS if g != "_self")
# The course's data (course-notebooks.md), supplied where a hand-in lacks it: the two CSVs, MNIST where torchvision
# looks for it (data/MNIST/raw/, uncompressed, as the project's own hand-in carries it).
COURSE_DATA = {"lausanne-appart.csv": EX1_CSV, "Dataset_spine.csv": EX2_CSV} | {
    f"data/MNIST/raw/{f}": f"{HANDIN}/data/MNIST/raw/{f}" for f in MNIST_FILES}
CHECKER_FILES = ["src/gdlab/check/runner.py", "src/gdlab/check/probe.py"]  # run in the sandbox, not imported
# A check job's tree (the job, the sandboxed runner and kernel) peaked at 2.1 GB on the MNIST notebook (make peaks):
# × 1.4 as TIER's declarations are. Its time: the sandbox's wall-clock limit, and the job's own start and scoring.
CHECK_MEM_MB = 3072


wildcard_constraints:
    group="|".join(re.escape(g) for g in CHECK_GROUPS),


rule check_notebook:
    input:
        source=lambda wc: source_files(CHECK_GROUPS[wc.group]["source"]),
        data=list(COURSE_DATA.values()),
        practical="report/practical.yaml",
        ex1_gd=rules.ex1_gd.output.json,
        ex3_hand=REFERENCE[0],
        ex3_module=REFERENCE[1],
        mnist=MNIST,
        checker=CHECKER_FILES,
        code=code_inputs("check_notebook.py"),
    output:
        json="results/check/{group}/notebooks/{notebook}.json",
    params:
        source=lambda wc: CHECK_GROUPS[wc.group]["source"],
        notebook=lambda wc: CHECK_GROUPS[wc.group]["notebooks"][wc.notebook],
        course_data=COURSE_DATA,
        ex1=pick(EX1, "feature", "target", "lr"),
        settings=CHECK,
    threads: 1
    resources:
        mem_mb=CHECK_MEM_MB,
        runtime=-(-CHECK["limits"]["wall_s"] // 60) + TIER["mnist"]["runtime"],
    log:
        "results/logs/check_notebook/{group}/{notebook}.log",
    benchmark:
        "results/benchmarks/check_notebook/{group}/{notebook}.tsv"
    conda:
        ENV
    script:
        "../scripts/check_notebook.py"


rule check_group:
    input:
        notebooks=lambda wc: expand(rules.check_notebook.output.json, group=wc.group,
                                    notebook=CHECK_GROUPS[wc.group]["notebooks"]),
        code=code_inputs("check_group.py"),
    output:
        json="results/check/{group}/report.json",
        html="results/check/{group}/report.html",
    params:
        source=lambda wc: CHECK_GROUPS[wc.group]["source"],
        parts_exercises=CHECK["parts_exercises"],
    resources:
        **TIER["light"],
    log:
        "results/logs/check_group/{group}.log",
    benchmark:
        "results/benchmarks/check_group/{group}.tsv"
    conda:
        ENV
    script:
        "../scripts/check_group.py"


rule check_summary:
    input:
        reports=expand(rules.check_group.output.json, group=CLASS),
        code=code_inputs("check_summary.py"),
    output:
        csv="results/check/summary.csv",
    resources:
        **TIER["light"],
    log:
        "results/logs/check_summary.log",
    benchmark:
        "results/benchmarks/check_summary.tsv"
    conda:
        ENV
    script:
        "../scripts/check_summary.py"


rule check_self:
    input:
        report="results/check/_self/report.json",
        code=code_inputs("check_self.py"),
    output:
        stamp="results/check/_self/passed.txt",
    resources:
        **TIER["light"],
    log:
        "results/logs/check_self.log",
    benchmark:
        "results/benchmarks/check_self.tsv"
    conda:
        ENV
    script:
        "../scripts/check_self.py"
