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
    log:
        "results/logs/ex1/gd/lr_{lr}.log",
    benchmark:
        "results/benchmarks/ex1/gd/lr_{lr}.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex1_gd.py"


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
    log:
        "results/logs/ex1/summary.log",
    benchmark:
        "results/benchmarks/ex1/summary.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex1_summary.py"
