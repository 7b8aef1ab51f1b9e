# Exercise 3: softmax regression on MNIST — the reference runs, the learning-rate × batch-size grid,
# the candidates for a favourite, an isolated timing, and the favourite.
EX3 = config["ex3"]
GRID, FAV = EX3["grid"], EX3["favourite"]
REFERENCE = [setting(impl, "constant", EX3["reference"]["lr"], EX3["reference"]["batch_size"],
                     EX3["reference"]["epochs"], config["seed"]) for impl in ("hand", "module")]
GRID_RUNS = [setting(GRID["impl"], "constant", lr, bs, GRID["epochs"], seed)
             for lr in GRID["lrs"] for bs in GRID["batch_sizes"] for seed in GRID["seeds"]]
CANDIDATE_RUNS = [setting(GRID["impl"], c["schedule"], c["lr"], c["batch_size"], c["epochs"], seed)
                  for c in FAV["candidates"] for seed in GRID["seeds"]]


rule ex3_run:
    input:
        mnist=MNIST,
        code=code_inputs("ex3_run.py"),
    output:
        json=f"{RUN}.json",
        weights=f"{RUN}.npz",
    params:
        train=pick(EX3, "init_std", "device", "divergence_factor"),
    wildcard_constraints:
        impl="hand|module",
        schedule="constant|linear",
    threads: EX3["threads"]
    resources:
        **training_resources(max(GRID["epochs"], EX3["reference"]["epochs"], *[c["epochs"] for c in FAV["candidates"]])),
    log:
        f"results/logs/ex3_run/{RUN_NAME}.log",
    benchmark:
        f"results/benchmarks/ex3_run/{RUN_NAME}.tsv"
    conda:
        ENV
    script:
        "../scripts/ex3_run.py"


rule ex3_dummy:
    input:
        code=code_inputs("ex3_dummy.py"),
    output:
        json="results/ex3/dummy.json",
    params:
        seed=config["seed"],
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
        timing=EX3["timing"],
        batch_sizes=sorted({int(r["bs"]) for r in GRID_RUNS + CANDIDATE_RUNS + REFERENCE}),
        reference_batch=EX3["reference"]["batch_size"],
        train=pick(EX3, "init_std", "device", "threads"),
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


rule ex3_tables:
    input:
        grid=runs(GRID_RUNS),
        candidates=runs(CANDIDATE_RUNS),
        code=code_inputs("ex3_tables.py"),
    output:
        epochs="results/ex3/epochs.csv",
        runs="results/ex3/runs.csv",
        settings="results/ex3/settings.csv",
    params:
        n_train=MNIST_TRAIN_IMAGES - EX3["val_size"],
        summary_epochs=GRID["summary_epochs"],
        outcome=config["outcome"],
    resources:
        **TIER["light"],
    log:
        "results/logs/ex3_tables.log",
    benchmark:
        "results/benchmarks/ex3_tables.tsv"
    conda:
        ENV
    script:
        "../scripts/ex3_tables.py"


rule ex3_summary:
    input:
        settings=rules.ex3_tables.output.settings,
        runs=runs(GRID_RUNS + CANDIDATE_RUNS),
        weights=[p.removesuffix(".json") + ".npz" for p in runs(GRID_RUNS + CANDIDATE_RUNS)],
        reference=runs(REFERENCE),
        timing=rules.ex3_timing.output.json,
        dummy=rules.ex3_dummy.output.json,
        code=code_inputs("ex3_summary.py"),
    output:
        json="results/ex3/summary.json",
        favourite="results/ex3/favourite.npz",
    params:
        grid=pick(GRID, "impl", "seeds", "epochs"),
        val_tolerance=FAV["val_tolerance"],
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
        favourite=rules.ex3_summary.output.favourite,
        epochs=rules.ex3_tables.output.epochs,
        settings=rules.ex3_tables.output.settings,
        reference=runs(REFERENCE),
        code=code_inputs("ex3_figures.py"),
    output:
        **figures("ex3"),
    params:
        style=config["plot"],
        samples=EX3["samples"],
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
