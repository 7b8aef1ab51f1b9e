# Exercise 1: linear regression of the rent on the living area (the week-1 data), by the normal equations and by
# full-batch GD with the hand-written gradient; the learning rates; beyond the questions, what standardising does.
EX1 = config["ex1"]
EX1_CSV = EX1["csv"] or "results/data/raw/lausanne/lausanne-appart.csv"
EX1_DATA = pick(EX1, "feature", "target")
# The main run and the learning-rate study, in one job: each run takes milliseconds.
EX1_RUNS = {"lr": float(num(EX1["lr"])), "lr_study": sorted(float(num(lr)) for lr in EX1["lr_study"])}
EX1_LRS = sorted({EX1_RUNS["lr"], *EX1_RUNS["lr_study"]})


rule ex1_closed_form:
    input:
        csv=EX1_CSV,
        code=code_inputs("ex1_closed_form.py"),
    output:
        json="results/ex1/closed_form.json",
    params:
        **EX1_DATA,
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex1_closed_form.log",
    benchmark:
        "results/benchmarks/ex1_closed_form.tsv"
    conda:
        ENV
    script:
        "../scripts/ex1_closed_form.py"


rule ex1_gd:
    input:
        csv=EX1_CSV,
        closed_form=rules.ex1_closed_form.output.json,
        code=code_inputs("ex1_gd.py"),
    output:
        json="results/ex1/gd.json",
    params:
        **EX1_DATA,
        epochs=EX1["epochs"],
        lrs=EX1_LRS,
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex1_gd.log",
    benchmark:
        "results/benchmarks/ex1_gd.tsv"
    conda:
        ENV
    script:
        "../scripts/ex1_gd.py"


rule ex1_max_lr:
    input:
        csv=EX1_CSV,
        closed_form=rules.ex1_closed_form.output.json,
        code=code_inputs("ex1_max_lr.py"),
    output:
        json="results/ex1/max_lr.json",
    params:
        **EX1_DATA,
        epochs=EX1["epochs"],
        max_lr=EX1["max_lr"],
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex1_max_lr.log",
    benchmark:
        "results/benchmarks/ex1_max_lr.tsv"
    conda:
        ENV
    script:
        "../scripts/ex1_max_lr.py"


rule ex1_scaling:
    input:
        csv=EX1_CSV,
        code=code_inputs("ex1_scaling.py"),
    output:
        json="results/ex1/scaling/{variant}.json",
    params:
        **EX1_DATA,
        tol=EX1["tol"],
        max_epochs=EX1["scaling"]["max_epochs"],
    wildcard_constraints:
        variant="raw|centred|scaled|standardised",
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex1_scaling/{variant}.log",
    benchmark:
        "results/benchmarks/ex1_scaling/{variant}.tsv"
    conda:
        ENV
    script:
        "../scripts/ex1_scaling.py"


rule ex1_summary:
    input:
        closed_form=rules.ex1_closed_form.output.json,
        gd=rules.ex1_gd.output.json,
        max_lr=rules.ex1_max_lr.output.json,
        scaling=expand(rules.ex1_scaling.output.json, variant=EX1["scaling"]["variants"]),
        code=code_inputs("ex1_summary.py"),
    output:
        json="results/ex1/summary.json",
    params:
        outcome=config["outcome"],
        tol=EX1["tol"],
        **EX1_RUNS,
    resources:
        **TIER["light"],
    log:
        "results/logs/ex1_summary.log",
    benchmark:
        "results/benchmarks/ex1_summary.tsv"
    conda:
        ENV
    script:
        "../scripts/ex1_summary.py"


rule ex1_figures:
    input:
        summary=rules.ex1_summary.output.json,
        gd=rules.ex1_gd.output.json,
        closed_form=rules.ex1_closed_form.output.json,
        csv=EX1_CSV,
        code=code_inputs("ex1_figures.py"),
    output:
        **figure_outputs("ex1", "Exercise 1"),
    params:
        **EX1_DATA,
        **EX1_RUNS,
        divergence_factor=config["outcome"]["divergence_factor"],
        zoom_epochs=EX1["zoom_epochs"],
        style=config["plot"],
    resources:
        **TIER["light"],
    log:
        "results/logs/ex1_figures.log",
    benchmark:
        "results/benchmarks/ex1_figures.tsv"
    conda:
        ENV
    script:
        "../scripts/ex1_figures.py"
