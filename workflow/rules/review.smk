# Exercises 4-6: evidence for the review answers, the reading summary's numbers, the calculus.
EX4 = config["ex4"]


rule ex4_overfit:
    input:
        tensors=MNIST,
        code=pkg("data", "softmax", "train"),
    output:
        json="results/ex4/overfit.json",
    params:
        cfg=canon(EX4["overfit"]),
        train=TRAIN,
        per_epoch=True,
    threads: EX3["threads"]
    log:
        "results/logs/ex4/overfit.log",
    benchmark:
        "results/benchmarks/ex4/overfit.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex4_subset_run.py"


rule ex4_data_size:
    input:
        tensors=MNIST,
        code=pkg("data", "softmax", "train"),
    output:
        json="results/ex4/data_size/n_{n}.json",
    params:
        cfg=lambda wc: canon(EX4["data_size"]) | {"n_train": int(wc.n)},
        train=TRAIN,
        per_epoch=False,
    wildcard_constraints:
        n=r"[0-9]+",
    threads: EX3["threads"]
    log:
        "results/logs/ex4/data_size/n_{n}.log",
    benchmark:
        "results/benchmarks/ex4/data_size/n_{n}.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex4_subset_run.py"


rule ex5_optimal_step:
    input:
        csv=LINREG_CSV,
        closed_form=rules.ex1_closed_form.output.json,
        code=pkg("data", "linreg"),
    output:
        json="results/ex5/optimal_step.json",
    params:
        theta0=EX1["theta0"],
        cfg=canon(EX1["conditioning"]),
    log:
        "results/logs/ex5/optimal_step.log",
    benchmark:
        "results/benchmarks/ex5/optimal_step.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex5_optimal_step.py"


rule calculus:
    input:
        code=pkg("calculus"),
    output:
        json="results/calculus/derivations.json",
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
    log:
        "results/logs/review/fig_{figure}.log",
    benchmark:
        "results/benchmarks/review/fig_{figure}.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/plot_review.py"
