# Exercise 3: softmax regression on MNIST — the course's test by hand and as an nn.Module, the study of learning rate
# × batch size (one job per point, every seed inside it), an isolated timing, the favourite.
EX3 = config["ex3"]
GRID = EX3["grid"]
REF = EX3["reference"]
# The course's test from its own start, by hand and with the nn.Module; by hand once more from small weights.
REFERENCE = expand("results/ex3/reference/{impl}_std_{std}.json", zip, impl=["hand", "module", "hand"],
                   std=[num(REF["init_std"]), num(REF["init_std"]), num(EX3["init_std"])])
POINTS = expand("results/ex3/points/lr_{lr}_bs_{bs}.json", lr=map(num, GRID["lrs"]), bs=GRID["batch_sizes"])
DIVERGENCE = config["outcome"]["divergence_factor"]
EX3_NOTEBOOK = "pw02_softmax_classification"  # the notebook that trains the study again


rule ex3_reference:
    input:
        mnist=MNIST,
        code=code_inputs("ex3_reference.py"),
    output:
        json="results/ex3/reference/{impl}_std_{std}.json",
    params:
        run=pick(REF, "lr", "nbatch", "nepochs"),
        seed=config["seed"],
    wildcard_constraints:
        impl="hand|module",
        std=r"[0-9.e+-]+",
    threads: EX3["threads"]
    resources:
        **TIER["mnist"],
    log:
        "results/logs/ex3_reference/{impl}_std_{std}.log",
    benchmark:
        "results/benchmarks/ex3_reference/{impl}_std_{std}.tsv"
    conda:
        ENV
    script:
        "../scripts/ex3_reference.py"


rule ex3_point:
    input:
        mnist=MNIST,
        code=code_inputs("ex3_point.py"),
    output:
        json="results/ex3/points/lr_{lr}_bs_{bs}.json",
        weights="results/ex3/points/lr_{lr}_bs_{bs}.npz",
    params:
        grid=pick(GRID, "seeds", "epochs", "schedule"),
        init_std=EX3["init_std"],
        divergence_factor=DIVERGENCE,
    threads: EX3["threads"]
    priority: 10  # the study is the longest chain: the grid, the MNIST notebook and the sheet wait for it
    resources:
        **training_resources(len(GRID["seeds"]) * GRID["epochs"]),
    log:
        "results/logs/ex3_point/lr_{lr}_bs_{bs}.log",
    benchmark:
        "results/benchmarks/ex3_point/lr_{lr}_bs_{bs}.tsv"
    conda:
        ENV
    script:
        "../scripts/ex3_point.py"


rule ex3_dummy:
    input:
        code=code_inputs("ex3_dummy.py"),
    output:
        json="results/ex3/dummy.json",
    params:
        seed=config["seed"],
        nbatch=REF["nbatch"],
    resources:
        **TIER["torch"],
    log:
        "results/logs/ex3_dummy.log",
    benchmark:
        "results/benchmarks/ex3_dummy.tsv"
    conda:
        ENV
    script:
        "../scripts/ex3_dummy.py"


rule ex3_timing:
    input:
        mnist=MNIST,
        code=code_inputs("ex3_timing.py"),
    output:
        json="results/ex3/timing.json",
    params:
        # What the sheet compares: the two implementations at the course's batch size, and the grid's extremes.
        batch_sizes=sorted({min(GRID["batch_sizes"]), max(GRID["batch_sizes"]), REF["nbatch"]}),
        reference_batch=REF["nbatch"],
        lr=REF["lr"],
        init_std=EX3["init_std"],
        repeats=EX3["timing"]["repeats"],
        threads=EX3["threads"],
    # The whole machine: nothing else runs while it measures, so its times can be compared. (Without --cores,
    # as on a cluster, the job asks for one core: SLURM then shares the node as its settings say.)
    threads: workflow.resource_settings.cores or 1
    resources:
        **TIER["mnist"],
    log:
        "results/logs/ex3_timing.log",
    benchmark:
        "results/benchmarks/ex3_timing.tsv"
    conda:
        ENV
    script:
        "../scripts/ex3_timing.py"


rule ex3_grid:
    input:
        points=POINTS,
        code=code_inputs("ex3_grid.py"),
    output:
        runs="results/ex3/grid.csv",
        points="results/ex3/points.csv",
    resources:
        **TIER["light"],
    log:
        "results/logs/ex3_grid.log",
    benchmark:
        "results/benchmarks/ex3_grid.tsv"
    conda:
        ENV
    script:
        "../scripts/ex3_grid.py"


