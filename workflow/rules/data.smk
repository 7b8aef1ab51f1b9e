# Datasets: fetched (or copied from a mirror), verified by content SHA-256, prepared once for every job.


rule fetch:
    input:
        code=code_inputs("fetch.py"),
    output:
        data="results/data/raw/{dataset}/{filename}",
    params:
        spec=lambda wc: config["data"]["datasets"][wc.dataset]["files"][wc.filename],
        urls=lambda wc: config["data"]["datasets"][wc.dataset]["urls"],
        timeout_s=config["data"]["timeout_s"],
    wildcard_constraints:
        dataset="|".join(config["data"]["datasets"]),
        filename=r"[A-Za-z0-9._-]+",
    priority: 10  # every chain starts here, the longest (MNIST's) too: never left behind the other exercises' jobs
    resources:
        **TIER["light"],
    log:
        "results/logs/fetch/{dataset}/{filename}.log",
    benchmark:
        "results/benchmarks/fetch/{dataset}/{filename}.tsv"
    conda:
        ENV
    script:
        "../scripts/fetch.py"


rule mnist_prepare:
    input:
        files=expand("results/data/raw/mnist/{f}", f=config["data"]["datasets"]["mnist"]["files"]),
        code=code_inputs("mnist_prepare.py"),
    output:
        arrays=directory(MNIST),
    params:
        val_size=config["ex3"]["val_size"],
        seed=config["seed"],
    priority: 10  # the study and the MNIST notebook wait for it
    resources:
        **TIER["mnist"],
    log:
        "results/logs/mnist_prepare.log",
    benchmark:
        "results/benchmarks/mnist_prepare.tsv"
    conda:
        ENV
    script:
        "../scripts/mnist_prepare.py"
