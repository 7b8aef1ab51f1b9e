# Exercise 1: linear regression by normal equations and by hand-gradient GD.
EX1 = config["ex1"]
LINREG_CSV = "results/data/linreg.csv"


rule ex1_data:
    input:
        user_csv=[EX1["data"]["csv"]] if EX1["data"]["csv"] else [],
        code=pkg("data"),
    output:
        csv=LINREG_CSV,
    params:
        data=canon(EX1["data"]),
        seed=config["seed"],
    resources:
        **res("torch"),
    log:
        "results/logs/ex1/data.log",
    benchmark:
        "results/benchmarks/ex1/data.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex1_data.py"


rule ex1_closed_form:
    input:
        csv=LINREG_CSV,
        code=pkg("data", "linreg"),
    output:
        json="results/ex1/closed_form.json",
    resources:
        **res("torch"),
    log:
        "results/logs/ex1/closed_form.log",
    benchmark:
        "results/benchmarks/ex1/closed_form.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex1_closed_form.py"


rule ex1_gd:
    input:
        csv=LINREG_CSV,
        closed_form=rules.ex1_closed_form.output.json,
        code=pkg("data", "linreg", "train"),
    output:
        json="results/ex1/gd/lr_{lr}.json",
    params:
        epochs=EX1["epochs"],
        theta0=EX1["theta0"],
        divergence_factor=EX1["divergence_factor"],
    resources:
        **res("torch"),
    log:
        "results/logs/ex1/gd/lr_{lr}.log",
    benchmark:
        "results/benchmarks/ex1/gd/lr_{lr}.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex1_gd.py"