# 3 h: the favourite trained until more epochs no longer help (its seeds with the epochs doubled, again and again,
# until a doubling is level), and its first seed once more in float64: does its result depend on rounding?
rule ex3_favourite:
    input:
        mnist=MNIST,
        points=rules.ex3_grid.output.points,
        point_files=POINTS,
        weights=[p.removesuffix(".json") + ".npz" for p in POINTS],
        code=code_inputs("ex3_favourite.py"),
    output:
        json="results/ex3/favourite.json",
        favourite="results/ex3/favourite.npz",
    params:
        grid=pick(GRID, "seeds", "epochs", "schedule"),
        doublings=EX3["favourite"]["doublings"],
        confidence=EX3["favourite"]["confidence"],
        init_std=EX3["init_std"],
        divergence_factor=DIVERGENCE,
    threads: EX3["threads"]
    resources:
        # At most 2 + 4 + … times the study's epochs per seed, and one float64 run (about twice as slow).
        **training_resources(((2 ** (EX3["favourite"]["doublings"] + 1) - 2) * len(GRID["seeds"]) + 2) * GRID["epochs"]),
    log:
        "results/logs/ex3_favourite.log",
    benchmark:
        "results/benchmarks/ex3_favourite.tsv"
    conda:
        ENV
    script:
        "../scripts/ex3_favourite.py"


# The same model fitted by a library, on the same training part: what the favourite's test accuracy is held against.
rule ex3_library:
    input:
        mnist=MNIST,
        code=code_inputs("ex3_library.py"),
    output:
        json="results/ex3/library.json",
    params:
        max_iter=EX3["library"]["max_iter"],
    resources:
        **TIER["mnist"],
    log:
        "results/logs/ex3_library.log",
    benchmark:
        "results/benchmarks/ex3_library.tsv"
    conda:
        ENV
    script:
        "../scripts/ex3_library.py"


# The MNIST notebook trains the whole study itself: its printed table must be the pipeline's, computed from grid.csv.
rule ex3_notebook_check:
    input:
        run=f"results/notebooks/run/{EX3_NOTEBOOK}.ipynb",
        runs=rules.ex3_grid.output.runs,
        code=code_inputs("ex3_notebook_check.py"),
    output:
        json="results/ex3/notebook_check.json",
    resources:
        **TIER["light"],
    log:
        "results/logs/ex3_notebook_check.log",
    benchmark:
        "results/benchmarks/ex3_notebook_check.tsv"
    conda:
        ENV
    script:
        "../scripts/ex3_notebook_check.py"


rule ex3_summary:
    input:
        points=rules.ex3_grid.output.points,
        favourite=rules.ex3_favourite.output.json,
        favourite_model=rules.ex3_favourite.output.favourite,
        library=rules.ex3_library.output.json,
        runs=rules.ex3_grid.output.runs,
        point_files=POINTS,  # the per-epoch curves
        mnist=MNIST,
        reference=REFERENCE,
        timing=rules.ex3_timing.output.json,
        dummy=rules.ex3_dummy.output.json,
        code=code_inputs("ex3_summary.py"),
    output:
        json="results/ex3/summary.json",
    params:
        seeds=GRID["seeds"],
        epochs=GRID["epochs"],
        schedule=GRID["schedule"],
        course_std=REF["init_std"],
        init_std=EX3["init_std"],
        reference_batch=REF["nbatch"],
        val_size=EX3["val_size"],
    resources:
        **TIER["light"],
    log:
        "results/logs/ex3_summary.log",
    benchmark:
        "results/benchmarks/ex3_summary.tsv"
    conda:
        ENV
    script:
        "../scripts/ex3_summary.py"


rule ex3_figures:
    input:
        mnist=MNIST,
        summary=rules.ex3_summary.output.json,
        favourite=rules.ex3_favourite.output.favourite,
        points=rules.ex3_grid.output.points,
        point_files=POINTS,
        reference=REFERENCE,
        code=code_inputs("ex3_figures.py"),
    output:
        **figure_outputs("ex3", "Exercise 3"),
    params:
        style=config["plot"],
        samples=EX3["samples"],
        weights_quantile=EX3["weights_quantile"],
        seed=config["seed"],
    resources:
        **TIER["light"],
    log:
        "results/logs/ex3_figures.log",
    benchmark:
        "results/benchmarks/ex3_figures.tsv"
    conda:
        ENV
    script:
        "../scripts/ex3_figures.py"
