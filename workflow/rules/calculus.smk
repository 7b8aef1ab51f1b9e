# Exercise 6: the calculus checked by sympy, and the review figures (they read results only).

rule calculus:
    input:
        code=pkg("calculus"),
    output:
        json="results/calculus/derivations.json",
    resources:
        **res("light"),
    log:
        "results/logs/calculus/derivations.log",
    benchmark:
        "results/benchmarks/calculus/derivations.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/calculus.py"


rule review_figure:
    input:
        overfit=rules.ex4_overfit.output.json,
        data_size=expand(rules.ex4_data_size.output.json, n=EX4["data_size"]["sizes"]),
        derivations=rules.calculus.output.json,
        code=pkg("plotting", "calculus"),
    output:
        png="results/review/figures/{figure}.png",
    params:
        style=plot_params(),
    wildcard_constraints:
        figure="overfit|data_size|sigmoid|softplus|c1",
    resources:
        **res("light"),
    log:
        "results/logs/review/fig_{figure}.log",
    benchmark:
        "results/benchmarks/review/fig_{figure}.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/plot_review.py"
