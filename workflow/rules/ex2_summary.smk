# Exercise 2: the summary the sheet quotes, and the figures (which read results only).
FIG2 = "results/ex2/figures"


rule ex2_summary:
    input:
        prepared=PREPARED[1],
        dummy=rules.ex2_dummy.output.json,
        gd=f"results/ex2/gd/lr_{EX2['lr']}.json",
        lr_study=expand(rules.ex2_gd.output.json, lr=EX2["lr_study"]),
        optimum=rules.ex2_optimum.output.json,
        lr_range=rules.ex2_lr_range.output.json,
        code=pkg(),
    output:
        json="results/ex2/summary.json",
    resources:
        **res("light"),
    log:
        "results/logs/ex2/summary.log",
    benchmark:
        "results/benchmarks/ex2/summary.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex2_summary.py"


rule ex2_figure:
    input:
        summary=rules.ex2_summary.output.json,
        gd=rules.ex2_summary.input.gd,
        lr_study=rules.ex2_summary.input.lr_study,
        lr_range=rules.ex2_lr_range.output.json,
        code=pkg("plotting"),
    output:
        png=f"{FIG2}/{{figure}}.png",
    params:
        style=plot_params(),
    wildcard_constraints:
        figure="training|lr_study|lr_range|weights",
    resources:
        **res("light"),
    log:
        "results/logs/ex2/fig_{figure}.log",
    benchmark:
        "results/benchmarks/ex2/fig_{figure}.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/plot_ex2.py"
