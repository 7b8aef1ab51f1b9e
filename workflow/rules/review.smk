# Exercises 4-6: evidence for the review answers (4), the reading summary's numbers (5), the calculus (6).
EX4, EX6 = config["ex4"], config["ex6"]


rule ex4_overfit:
    input:
        mnist=MNIST,
        code=code_inputs("ex4_overfit.py"),
    output:
        json="results/ex4/overfit/noise_{noise}.json",
    params:
        run=pick(EX4["overfit"], "n_train", "epochs", "lr_fraction", "seeds"),  # every seed inside the job
        init_std=config["ex3"]["init_std"],
    threads: EX4["threads"]
    resources:
        **TIER["mnist"],
    log:
        "results/logs/ex4_overfit/noise_{noise}.log",
    benchmark:
        "results/benchmarks/ex4_overfit/noise_{noise}.tsv"
    conda:
        ENV
    script:
        "../scripts/ex4_overfit.py"


rule ex4_data_size:
    input:
        mnist=MNIST,
        code=code_inputs("ex4_data_size.py"),
    output:
        json="results/ex4/data_size/n_{n}.json",
    params:
        run=pick(EX4["data_size"], "epochs", "lr_fraction", "sizes"),
        init_std=config["ex3"]["init_std"],
        seed=config["seed"],
    threads: 1
    resources:
        **TIER["mnist"],
    log:
        "results/logs/ex4_data_size/n_{n}.log",
    benchmark:
        "results/benchmarks/ex4_data_size/n_{n}.tsv"
    conda:
        ENV
    script:
        "../scripts/ex4_data_size.py"


rule ex5_optimal_step:
    input:
        csv=EX1_CSV,
        code=code_inputs("ex5_optimal_step.py"),
    output:
        json="results/ex5/optimal_step.json",
    params:
        **EX1_DATA,
        variant=config["ex5"]["variant"],
        max_epochs=config["ex1"]["scaling"]["max_epochs"],
        tol=config["ex1"]["tol"],
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex5_optimal_step.log",
    benchmark:
        "results/benchmarks/ex5_optimal_step.tsv"
    conda:
        ENV
    script:
        "../scripts/ex5_optimal_step.py"


rule calculus:
    input:
        code=code_inputs("calculus.py"),
    output:
        json="results/ex6/calculus.json",
    params:
        c1_descent=EX6["c1_descent"],
    resources:
        **TIER["light"],
    log:
        "results/logs/calculus.log",
    benchmark:
        "results/benchmarks/calculus.tsv"
    conda:
        ENV
    script:
        "../scripts/calculus.py"


rule review_summary:
    input:
        overfit=expand(rules.ex4_overfit.output.json, noise=map(num, EX4["overfit"]["label_noise"])),
        data_size=expand(rules.ex4_data_size.output.json, n=EX4["data_size"]["sizes"]),
        ex5=rules.ex5_optimal_step.output.json,
        calculus=rules.calculus.output.json,
        code=code_inputs("review_summary.py"),
    output:
        json="results/review/summary.json",
    params:
        stuck_fraction=config["ex6"]["c1_descent"]["stuck_fraction"],
    resources:
        **TIER["light"],
    log:
        "results/logs/review_summary.log",
    benchmark:
        "results/benchmarks/review_summary.tsv"
    conda:
        ENV
    script:
        "../scripts/review_summary.py"


rule review_figures:
    input:
        overfit=rules.review_summary.input.overfit,
        summary=rules.review_summary.output.json,
        calculus=rules.calculus.output.json,
        code=code_inputs("review_figures.py"),
    output:
        **figure_outputs("review", "Exercises 4-6"),
    params:
        style=config["plot"],
    resources:
        **TIER["light"],
    log:
        "results/logs/review_figures.log",
    benchmark:
        "results/benchmarks/review_figures.tsv"
    conda:
        ENV
    script:
        "../scripts/review_figures.py"
