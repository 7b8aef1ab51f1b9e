"""Exercise 4 e: full-batch softmax regression on a small training set for many epochs, with the test cost and
error after every epoch — with the true labels, or with a share of them replaced by random ones — once per seed."""

import torch

from gdlab.io import setup_logging, write_json
from gdlab.softmax import SpanEvaluation, common_rate, full_batch_subset, init_params, load_mnist, metrics

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
run, p = snakemake.params.run, snakemake.params
noise = float(snakemake.wildcards.noise)
d = load_mnist(snakemake.input.mnist)
n = run["n_train"]
X = d["X_fit"][:n]
lr = common_rate(X, [n], run["lr_fraction"])
runs = []
for seed in run["seeds"]:  # each draws the random labels and the start anew
    Y = d["y_fit"][:n].clone()
    gen = torch.Generator().manual_seed(seed)
    flip = torch.rand(n, generator=gen) < noise  # these labels are replaced by random ones (possibly the true one again)
    Y[flip] = torch.randint(0, 10, (int(flip.sum()),), generator=gen)
    test = SpanEvaluation(X, d["X_test"], d["y_test"], init_params(seed, p.init_std)[0])
    W, b, history = full_batch_subset(X, Y, n, run["epochs"], lr, p.init_std, seed,
                                      evaluate=lambda W, b: metrics(X, Y, W, b) + test(W, b))
    runs.append({"label_noise": noise, "seed": seed, "labels_changed": int((Y != d["y_fit"][:n]).sum()),
                 **{k: [h[i] for h in history] for i, k in enumerate(("train_cost", "train_accuracy", "test_cost",
                                                                     "test_accuracy"))}})
    log.info("noise %g, seed %d: final train cost %.4g, test cost %.4g, test accuracy %.4f", noise, seed,
             history[-1][0], history[-1][2], history[-1][3])
write_json(snakemake.output.json, {"n_train": n, "epochs": run["epochs"], "lr": lr, "label_noise": noise, "runs": runs})
