# Exercise 3: the summary the sheet quotes, and the figures (which read results only).
FIG3 = "results/ex3/figures"
EX3_FIGURES = ["reference", "learning_curves", "heatmap", "acc_vs_time", "weights", "confusion"]


rule ex3_summary:
    input:
        manual="results/ex3/reference/manual.json",
        module="results/ex3/reference/module.json",
        grid=rules.ex3_grid_table.output.csv,
        favourite=rules.ex3_favourite.output.json,
        code=pkg("grid"),
    output:
        json="results/ex3/summary.json",
    resources:
        **res("light"),
    log:
        "results/logs/ex3/summary.log",
    benchmark:
        "results/benchmarks/ex3/summary.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex3_summary.py"


rule ex3_fig_samples:
    input:
        tensors=MNIST,
        code=pkg("plotting", "data"),
    output:
        png=f"{FIG3}/samples.png",
    params:
        style=plot_params(),
        n=EX3["samples"],
        seed=config["seed"],
    resources:
        **res("torch"),
    log:
        "results/logs/ex3/fig_samples.log",
    benchmark:
        "results/benchmarks/ex3/fig_samples.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/plot_ex3_samples.py"


rule ex3_figure:
    input:
        summary=rules.ex3_summary.output.json,
        manual=rules.ex3_summary.input.manual,
        module=rules.ex3_summary.input.module,
        grid=rules.ex3_grid_table.output.csv,
        model=rules.ex3_favourite.output.model,
        code=pkg("plotting", "data", "grid"),
    output:
        png=f"{FIG3}/{{figure}}.png",
    params:
        style=plot_params(),
    wildcard_constraints:
        figure="|".join(EX3_FIGURES),
    resources:
        **res("torch"),
    log:
        "results/logs/ex3/fig_{figure}.log",
    benchmark:
        "results/benchmarks/ex3/fig_{figure}.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/plot_ex3.py"
