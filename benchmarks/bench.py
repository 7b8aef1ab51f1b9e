"""The speed of gdlab, measured side by side in one run on this machine (`make bench`).

    python benchmarks/bench.py [--cores all] [--threads 2] [--json results/bench.json]

Needs the data mirror (GDLAB_DATA_MIRROR or ../shared/data) and about ten minutes (bubblewrap for section 6). In a fresh copy of the
project (the checkout's own results/ are not touched) it measures:

1. the full build of config/config.yaml from scratch (venv present, data from the mirror) with
   `snakemake --cores N`, then Snakemake's report; per rule: jobs, median wall time, and what process start +
   imports cost (the rule's script imports, timed alone) against the rest — the work;
2. a no-op rebuild and a prose-only rebuild (one sentence of report/answers/ex1.md.j2 edited);
3. each notebook of the hand-in executed from the unzipped submission.zip;
4. the favourite of Exercise 3 against scikit-learn's LogisticRegression (lbfgs, defaults) on the same training
   part and the same threads: training time and test accuracy;
5. one epoch of the notebooks' loop (hand step, nn.Module) against the textbook PyTorch loop (torchvision MNIST
   + DataLoader);
6. the teaching assistants' checker (make check) on a class of 30 hand-ins made from the submission by fault
   injection (gdlab.check.faults: the correct one and each fault, in turn): the class's wall time, each group's
   check time, the sandboxed check of each notebook against running it with plain nbclient (section 3), and
   whether every fault was named in its group's report and nowhere else.
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


def build_section(work: Path, cores: str) -> dict:
    """The full build from scratch (and Snakemake's report, as make report writes it), a no-op, a prose edit."""
    out = {"build_s": snakemake(work, "--cores", cores)}
    out["report_s"] = snakemake(work, "--report", "results/report/provenance.html")
    out["rules"] = per_rule(work)
    out["jobs"] = sum(r["jobs"] for r in out["rules"])
    out["noop_s"] = snakemake(work, "--cores", cores)
    template = work / "report" / "answers" / "ex1.md.j2"
    text = template.read_text()
    assert "solved as a linear system" in text
    template.write_text(text.replace("solved as a linear system", "solved as a linear system (edited)"))
    out["prose_s"] = snakemake(work, "--cores", cores)
    return out


def notebook_section(work: Path) -> dict:
    """Each notebook of the hand-in executed from the unzipped submission.zip (nbclient, kernel python3): seconds."""
    import zipfile

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(work / "results" / "submission.zip") as z:
            z.extractall(tmp)
        (folder,) = [p for p in Path(tmp).iterdir() if p.is_dir()]
        runner = ("import sys, nbformat\nfrom nbclient import NotebookClient\n"
                  "nb = nbformat.read(sys.argv[1], as_version=4)\n"
                  "NotebookClient(nb, kernel_name='python3', timeout=600).execute()\n")
        for nb in sorted(folder.glob("*.ipynb")):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", runner, nb.name], cwd=folder, check=True, capture_output=True)
            out[nb.stem] = time.perf_counter() - t0
    return out


def favourite_section(work: Path, threads: int) -> dict:
    """The favourite's training (its rate, batch size and epochs, the first seed) against scikit-learn's
    LogisticRegression on the same training part, same threads, one after the other."""
    import numpy as np
    import torch

    from gdlab.gd import train
    from gdlab.io import load_array_dir, read_json
    from gdlab.softmax import decaying_step, hand_step, init_params, library_model, metrics

    torch.set_num_threads(threads)
    data = load_array_dir(work / "results" / "data" / "mnist")
    summary = read_json(work / "results" / "ex3" / "summary.json")
    fav, seed = summary["favourite"], summary["seeds"][0]
    X, y = torch.from_numpy(data["X_fit"]), torch.from_numpy(data["y_fit"])
    W, b = init_params(seed, 0.01)
    epochs, nbatch = int(fav["trained"]["epochs"]), int(fav["batch_size"])  # the epochs it keeps (3 h)
    # The study's schedule: the rate falls linearly to 0 over the run's steps, or stays constant.
    step = (decaying_step(W, b, fav["lr"], epochs * -(-len(y) // nbatch)) if summary["schedule"] == "linear"
            else hand_step(W, b, fav["lr"]))
    t0 = time.perf_counter()
    train(step, X, y, epochs, nbatch, seed, lambda: None)
    ours_s = time.perf_counter() - t0
    _, ours_acc = metrics(torch.from_numpy(data["X_test"]), torch.from_numpy(data["y_test"]), W, b)
    t0 = time.perf_counter()
    clf = library_model(data["X_fit"], data["y_fit"], summary["library"]["max_iter"], threads)
    sk_s = time.perf_counter() - t0
    sk_acc = float(np.mean(clf.predict(data["X_test"]) == data["y_test"]))
    return {"favourite": {k: fav[k] for k in ("lr", "batch_size")} | {"epochs": epochs, "schedule": summary["schedule"]},
            "seed": seed,
            "favourite_s": ours_s, "favourite_test_accuracy": ours_acc,
            "sklearn_s": sk_s, "sklearn_test_accuracy": sk_acc, "sklearn_iterations": int(clf.n_iter_.max()),
            "time_ratio": ours_s / sk_s}


def epoch_section(work: Path, threads: int, repeats: int) -> dict:
    """One epoch (batch 64, lr 0.01, all 60 000 training images): the textbook loop (torchvision's MNIST through
    a DataLoader, nn.Linear, SGD) against the notebooks' loop `train` with the hand step and with the module."""
    import torch
    import torch.nn.functional as F
    import torchvision
    from torchvision import transforms

    from gdlab.gd import train
    from gdlab.io import load_array_dir
    from gdlab.softmax import NeuralNetwork, hand_step, init_params, module_step

    torch.set_num_threads(threads)
    d = load_array_dir(work / "results" / "data" / "mnist")
    X, y = torch.from_numpy(d["X_train"]), torch.from_numpy(d["y_train"])

    def ours(step):
        def run():
            train(step, X, y, 1, 64, 0, lambda: None)

        run()  # warm-up
        return median_time(run, repeats)

    out = {"threads": threads, "repeats": repeats, "images": len(y)}
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "MNIST" / "raw"
        raw.mkdir(parents=True)
        for gz in (work / "results" / "data" / "raw" / "mnist").glob("*.gz"):
            with gzip.open(gz) as src, open(raw / gz.stem, "wb") as dst:
                shutil.copyfileobj(src, dst)
        ds = torchvision.datasets.MNIST(tmp, train=True, download=False, transform=transforms.ToTensor())
        loader = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True)
        lin = torch.nn.Linear(784, 10)
        opt = torch.optim.SGD(lin.parameters(), lr=0.01)

        def textbook():
            for xb, yb in loader:
                opt.zero_grad()
                F.cross_entropy(lin(xb.view(-1, 784)), yb).backward()
                opt.step()

        out["textbook_s"] = median_time(textbook, 1)
    out["hand_s"] = ours(hand_step(*init_params(0, 0.01), 0.01))
    out["module_s"] = ours(module_step(NeuralNetwork(), 0.01))
    return out


def check_section(work: Path, cores: str, groups: int) -> dict:
    """make check on a class of ``groups`` hand-ins: the correct submission and each fault of gdlab.check.faults in
    turn (a fault met twice is the same notebook twice: the second is checked from the cache, as two groups
    handing in the same notebook would be)."""
    import csv

    from gdlab.check import faults

    handins = work / "class"
    handins.mkdir()
    kinds = [None, *faults.FAULTS]
    names = {}
    for i in range(groups):
        fault = kinds[i % len(kinds)]
        name = f"G{i + 1:02d}_{fault.name if fault else 'Correct'}"
        faults.build(work / "results" / "submission.zip", fault, handins, name)
        names[name] = fault
    seconds = snakemake(work, "--cores", cores, "results/check/summary.csv", "--config", f"handins={handins}")
    root = work / "results" / "check"
    reports = {g: json.loads((root / g / "report.json").read_text()) for g in names}
    clean = reports[next(g for g, f in names.items() if f is None)]
    as_expected = sum(faults.new_items(reports[g], clean) == [] if f is None
                      else faults.unexplained(f, faults.new_items(reports[g], clean)) == ([], [])
                      for g, f in names.items())
    job_s, distinct = {}, 0
    for g in names:
        total = 0.0
        for tsv in (work / "results" / "benchmarks" / "check_notebook" / g).glob("*.tsv"):
            with tsv.open() as f:
                total += float(next(csv.DictReader(f, delimiter="\t"))["s"])
        job_s[g] = total
        distinct += sum(not json.loads(p.read_text()).get("cached") for p in (root / g / "notebooks").glob("*.json"))
    runs = {}  # digest -> seconds of the job that ran it (the others copied it from the cache)
    for g in names:
        for p in (root / g / "notebooks").glob("*.json"):
            r = json.loads(p.read_text())
            if not r.get("cached"):
                with (work / "results" / "benchmarks" / "check_notebook" / g / f"{p.stem}.tsv").open() as fh:
                    runs[r["digest"]] = float(next(csv.DictReader(fh, delimiter="\t"))["s"])
    correct = next(g for g, f in names.items() if f is None)
    per_notebook = {p.stem: runs.get(json.loads(p.read_text())["digest"])  # the correct hand-in's, where it ran
                    for p in sorted((root / correct / "notebooks").glob("*.json"))}
    return {"groups": groups, "class_s": seconds, "per_group_s": seconds / groups,
            "group_job_s_median": statistics.median(job_s.values()), "group_job_s_max": max(job_s.values()),
            "first_group_notebooks_s": per_notebook, "notebook_runs": distinct,
            "notebooks": sum(len(r["notebooks"]) for r in reports.values()), "as_expected": as_expected}


def report(r: dict) -> None:
    cpus = os.cpu_count()
    b = r["build"]
    print(f"\n== gdlab speed, measured on this machine: {cpus} CPUs, snakemake --cores {r['cores']} ==")
    print(f"full build from scratch (default config, {b['jobs']} jobs): {b['build_s']:.0f} s, "
          f"then Snakemake's report {b['report_s']:.1f} s")
    print(f"no-op rebuild: {b['noop_s']:.1f} s    prose-only rebuild: {b['prose_s']:.1f} s")
    print(f"{'rule':18s} {'jobs':>5s} {'median s':>9s} {'start+imports s':>16s} {'work s':>7s}")
    for row in sorted(b["rules"], key=lambda x: -x["total_s"]):
        imp = row["imports_s"]
        work = None if imp is None or row["median_s"] is None else max(0.0, row["median_s"] - imp)
        print(f"{row['rule']:18s} {row['jobs']:5d} {row['median_s']:9.2f} "
              f"{'' if imp is None else f'{imp:16.2f}'} {'' if work is None else f'{work:7.2f}'}")
    print("notebooks run from the unzipped hand-in: " + ", ".join(f"{k} {v:.1f} s" for k, v in r["notebooks"].items()))
    f = r["favourite"]
    print(f"favourite {f['favourite']} vs scikit-learn LogisticRegression (lbfgs, defaults), {r['threads']} threads:")
    print(f"  favourite: {f['favourite_s']:.2f} s, test accuracy {100 * f['favourite_test_accuracy']:.2f} %")
    print(f"  sklearn:   {f['sklearn_s']:.2f} s, test accuracy {100 * f['sklearn_test_accuracy']:.2f} % "
          f"({f['sklearn_iterations']} iterations)")
    print(f"  time ratio favourite/sklearn: {f['time_ratio']:.3f}")
    e = r["epoch"]
    print(f"one epoch, batch 64, {e['images']} images, {e['threads']} threads: textbook {e['textbook_s']:.2f} s, "
          f"train + hand_step {e['hand_s']:.3f} s ({e['textbook_s'] / e['hand_s']:.0f}x), "
          f"train + module_step {e['module_s']:.3f} s ({e['textbook_s'] / e['module_s']:.0f}x)")
    c = r.get("check")
    if c:
        print(f"make check, a class of {c['groups']} fault-injected hand-ins: {c['class_s']:.0f} s "
              f"({c['per_group_s']:.1f} s per group); {c['notebook_runs']} of {c['notebooks']} notebooks run in the "
              f"sandbox, the rest from the cache; a group's check jobs: median {c['group_job_s_median']:.1f} s, "
              f"at most {c['group_job_s_max']:.1f} s; reports as expected: {c['as_expected']}/{c['groups']}")
        print("  the correct hand-in, each notebook checked (sandbox, kernel, probe) against plain nbclient: "
              + ", ".join(f"{k} {float('nan') if v is None else v:.1f} s vs "
                          f"{r['notebooks'].get(k, float('nan')):.1f} s" for k, v in c["first_group_notebooks_s"].items()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cores", default="all", help="snakemake --cores, as the README's make report")
    # One thread, as the study trains (config ex3.threads): on two, tiny batches only make the threads wait.
    ap.add_argument("--threads", type=int, default=1, help="threads for the side-by-side timings")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--groups", type=int, default=30, help="the class make check is timed on")
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
        r["notebooks"] = notebook_section(work)
        r["favourite"] = favourite_section(work, args.threads)
        r["epoch"] = epoch_section(work, args.threads, args.repeats)
        if shutil.which("bwrap"):
            r["check"] = check_section(work, args.cores, args.groups)
    report(r)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(r, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
