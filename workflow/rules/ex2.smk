# Exercise 2: binary logistic regression on the spine data with hand-written gradients — the course's way (all
# 310 patients, 12 standardised features), then the additions (a held-out part, the redundant feature).
EX2 = config["ex2"]
EX2_CSV = EX2["csv"] or SPINE_RAW
PREPARED = {"arrays": "results/ex2/prepared.npz", "json": "results/ex2/prepared.json"}
# The main run and the learning-rate study, in one job: each run takes a fraction of a second.
EX2_RUNS = {"lr": float(num(EX2["lr"])), "lr_study": sorted(float(num(lr)) for lr in EX2["lr_study"])}
EX2_LRS = sorted({EX2_RUNS["lr"], *EX2_RUNS["lr_study"]})


rule ex2_prepare:
    input:
        csv=EX2_CSV,
        code=code_inputs("ex2_prepare.py"),
    output:
        **PREPARED,
    params:
        data=pick(EX2, "features", "label", "positive_class", "negative_class"),
        additions=EX2["additions"],
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
        arrays=PREPARED["arrays"],
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
        json="results/ex2/gd.json",
    params:
        epochs=EX2["epochs"],
        lrs=EX2_LRS,
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex2_gd.log",
    benchmark:
        "results/benchmarks/ex2_gd.tsv"
    conda:
        ENV
    script:
        "../scripts/ex2_gd.py"


rule ex2_optimum:
    input:
        arrays=PREPARED["arrays"],
        gd=rules.ex2_gd.output.json,
        code=code_inputs("ex2_optimum.py"),
    output:
        json="results/ex2/optimum.json",
    params:
        lr=EX2_RUNS["lr"],
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
        epochs=EX2["epochs"],  # the pick runs as long as the study's runs
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


rule ex2_additions:
    input:
        arrays=PREPARED["arrays"],
        code=code_inputs("ex2_additions.py"),
    output:
        json="results/ex2/additions.json",
    params:
        lr=EX2["lr"],
        epochs=EX2["epochs"],
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex2_additions.log",
    benchmark:
        "results/benchmarks/ex2_additions.tsv"
    conda:
        ENV
    script:
        "../scripts/ex2_additions.py"


rule ex2_summary:
    input:
        prepared=PREPARED["json"],
        dummy=rules.ex2_dummy.output.json,
        gd=rules.ex2_gd.output.json,
        optimum=rules.ex2_optimum.output.json,
        lr_range=rules.ex2_lr_range.output.json,
        additions=rules.ex2_additions.output.json,
        code=code_inputs("ex2_summary.py"),
    output:
        json="results/ex2/summary.json",
    params:
        outcome=config["outcome"],
        near_minimum=config["ex2"]["near_minimum"],
        confidence=config["ex2"]["additions"]["confidence"],
        **EX2_RUNS,
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
        gd=rules.ex2_gd.output.json,
        lr_range=rules.ex2_lr_range.output.json,
        additions=rules.ex2_additions.output.json,
        code=code_inputs("ex2_figures.py"),
    output:
        **figure_outputs("ex2", "Exercise 2"),
    params:
        **EX2_RUNS,
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
