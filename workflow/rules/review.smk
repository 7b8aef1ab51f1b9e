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
    resources:
        **res("mnist"),
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
    resources:
        **res("mnist"),
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
    resources:
        **res("torch"),
    log:
        "results/logs/ex5/optimal_step.log",
    benchmark:
        "results/benchmarks/ex5/optimal_step.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex5_optimal_step.py"
