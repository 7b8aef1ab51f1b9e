# Exercise 1: the largest stable learning rate (theory vs bisection), the conditioning study, the summary.

rule ex1_max_lr:
    input:
        csv=LINREG_CSV,
        closed_form=rules.ex1_closed_form.output.json,
        code=pkg("data", "linreg", "train"),
    output:
        json="results/ex1/max_lr.json",
    params:
        max_lr=canon(EX1["max_lr"]),
        epochs=EX1["epochs"],
        theta0=EX1["theta0"],
        divergence_factor=EX1["divergence_factor"],
    resources:
        **res("torch"),
    log:
        "results/logs/ex1/max_lr.log",
    benchmark:
        "results/benchmarks/ex1/max_lr.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex1_max_lr.py"


rule ex1_conditioning:
    input:
        csv=LINREG_CSV,
        code=pkg("data", "linreg", "train"),
    output:
        json="results/ex1/conditioning/scale_{scale}.json",
    params:
        cfg=canon(EX1["conditioning"]),
        theta0=EX1["theta0"],
    resources:
        **res("torch"),
    log:
        "results/logs/ex1/conditioning/scale_{scale}.log",
    benchmark:
        "results/benchmarks/ex1/conditioning/scale_{scale}.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex1_conditioning.py"


rule ex1_summary:
    input:
        closed_form=rules.ex1_closed_form.output.json,
        gd=f"results/ex1/gd/lr_{EX1['lr']}.json",
        lr_study=expand(rules.ex1_gd.output.json, lr=EX1["lr_study"]),
        max_lr=rules.ex1_max_lr.output.json,
        conditioning=expand(rules.ex1_conditioning.output.json, scale=EX1["conditioning"]["scales"]),
        code=pkg(),
    output:
        json="results/ex1/summary.json",
    resources:
        **res("light"),
    log:
        "results/logs/ex1/summary.log",
    benchmark:
        "results/benchmarks/ex1/summary.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex1_summary.py"
