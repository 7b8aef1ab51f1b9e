# What the answer sheet needs beyond the exercises: review numbers, checked claims, the appendix.


rule review_summary:
    input:
        overfit=rules.ex4_overfit.output.json,
        data_size=rules.review_figure.input.data_size,
        ex5=rules.ex5_optimal_step.output.json,
        code=pkg(),
    output:
        json="results/review/summary.json",
    resources:
        **res("light"),
    log:
        "results/logs/review/summary.log",
    benchmark:
        "results/benchmarks/review/summary.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/review_summary.py"


rule claims:
    input:
        ex1=rules.ex1_summary.output.json,
        ex2=rules.ex2_summary.output.json,
        ex3=rules.ex3_summary.output.json,
        review=rules.review_summary.output.json,
        calculus=rules.calculus.output.json,
        code=pkg("claims"),
    output:
        json="results/report/claims.json",
    params:
        claims=canon(config["claims"]),
    resources:
        **res("light"),
    log:
        "results/logs/report/claims.log",
    benchmark:
        "results/benchmarks/report/claims.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/claims.py"


rule report_appendix:
    input:
        claims=rules.claims.output.json,
        figures=lambda wc: rules.report_markdown.input.figures,
        code=pkg("report"),
    output:
        json="results/report/appendix.json",
    params:
        commit=git_commit(),
        packages=pinned_packages(),
        datasets=canon(config["data"]["datasets"]),
        config=canon(config),
        benchmarks="results/benchmarks",
    resources:
        **res("light"),
    log:
        "results/logs/report/appendix.log",
    benchmark:
        "results/benchmarks/report/appendix.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/report_appendix.py"
