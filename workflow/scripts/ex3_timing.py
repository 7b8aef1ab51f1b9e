"""Exercise 3: the training time of an epoch per implementation and batch size, measured with the machine to itself."""

import os

import torch

from gdlab.io import setup_logging, write_json
from gdlab.softmax import NeuralNetwork, epoch_seconds, hand_step, init_params, load_mnist, module_step

log = setup_logging(snakemake.log[0])
p = snakemake.params
torch.set_num_threads(p.threads)  # the threads a training job uses, not the cores this job reserved
d = load_mnist(snakemake.input.mnist)
X, Y = d["X_fit"], d["y_fit"]


def step(impl):
    if impl == "module":
        return module_step(NeuralNetwork(), p.lr)
    return hand_step(*init_params(0, p.init_std), p.lr)


rows = []
for impl, sizes in (("hand", p.batch_sizes), ("module", [p.reference_batch])):
    for nbatch in sizes:
        seconds = epoch_seconds(step(impl), X, Y, nbatch, p.repeats)
        rows.append({"impl": impl, "batch_size": nbatch, "epoch_seconds": seconds})
        log.info("%s nbatch=%d: %.3f s per epoch", impl, nbatch, seconds)
write_json(snakemake.output.json, {"rows": rows, "threads": p.threads, "cpus": os.cpu_count(), "repeats": p.repeats,
                                   "n_train": len(Y)})
