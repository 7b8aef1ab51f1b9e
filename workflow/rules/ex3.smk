# Exercise 3: softmax regression on MNIST: reference runs, the lr x batch-size grid, the favourite.
EX3 = config["ex3"]
MNIST = "results/data/mnist.pt"
GRID = Paramspace(
    pd.DataFrame([(lr, bs, seed) for lr in EX3["grid"]["lrs"] for bs in EX3["grid"]["batch_sizes"]
                  for seed in EX3["grid"]["seeds"]], columns=["lr", "bs", "seed"]),
    filename_params="*",
    param_sep="_",
)
# seed: the train/validation split (shared by every run); each run has a training seed of its own.
TRAIN = canon({k: EX3[k] for k in ("val_size", "init_std", "device", "divergence_factor")}) | {"seed": config["seed"]}


rule ex3_reference:
    input:
        tensors=MNIST,
        code=pkg("data", "softmax", "train"),
    output:
        json="results/ex3/reference/{impl}.json",
    params:
        train=TRAIN,
        run=lambda wc: canon(EX3["reference"]) | {"impl": wc.impl, "decay": 1.0, "seed": config["seed"]},
    wildcard_constraints:
        impl="manual|module",
    threads: EX3["threads"]
    resources:
        **train_res(EX3["reference"]["epochs"]),
    log:
        "results/logs/ex3/reference/{impl}.log",
    benchmark:
        "results/benchmarks/ex3/reference/{impl}.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex3_train.py"


rule ex3_grid_point:
    input:
        tensors=MNIST,
        code=pkg("data", "softmax", "train"),
    output:
        json=f"results/ex3/grid/{GRID.wildcard_pattern}.json",
    params:
        train=TRAIN,
        run=lambda wc: {"impl": EX3["grid"]["impl"], "lr": float(wc.lr), "batch_size": int(wc.bs),
                        "epochs": EX3["grid"]["epochs"], "decay": 1.0, "seed": int(wc.seed)},
    threads: EX3["threads"]
    resources:
        **train_res(EX3["grid"]["epochs"]),
    log:
        f"results/logs/ex3/grid/{GRID.wildcard_pattern}.log",
    benchmark:
        f"results/benchmarks/ex3/grid/{GRID.wildcard_pattern}.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex3_train.py"


rule ex3_grid_table:
    input:
        runs=expand("results/ex3/grid/{point}.json", point=GRID.instance_patterns),
        code=pkg(),
    output:
        csv="results/ex3/grid.csv",
    resources:
        **res("light"),
    log:
        "results/logs/ex3/grid_table.log",
    benchmark:
        "results/benchmarks/ex3/grid_table.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex3_grid_table.py"


rule ex3_favourite:
    input:
        tensors=MNIST,
        grid=rules.ex3_grid_table.output.csv,
        code=pkg("data", "grid", "softmax", "train"),
    output:
        json="results/ex3/favourite.json",
        model="results/ex3/favourite_model.pt",
    params:
        train=TRAIN,
        fav=canon(EX3["favourite"]),
        impl=EX3["grid"]["impl"],
    threads: EX3["threads"]
    resources:
        **train_res(EX3["favourite"]["epochs"]),
    log:
        "results/logs/ex3/favourite.log",
    benchmark:
        "results/benchmarks/ex3/favourite.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/ex3_favourite.py"
