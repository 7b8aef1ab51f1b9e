"""Exercise 3: the training time of an epoch per implementation and batch size, measured with the machine to itself."""

import os

import torch

from gdlab.io import setup_logging, write_json
from gdlab.softmax import epoch_seconds, load_mnist
from gdlab.train import resolve_device

log = setup_logging(snakemake.log[0])
cfg, timing = snakemake.params.train, snakemake.params.timing
torch.set_num_threads(cfg["threads"])  # the threads a training job uses, not the cores this job reserved
device = resolve_device(cfg["device"])
data = load_mnist(snakemake.input.mnist, device)
rows = []
for impl, batch_sizes in (("hand", snakemake.params.batch_sizes), ("module", [snakemake.params.reference_batch])):
    for bs in batch_sizes:
        seconds = epoch_seconds(impl, data["X_train"], data["y_train"], bs, timing["repeats"], cfg["init_std"])
        rows.append({"impl": impl, "batch_size": bs, "epoch_seconds": seconds})
        log.info("%s bs=%d: %.3f s per epoch", impl, bs, seconds)
write_json(snakemake.output.json, {"rows": rows, "threads": cfg["threads"], "cpus": os.cpu_count(),
                                   "repeats": timing["repeats"],
                                   "device": str(device), "n_train": int(data["X_train"].shape[0])})
