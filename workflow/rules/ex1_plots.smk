# Exercise 1 figures: each reads results only, so restyling never retrains.
FIG1 = "results/ex1/figures"


rule ex1_fig_convergence:
    input:
        gd=rules.ex1_summary.input.gd,
        code=pkg("plotting"),
    output:
        png=f"{FIG1}/convergence.png",
    params:
        style=plot_params(),
    resources:
        **res("light"),
    log:
        "results/logs/ex1/fig_convergence.log",
    benchmark:
        "results/benchmarks/ex1/fig_convergence.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/plot_ex1_convergence.py"


rule ex1_fig_lr_study:
    input:
        runs=rules.ex1_summary.input.lr_study,
        code=pkg("plotting"),
    output:
        png=f"{FIG1}/lr_study.png",
    params:
        style=plot_params(),
    resources:
        **res("light"),
    log:
        "results/logs/ex1/fig_lr_study.log",
    benchmark:
        "results/benchmarks/ex1/fig_lr_study.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/plot_ex1_lr_study.py"


rule ex1_fig_max_lr:
    input:
        max_lr=rules.ex1_max_lr.output.json,
        code=pkg("plotting"),
    output:
        png=f"{FIG1}/max_lr.png",
    params:
        style=plot_params(),
    resources:
        **res("light"),
    log:
        "results/logs/ex1/fig_max_lr.log",
    benchmark:
        "results/benchmarks/ex1/fig_max_lr.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/plot_ex1_max_lr.py"


rule ex1_fig_contours:
    input:
        csv=LINREG_CSV,
        closed_form=rules.ex1_closed_form.output.json,
        runs=rules.ex1_summary.input.lr_study,
        code=pkg("plotting", "data", "linreg"),
    output:
        png=f"{FIG1}/contours.png",
    params:
        style=plot_params(),
    resources:
        **res("torch"),
    log:
        "results/logs/ex1/fig_contours.log",
    benchmark:
        "results/benchmarks/ex1/fig_contours.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/plot_ex1_contours.py"


rule ex1_fig_conditioning:
    input:
        summary=rules.ex1_summary.output.json,
        code=pkg("plotting"),
    output:
        png=f"{FIG1}/conditioning.png",
    params:
        style=plot_params(),
    resources:
        **res("light"),
    log:
        "results/logs/ex1/fig_conditioning.log",
    benchmark:
        "results/benchmarks/ex1/fig_conditioning.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/plot_ex1_conditioning.py"
