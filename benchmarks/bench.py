"""The speed of gdlab, measured side by side in one run on this machine (`make bench`).

    python benchmarks/bench.py [--cores 4] [--threads 2] [--json results/bench.json]

Needs the data mirror (GDLAB_DATA_MIRROR or ../shared/data) and about six minutes. In a fresh copy of the
project (the checkout's own results/ are not touched) it measures:

1. the full build of config/config.yaml from scratch (venv present, data from the mirror) with
   `snakemake --cores N`, and per rule: jobs, median wall time, and what process start + imports cost
   (the rule's script imports, timed alone) against the rest — the work;
2. a no-op rebuild and a prose-only rebuild (one sentence of report/answers/ex1.md.j2 edited);
3. the overfitting run of Exercise 4 alone (200 images x 3000 full-batch epochs, test cost every epoch);
4. the favourite of Exercise 3 against scikit-learn's LogisticRegression (lbfgs, defaults) on the same
   standardised split and the same threads: training time and test accuracy;
5. one epoch of gdlab's loop against the textbook PyTorch loop (torchvision MNIST + DataLoader), and a
   full-batch epoch against reading the training matrix twice (the memory floor of that epoch);
6. scaling: the grid part of the build at 4, 16 and 64 points (1 epoch each): seconds per point.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import copy_project, data_mirror  # noqa: E402  (the tests' own project copy)

SNAKEMAKE = [sys.executable, "-m", "snakemake"]


def snakemake(work: Path, *args: str, configfile: str | None = None) -> float:
    """Run snakemake in ``work``; return its wall-clock seconds (it must succeed)."""
    cmd = [*SNAKEMAKE, *args, "--quiet"] + (["--configfile", configfile] if configfile else [])
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"snakemake {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def import_seconds(script: Path, repeats: int = 3) -> float:
    """Process start plus the imports of a workflow script: what each of its jobs pays before any work."""
    tree = ast.parse(script.read_text())
    imports = "\n".join(ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)))
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return median_time(lambda: subprocess.run([sys.executable, "-c", imports], check=True, env=env, cwd=ROOT), repeats)


def per_rule(work: Path) -> list[dict]:
    from gdlab.report import per_rule_benchmarks

    rows = per_rule_benchmarks(work / "results" / "benchmarks")
    for r in rows:
        script = ROOT / "workflow" / "scripts" / f"{r['rule']}.py"
        r["imports_s"] = import_seconds(script) if script.exists() else None
    return rows


def build_section(work: Path, cores: int) -> dict:
    out = {"build_s": snakemake(work, "--cores", str(cores))}
    out["rules"] = per_rule(work)
    out["jobs"] = sum(r["jobs"] for r in out["rules"])
    out["noop_s"] = snakemake(work, "--cores", str(cores))
    template = work / "report" / "answers" / "ex1.md.j2"
    template.write_text(template.read_text().replace("**The normal equations.**", "**The normal equations, edited.**"))
    out["prose_s"] = snakemake(work, "--cores", str(cores))
    return out


def overfit_section(work: Path, cores: int) -> dict:
    wall = snakemake(work, "--cores", str(cores), "--forcerun", "ex4_overfit", "results/ex4/overfit.json")
    from gdlab.report import read_benchmark

    _, seconds = read_benchmark(work / "results" / "benchmarks" / "ex4_overfit.tsv")
    return {"overfit_job_s": seconds, "overfit_snakemake_s": wall}


def favourite_section(work: Path, threads: int) -> dict:
    """The favourite's training against scikit-learn's, same data, same threads, one after the other."""
    import numpy as np
    import torch
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    from gdlab.io import load_array_dir, read_json
    from gdlab.softmax import evaluate, init_params, make_model
    from gdlab.train import fit, schedule

    torch.set_num_threads(threads)
    data = load_array_dir(work / "results" / "data" / "mnist")
    summary = read_json(work / "results" / "ex3" / "summary.json")
    fav, seed = summary["favourite"], summary["grid_seeds"][0]
    X, y = torch.from_numpy(data["X_train"]), torch.from_numpy(data["y_train"])
    W, b = init_params(X.shape[1], 10, 0.01, seed)
    model = make_model(fav["impl"], W, b)
    t0 = time.perf_counter()
    fit(model, X, y, epochs=fav["epochs"], lr=schedule(fav["schedule"], fav["lr"]), batch_size=fav["batch_size"],
        generator=torch.Generator().manual_seed(seed), metrics=lambda m: {"loss": 0.0})
    ours_s = time.perf_counter() - t0
    _, ours_acc = evaluate(model, torch.from_numpy(data["X_test"]), torch.from_numpy(data["y_test"]))

    with threadpool_limits(threads):
        t0 = time.perf_counter()
        clf = LogisticRegression().fit(data["X_train"], data["y_train"])
        sk_s = time.perf_counter() - t0
    sk_acc = float(np.mean(clf.predict(data["X_test"]) == data["y_test"]))
    return {"favourite": {k: fav[k] for k in ("schedule", "lr", "batch_size", "epochs")}, "seed": seed,
            "favourite_s": ours_s, "favourite_test_accuracy": ours_acc,
            "sklearn_s": sk_s, "sklearn_test_accuracy": sk_acc, "sklearn_iterations": int(clf.n_iter_.max()),
            "time_ratio": ours_s / sk_s}


def epoch_section(work: Path, threads: int, repeats: int) -> dict:
    """One epoch (batch 64, lr 0.01, all 60 000 training images) of the textbook loop and of gdlab's, and a
    full-batch epoch against reading the training matrix twice."""
    import numpy as np
    import torch
    import torch.nn.functional as F
    import torchvision
    from torchvision import transforms

    from gdlab.io import load_array_dir
    from gdlab.softmax import init_params, make_model
    from gdlab.train import epoch_batches

    torch.set_num_threads(threads)
    d = load_array_dir(work / "results" / "data" / "mnist")
    X = torch.from_numpy(np.concatenate([d["X_train"], d["X_val"]]))
    y = torch.from_numpy(np.concatenate([d["y_train"], d["y_val"]]))

    def ours(impl, batch, lr):
        model = make_model(impl, *init_params(784, 10, 0.01, seed=0))
        gen = torch.Generator().manual_seed(0)
        out = (torch.empty_like(X), torch.empty_like(y))

        def run():
            for Xb, yb in epoch_batches(X, y, batch, gen, out):
                model.step(Xb, yb, lr)

        run()  # warm-up
        return median_time(run, repeats)

    out = {"threads": threads, "repeats": repeats, "images": len(y)}
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "MNIST" / "raw"
        raw.mkdir(parents=True)
        for gz in (work / "results" / "data" / "raw" / "mnist").glob("*.gz"):
            with gzip.open(gz) as src, open(raw / gz.stem, "wb") as dst:
                shutil.copyfileobj(src, dst)
        ds = torchvision.datasets.MNIST(tmp, train=True, download=False, transform=transforms.Compose(
            [transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]))
        loader = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True)
        lin = torch.nn.Linear(784, 10)
        opt = torch.optim.SGD(lin.parameters(), lr=0.01)

        def textbook():
            for xb, yb in loader:
                opt.zero_grad()
                F.cross_entropy(lin(xb.view(-1, 784)), yb).backward()
                opt.step()

        out["textbook_s"] = median_time(textbook, 1)
    out["hand_s"] = ours("hand", 64, 0.01)
    out["module_s"] = ours("module", 64, 0.01)
    out["full_batch_s"] = ours("hand", None, 0.1)
    out["read_X_twice_s"] = median_time(lambda: (X.sum(), X.sum()), repeats)
    return out


def scaling_section(work: Path, cores: int) -> list[dict]:
    """Only the grid's training jobs (1 epoch each), at 4, 16 and 64 points: wall seconds per point."""
    shapes = {4: ([0.01, 0.1], [64, 256], [11]), 16: ([0.001, 0.01, 0.1, 1.0], [16, 64, 256, 1024], [12]),
              64: ([0.001, 0.01, 0.1, 1.0], [16, 64, 256, 1024], [13, 14, 15, 16])}
    rows = []
    for points, (lrs, bss, seeds) in shapes.items():
        targets = [f"results/ex3/runs/hand_constant_lr_{lr}_bs_{bs}_epochs_1_seed_{s}.json"
                   for lr in lrs for bs in bss for s in seeds]
        wall = snakemake(work, "--cores", str(cores), *targets)
        rows.append({"points": points, "wall_s": wall, "per_point_s": wall / points})
    return rows


