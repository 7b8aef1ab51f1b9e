# Exercise 2: binary logistic regression on the spine data, by hand-written gradients.
EX2 = config["ex2"]
SPINE_CSV = EX2["csv"] or "results/data/raw/spine/Dataset_spine.csv"
PREPARED = multiext("results/ex2/prepared", ".pt", ".json")


rule ex2_prepare:
    input:
        csv=SPINE_CSV,
        code=pkg("data", "logreg", "linreg"),
    output:
        tensors=PREPARED[0],
        json=PREPARED[1],
    params:
        cfg=canon({k: EX2[k] for k in ("features", "label", "positive_class", "negative_class", "test_fraction")}),
        seed=config["seed"],
    resources:
        **res("torch"),
    log:
        "results/logs/ex2/prepare.log",
    benchmark:
        "results/benchmarks/ex2/prepare.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex2_prepare.py"


rule ex2_dummy:
    input:
        code=pkg("logreg"),
    output:
        json="results/ex2/dummy.json",
    params:
        seed=config["seed"],
    resources:
        **res("torch"),
    log:
        "results/logs/ex2/dummy.log",
    benchmark:
        "results/benchmarks/ex2/dummy.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex2_dummy.py"


rule ex2_gd:
    input:
        tensors=PREPARED[0],
        code=pkg("data", "logreg", "train"),
    output:
        json="results/ex2/gd/lr_{lr}.json",
    params:
        epochs=EX2["epochs"],
        theta0=EX2["theta0"],
        divergence_factor=EX2["divergence_factor"],
    resources:
        **res("torch"),
    log:
        "results/logs/ex2/gd/lr_{lr}.log",
    benchmark:
        "results/benchmarks/ex2/gd/lr_{lr}.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex2_gd.py"


rule ex2_optimum:
    input:
        tensors=PREPARED[0],
        code=pkg("data", "logreg"),
    output:
        json="results/ex2/optimum.json",
    resources:
        **res("torch"),
    log:
        "results/logs/ex2/optimum.log",
    benchmark:
        "results/benchmarks/ex2/optimum.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex2_optimum.py"


rule ex2_lr_range:
    input:
        tensors=PREPARED[0],
        code=pkg("data", "logreg", "train"),
    output:
        json="results/ex2/lr_range.json",
    params:
        cfg=canon(EX2["range_test"]),
        theta0=EX2["theta0"],
        divergence_factor=EX2["divergence_factor"],
    resources:
        **res("torch"),
    log:
        "results/logs/ex2/lr_range.log",
    benchmark:
        "results/benchmarks/ex2/lr_range.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex2_lr_range.py"
