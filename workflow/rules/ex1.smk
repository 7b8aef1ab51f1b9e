# Exercise 1: linear regression by the normal equations and by full-batch GD with the hand-written gradient.
EX1 = config["ex1"]


rule ex1_data:
    input:
        user_csv=[EX1["data"]["csv"]] if EX1["data"]["csv"] else [],
        code=code_inputs("ex1_data.py"),
    output:
        csv=LINREG_CSV,
    params:
        data=EX1["data"],
        seed=config["seed"],
    resources:
        **TIER["light"],
    log:
        "results/logs/ex1_data.log",
    benchmark:
        "results/benchmarks/ex1_data.tsv"
    conda:
        ENV
    script:
        "../scripts/ex1_data.py"


rule ex1_closed_form:
    input:
        csv=LINREG_CSV,
        code=code_inputs("ex1_closed_form.py"),
    output:
        json="results/ex1/closed_form.json",
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
        csv=LINREG_CSV,
        closed_form=rules.ex1_closed_form.output.json,
        code=code_inputs("ex1_gd.py"),
    output:
        json="results/ex1/gd/lr_{lr}.json",
    params:
        run=pick(EX1, "epochs", "theta0", "divergence_factor"),
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex1_gd/lr_{lr}.log",
    benchmark:
        "results/benchmarks/ex1_gd/lr_{lr}.tsv"
    conda:
        ENV
    script:
        "../scripts/ex1_gd.py"


rule ex1_max_lr:
    input:
        csv=LINREG_CSV,
        closed_form=rules.ex1_closed_form.output.json,
        code=code_inputs("ex1_max_lr.py"),
    output:
        json="results/ex1/max_lr.json",
    params:
        max_lr=EX1["max_lr"],
        run=pick(EX1, "epochs", "theta0", "divergence_factor"),
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


rule ex1_conditioning:
    input:
        csv=LINREG_CSV,
        code=code_inputs("ex1_conditioning.py"),
    output:
        json="results/ex1/conditioning/scale_{scale}.json",
    params:
        study=pick(EX1["conditioning"], "lr_fraction", "max_epochs"),
        tol=EX1["tol"],
        theta0=EX1["theta0"],
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex1_conditioning/scale_{scale}.log",
    benchmark:
        "results/benchmarks/ex1_conditioning/scale_{scale}.tsv"
    conda:
        ENV
    script:
        "../scripts/ex1_conditioning.py"


rule ex1_summary:
    input:
        closed_form=rules.ex1_closed_form.output.json,
        gd=expand(rules.ex1_gd.output.json, lr=num(EX1["lr"])),
        lr_study=expand(rules.ex1_gd.output.json, lr=map(num, EX1["lr_study"])),
        max_lr=rules.ex1_max_lr.output.json,
        conditioning=expand(rules.ex1_conditioning.output.json, scale=map(num, EX1["conditioning"]["scales"])),
        code=code_inputs("ex1_summary.py"),
    output:
        json="results/ex1/summary.json",
    params:
        outcome=config["outcome"],
        tol=EX1["tol"],
        user_csv=bool(EX1["data"]["csv"]),
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
        gd=rules.ex1_summary.input.gd,
        lr_study=rules.ex1_summary.input.lr_study,
        max_lr=rules.ex1_max_lr.output.json,
        closed_form=rules.ex1_closed_form.output.json,
        code=code_inputs("ex1_figures.py"),
    output:
        **figures("ex1"),
    params:
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
