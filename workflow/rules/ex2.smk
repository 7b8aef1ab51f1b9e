# Exercise 2: binary logistic regression on the spine data, by hand-written gradients.
EX2 = config["ex2"]
PREPARED = {"arrays": "results/ex2/prepared.npz", "json": "results/ex2/prepared.json"}


rule ex2_prepare:
    input:
        csv=EX2["csv"] or SPINE_RAW,
        code=code_inputs("ex2_prepare.py"),
    output:
        **PREPARED,
    params:
        data=pick(EX2, "features", "drop_features", "rank_rtol", "label", "positive_class", "negative_class",
                  "test_fraction"),
        seed=config["seed"],
    resources:
        **TIER["light"],
    log:
        "results/logs/ex2_prepare.log",
    benchmark:
        "results/benchmarks/ex2_prepare.tsv"
    conda:
        ENV
    script:
        "../scripts/ex2_prepare.py"


rule ex2_dummy:
    input:
        code=code_inputs("ex2_dummy.py"),
    output:
        json="results/ex2/dummy.json",
    params:
        seed=config["seed"],
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex2_dummy.log",
    benchmark:
        "results/benchmarks/ex2_dummy.tsv"
    conda:
        ENV
    script:
        "../scripts/ex2_dummy.py"


rule ex2_gd:
    input:
        arrays=PREPARED["arrays"],
        code=code_inputs("ex2_gd.py"),
    output:
        json="results/ex2/gd/lr_{lr}.json",
    params:
        run=pick(EX2, "epochs", "theta0", "divergence_factor"),
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex2_gd/lr_{lr}.log",
    benchmark:
        "results/benchmarks/ex2_gd/lr_{lr}.tsv"
    conda:
        ENV
    script:
        "../scripts/ex2_gd.py"


rule ex2_optimum:
    input:
        arrays=PREPARED["arrays"],
        code=code_inputs("ex2_optimum.py"),
    output:
        json="results/ex2/optimum.json",
    params:
        run=pick(EX2, "epochs", "theta0", "lr"),
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex2_optimum.log",
    benchmark:
        "results/benchmarks/ex2_optimum.tsv"
    conda:
        ENV
    script:
        "../scripts/ex2_optimum.py"


rule ex2_lr_range:
    input:
        arrays=PREPARED["arrays"],
        code=code_inputs("ex2_lr_range.py"),
    output:
        json="results/ex2/lr_range.json",
    params:
        range_test=EX2["range_test"],
        run=pick(EX2, "theta0", "divergence_factor"),
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex2_lr_range.log",
    benchmark:
        "results/benchmarks/ex2_lr_range.tsv"
    conda:
        ENV
    script:
        "../scripts/ex2_lr_range.py"


rule ex2_summary:
    input:
        prepared=PREPARED["json"],
        dummy=rules.ex2_dummy.output.json,
        gd=expand(rules.ex2_gd.output.json, lr=num(EX2["lr"])),
        lr_study=expand(rules.ex2_gd.output.json, lr=map(num, EX2["lr_study"])),
        optimum=rules.ex2_optimum.output.json,
        lr_range=rules.ex2_lr_range.output.json,
        code=code_inputs("ex2_summary.py"),
    output:
        json="results/ex2/summary.json",
    params:
        outcome=config["outcome"],
    resources:
        **TIER["light"],
    log:
        "results/logs/ex2_summary.log",
    benchmark:
        "results/benchmarks/ex2_summary.tsv"
    conda:
        ENV
    script:
        "../scripts/ex2_summary.py"


rule ex2_figures:
    input:
        summary=rules.ex2_summary.output.json,
        gd=rules.ex2_summary.input.gd,
        lr_study=rules.ex2_summary.input.lr_study,
        lr_range=rules.ex2_lr_range.output.json,
        code=code_inputs("ex2_figures.py"),
    output:
        **figures("ex2"),
    params:
        style=config["plot"],
    resources:
        **TIER["light"],
    log:
        "results/logs/ex2_figures.log",
    benchmark:
        "results/benchmarks/ex2_figures.tsv"
    conda:
        ENV
    script:
        "../scripts/ex2_figures.py"
