# Datasets: fetched (or copied from a mirror), verified by content SHA-256, converted.


rule fetch:
    input:
        code=pkg("data"),
    output:
        data="results/data/raw/{dataset}/{filename}",
    params:
        spec=dataset_file_spec,
        urls=lambda wc: config["data"]["datasets"][wc.dataset]["urls"],
        timeout_s=config["data"]["timeout_s"],
    wildcard_constraints:
        dataset="mnist|spine",
        filename=r"[A-Za-z0-9._-]+",
    resources:
        **res("torch"),
    log:
        "results/logs/fetch/{dataset}/{filename}.log",
    benchmark:
        "results/benchmarks/fetch/{dataset}/{filename}.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/fetch.py"


rule mnist_tensors:
    input:
        files=expand("results/data/raw/mnist/{f}", f=config["data"]["datasets"]["mnist"]["files"]),
        code=pkg("data"),
    output:
        tensors="results/data/mnist.pt",
    resources:
        **res("torch"),
    log:
        "results/logs/mnist_tensors.log",
    benchmark:
        "results/benchmarks/mnist_tensors.tsv"
    conda:
        CONDA_ENV
    script:
        "../../scripts/mnist_tensors.py"