def report(r: dict) -> None:
    cpus = os.cpu_count()
    b = r["build"]
    print(f"\n== gdlab speed, measured on this machine: {cpus} CPUs, snakemake --cores {r['cores']} ==")
    print(f"full build from scratch (default config, {b['jobs']} jobs): {b['build_s']:.0f} s")
    print(f"no-op rebuild: {b['noop_s']:.1f} s    prose-only rebuild: {b['prose_s']:.1f} s")
    print(f"{'rule':18s} {'jobs':>5s} {'median s':>9s} {'start+imports s':>16s} {'work s':>7s}")
    for row in sorted(b["rules"], key=lambda x: -x["total_s"]):
        imp = row["imports_s"]
        work = None if imp is None or row["median_s"] is None else max(0.0, row["median_s"] - imp)
        print(f"{row['rule']:18s} {row['jobs']:5d} {row['median_s']:9.2f} "
              f"{'' if imp is None else f'{imp:16.2f}'} {'' if work is None else f'{work:7.2f}'}")
    o = r["overfit"]
    print(f"overfit run alone (200 images x 3000 epochs, test cost every epoch): {o['overfit_job_s']:.1f} s")
    f = r["favourite"]
    print(f"favourite {f['favourite']} vs scikit-learn LogisticRegression (lbfgs, defaults), {r['threads']} threads:")
    print(f"  favourite: {f['favourite_s']:.2f} s, test accuracy {100 * f['favourite_test_accuracy']:.2f} %")
    print(f"  sklearn:   {f['sklearn_s']:.2f} s, test accuracy {100 * f['sklearn_test_accuracy']:.2f} % "
          f"({f['sklearn_iterations']} iterations)")
    print(f"  time ratio favourite/sklearn: {f['time_ratio']:.3f}")
    e = r["epoch"]
    print(f"one epoch, batch 64, {e['images']} images, {e['threads']} threads: textbook {e['textbook_s']:.2f} s, "
          f"gdlab hand {e['hand_s']:.3f} s ({e['textbook_s'] / e['hand_s']:.0f}x), "
          f"module {e['module_s']:.3f} s ({e['textbook_s'] / e['module_s']:.0f}x)")
    print(f"full-batch epoch {1e3 * e['full_batch_s']:.0f} ms vs reading X twice {1e3 * e['read_X_twice_s']:.0f} ms: "
          f"{e['full_batch_s'] / e['read_X_twice_s']:.1f}x the memory floor")
    print("grid scaling (1 epoch per point): " + ", ".join(
        f"{s['points']} points {s['wall_s']:.0f} s ({s['per_point_s']:.2f} s/point)" for s in r["scaling"]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cores", type=int, default=4, help="snakemake --cores, as the README's make report")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for the side-by-side timings")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    mirror = data_mirror()
    if mirror is None:
        print("no data mirror: set GDLAB_DATA_MIRROR", file=sys.stderr)
        return 2
    os.environ["GDLAB_DATA_MIRROR"] = str(mirror)
    with tempfile.TemporaryDirectory(prefix="gdlab-bench-") as tmp:
        work = copy_project(Path(tmp))
        r = {"cores": args.cores, "threads": args.threads, "cpus": os.cpu_count()}
        r["build"] = build_section(work, args.cores)
        r["overfit"] = overfit_section(work, args.cores)
        r["favourite"] = favourite_section(work, args.threads)
        r["epoch"] = epoch_section(work, args.threads, args.repeats)
        r["scaling"] = scaling_section(work, args.cores)
    report(r)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(r, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
