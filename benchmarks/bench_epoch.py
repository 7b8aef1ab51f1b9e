"""Benchmark: one training epoch of gdlab's loop against the textbook PyTorch loop, side by side.

    python benchmarks/bench_epoch.py [--threads 2] [--repeats 3] [--json out.json]

Needs the pipeline's MNIST files (results/data/mnist.pt and results/data/raw/mnist/*.gz).
Both loops train softmax regression (784 -> 10) with SGD, batch 64, lr 0.01, over
all 60 000 training images:

* textbook: torchvision.datasets.MNIST with ToTensor() and Normalize, a DataLoader
  (shuffle=True), nn.Linear, F.cross_entropy, torch.optim.SGD;
* gdlab: the uint8 tensor file, standardised once, gdlab.train.fit with the
  hand-gradient model and with the nn.Module model.

It also times a full-batch epoch against the cost of reading the training matrix
twice from memory (forward and backward each read X once: the floor for that epoch).
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from gdlab.data import load_tensors
from gdlab.softmax import SoftmaxModuleModel, SoftmaxRegressionGD, init_params
from gdlab.train import epoch_batches

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, repeats: int) -> float:
    """Median wall-clock seconds of ``repeats`` calls (after one untimed warm-up)."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def textbook_epoch(root: Path, batch: int, lr: float):
    import torchvision
    from torchvision import transforms

    ds = torchvision.datasets.MNIST(str(root), train=True, download=False, transform=transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]))
    loader = torch.utils.data.DataLoader(ds, batch_size=batch, shuffle=True)
    model = torch.nn.Linear(784, 10)
    opt = torch.optim.SGD(model.parameters(), lr=lr)

    def run():
        for x, y in loader:
            opt.zero_grad()
            F.cross_entropy(model(x.view(-1, 784)), y).backward()
            opt.step()

    return run


def gdlab_epoch(X, y, impl: str, batch: int | None, lr: float):
    W, b = init_params(784, 10, 0.01, seed=0)
    model = SoftmaxRegressionGD(W, b) if impl == "manual" else SoftmaxModuleModel(W, b)
    gen = torch.Generator().manual_seed(0)

    def run():
        for Xb, yb in epoch_batches(X, y, batch, gen):
            model.step(Xb, yb, lr)

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--results", type=Path, default=ROOT / "results")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    t = load_tensors(args.results / "data" / "mnist.pt")
    X = t["train_images"].reshape(60000, -1).float() / 255
    X = (X - X.mean()) / X.std()
    y = t["train_labels"]
    out = {"threads": args.threads, "repeats": args.repeats, "batch": 64, "images": len(y)}

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "MNIST" / "raw"
        raw.mkdir(parents=True)
        for gz in (args.results / "data" / "raw" / "mnist").glob("*.gz"):
            with gzip.open(gz) as src, open(raw / gz.stem, "wb") as dst:
                shutil.copyfileobj(src, dst)
        out["textbook_s"] = timed(textbook_epoch(Path(tmp), 64, 0.01), max(1, args.repeats - 1))
    out["gdlab_manual_s"] = timed(gdlab_epoch(X, y, "manual", 64, 0.01), args.repeats)
    out["gdlab_module_s"] = timed(gdlab_epoch(X, y, "module", 64, 0.01), args.repeats)
    out["speedup_manual"] = out["textbook_s"] / out["gdlab_manual_s"]
    out["speedup_module"] = out["textbook_s"] / out["gdlab_module_s"]

    out["full_batch_epoch_s"] = timed(gdlab_epoch(X, y, "manual", None, 0.1), args.repeats)
    out["read_X_twice_s"] = timed(lambda: (X.sum(), X.sum()), args.repeats)
    out["full_batch_over_read_floor"] = out["full_batch_epoch_s"] / out["read_X_twice_s"]

    print(f"one epoch, batch 64, {len(y)} images, {args.threads} threads (median of {args.repeats}):")
    print(f"  textbook (torchvision MNIST + ToTensor/Normalize + DataLoader + nn.Linear): {out['textbook_s']:8.3f} s")
    print(f"  gdlab, hand gradient:                                           {out['gdlab_manual_s']:8.3f} s"
          f"   {out['speedup_manual']:6.1f}x faster")
    print(f"  gdlab, nn.Module + autograd:                                    {out['gdlab_module_s']:8.3f} s"
          f"   {out['speedup_module']:6.1f}x faster")
    print(f"full-batch epoch {out['full_batch_epoch_s'] * 1e3:.1f} ms vs reading X twice "
          f"{out['read_X_twice_s'] * 1e3:.1f} ms: {out['full_batch_over_read_floor']:.1f}x the memory floor")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
