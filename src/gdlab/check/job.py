"""One job of ``make check``: one notebook of one group, staged, run in the sandbox, probed and judged.

The result (a dict, written as the job's JSON) holds the run (time, each failing cell with its exception and line,
whether the sandbox killed it), the course functions' findings, the prescribed runs' outcomes, the printed numbers
that changed on the rerun, the Markdown numbers no output prints, and which parts have an answer cell. Two
notebooks with the same digest (the notebook, the data beside it, the checker and its settings) are checked once:
the second job copies the first one's result from the cache.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from . import evidence, sandbox
from .handins import digest, stage, supply

# course and outcome (torch, numpy, nbformat) are imported where a notebook is checked, not where a cached check is
# copied: most jobs of a class whose groups share notebooks are that.

HERE = Path(__file__).resolve().parent
CHECKER_FILES = ("runner.py", "probe.py", "course.py", "evidence.py", "outcome.py", "job.py", "sandbox.py",
                 "handins.py")
INSIDE = "/handin/folder"  # the same path for every group: what a notebook prints of its folder is no difference


def checker_version() -> str:
    return "".join((HERE / name).read_text() for name in CHECKER_FILES)


def check_notebook(*, source: str, notebook: str, practical: dict, data: dict[str, str], settings: dict,
                   references: dict, cache: Path | None, work: Path) -> dict:
    """Check ``notebook`` (its path inside the group's folder) of the group whose zip or folder is ``source``."""
    work.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=work, prefix="job."))
    try:
        folder = tmp / "folder"
        try:
            stage(source, folder, settings["max_handin_mb"] * 2**20, settings["max_handin_files"])
        except Exception as exc:  # noqa: BLE001 (a broken or hostile zip is a finding, not a crash of the class)
            return {"notebook": notebook, "staged": False, "error": f"could not unpack the hand-in: {exc}"}
        supplied = supply(folder, data)
        key = digest(folder, notebook, checker_version() + json.dumps(settings, sort_keys=True)
                     + json.dumps(references, sort_keys=True))
        cached = cache / f"{key}.json" if cache else None
        if cached is not None and cached.is_file():
            result = json.loads(cached.read_text())
            result["cached"] = True
            result["supplied"] = supplied
            return result
        result = _check(folder, notebook, practical, settings, references, tmp)
        result["supplied"] = supplied
        result["digest"] = key
        if cached is not None:
            cache.mkdir(parents=True, exist_ok=True)
            part = cached.with_suffix(f".{tmp.name}.part")
            part.write_text(json.dumps(result))
            part.replace(cached)
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def make_probe_spec(ex, settings: dict, out: str) -> tuple[dict, dict]:
    """What the probe calls and collects for exercise ``ex`` (None: nothing but the run), and the inputs it uses."""
    import numpy as np

    from . import course, outcome

    given = course.inputs(ex, settings["seed"], settings["inputs"]) if ex else {}
    spec = {
        "inputs": {k: course._entry(v, numpy=isinstance(v, np.ndarray)) for k, v in given.items()},
        "calls": course.calls(ex) if ex else [],
        "course_functions": list(ex.functions) if ex else [],
        "reference_source": course.reference_source(ex) if ex else "",
        "candidate_shapes": outcome.CANDIDATE_SHAPES.get(ex.number, []) if ex else [],
        "curves": bool(ex) and ex.number in outcome.CURVES, "max_candidates": settings["max_candidates"],
        "max_numbers": settings["max_numbers"], "call_timeout_s": settings["call_timeout_s"], "out": out,
    }
    return spec, given


def run_in_sandbox(folder: Path, notebook: str, settings: dict, probe_spec: dict, tmp: Path):
    """Run ``notebook`` of the staged ``folder`` and then the probe in the sandbox; what came back, each read with a
    cap on its size and never trusted: (sandbox outcome, the runner's result, the executed notebook, the probe's
    JSON) — None where nothing (valid) came back."""
    specs, out = tmp / "specs", tmp / "out"
    specs.mkdir()
    (specs / "probe_spec.json").write_text(json.dumps(probe_spec))
    limits = sandbox.Limits.from_config(settings["limits"])
    (specs / "spec.json").write_text(json.dumps({
        "notebook": f"{INSIDE}/{notebook}", "cwd": INSIDE, "probe": "/checker/probe.py",
        "probe_spec": "/checker/probe_spec.json", "executed": "/out/executed.ipynb", "result": "/out/result.json",
        "cell_timeout_s": settings["cell_timeout_s"], "probe_timeout_s": settings["probe_timeout_s"],
        "startup_timeout_s": settings["startup_timeout_s"], "max_cell_output": settings["max_cell_output"],
        "max_total_output": settings["max_total_output"]}))
    uid = sandbox.job_uid(settings["uid_base"], settings["uid_span"], str(tmp))
    cmd = sandbox.command(handin=folder, out=out, inside=INSIDE, limits=limits, uid=uid,
                          checker={"runner.py": HERE / "runner.py", "probe.py": HERE / "probe.py",
                                   "spec.json": specs / "spec.json", "probe_spec.json": specs / "probe_spec.json"},
                          argv=[sys.executable, "/checker/runner.py", "/checker/spec.json"])
    run = sandbox.run(cmd, out, uid, limits)
    cap = settings["max_result_mb"] * 2**20
    runner, rerun, probe = (_read_json(out / name, cap) for name in ("result.json", "executed.ipynb", "probe.json"))
    return run, runner, rerun, probe


def _valid_runner(r: dict) -> bool:
    """The runner's result has the runner's form: a list of cells with an index, seconds and an error or none."""
    def cell_ok(c):
        err = c.get("error") if isinstance(c, dict) else None
        return (isinstance(c, dict) and isinstance(c.get("index"), int) and isinstance(c.get("seconds", 0.0), (int, float))
                and (err is None or isinstance(err, dict) and isinstance(err.get("exception"), str)
                     and isinstance(err.get("message"), str) and isinstance(err.get("line"), (int, type(None)))))
    return isinstance(r.get("cells"), list) and all(cell_ok(c) for c in r["cells"]) and isinstance(
        r.get("seconds", 0.0), (int, float))


def _read_json(path: Path, max_bytes: int):
    raw = sandbox.read_capped(path, max_bytes)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _read_notebook(path: Path, max_bytes: int):
    raw = sandbox.read_capped(path, max_bytes)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None


def _check(folder: Path, notebook: str, practical: dict, settings: dict, references: dict, tmp: Path) -> dict:
    import nbformat

    from . import course
    result: dict = {"notebook": notebook, "staged": True}
    stored = _read_notebook(folder / notebook, settings["max_notebook_mb"] * 2**20)
    if stored is None:
        return result | {"error": f"{notebook}: not a readable notebook (JSON, at most {settings['max_notebook_mb']} MB)"}
    try:
        nbformat.validate(nbformat.from_dict(stored), relax_add_props=True)
    except Exception as exc:  # noqa: BLE001 (nbformat raises several kinds)
        return result | {"error": f"{notebook}: not a valid notebook ({str(exc).splitlines()[0][:200]})"}
    exercises = course.exercises(practical)
    which = course.identify(Path(notebook).stem, stored, exercises)
    ex = exercises.get(which) if which else None
    result["exercise"] = ex.number if ex else None

    probe_spec, given = make_probe_spec(ex, settings, "/out/probe.json")
    run, runner, rerun, probe = run_in_sandbox(folder, notebook, settings, probe_spec, tmp)
    if runner is not None and not _valid_runner(runner):
        runner = None  # written by the notebook, not the runner (tampered with): nothing of it is believed
    limits = sandbox.Limits.from_config(settings["limits"])
    result["run"] = {"seconds": round(run.seconds, 2), "returncode": run.returncode, "killed": run.killed,
                     "completed": runner is not None,
                     "stderr": run.stderr_tail[-1500:] if runner is None else ""}
    code_cells = [i for i, c in enumerate(stored.get("cells", [])) if c.get("cell_type") == "code"]
    if runner is None:
        why = (f"stopped after {limits.wall_s} s (the time limit)" if run.killed
               else f"the sandbox ended with exit status {run.returncode}")
        result["run"]["message"] = f"the notebook did not finish: {why}"
        result["errors"] = []
    else:
        result["errors"] = [{"cell": code_cells.index(c["index"]) + 1 if c["index"] in code_cells else c["index"],
                             **c["error"]} for c in runner["cells"] if c.get("error")]
        result["run"]["cells_run"] = len(runner["cells"])
        result["run"]["notebook_seconds"] = round(runner.get("seconds", 0.0), 2)
        result["run"]["output_cut"] = [code_cells.index(c["index"]) + 1 for c in runner["cells"]
                                       if c.get("output_cut") and c["index"] in code_cells]
        if runner.get("kernel_died"):
            result["run"]["message"] = "the kernel died (memory or process limit, or a crash)"
        probe_error = (runner.get("probe") or {}).get("error")
        if probe_error:
            result["run"]["probe_error"] = probe_error
    if ex is None:
        result["functions"], result["outcomes"] = [], []
    elif probe is None:
        result["functions"] = [{"function": n, "ok": False, "message": f"{n}: could not be checked (the notebook "
                                                                       "did not get as far as the probe)"}
                               for n in ex.functions]
        result["outcomes"] = []
    else:
        try:
            result["functions"], result["gradient_vs_autograd"] = course.function_findings(ex, probe, given,
                                                                                             settings["rtol"])
            result["outcomes"] = _outcomes(ex, probe, references, settings)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            result["functions"] = [{"function": n, "ok": False, "message": f"{n}: could not be checked (what the "
                                    f"probe handed back is malformed: {type(exc).__name__})"} for n in ex.functions]
            result["outcomes"] = []
    failed = {c["index"] for c in (runner or {}).get("cells", []) if c.get("error")}
    if rerun is not None:
        result["changed_outputs"] = evidence.changed_outputs(stored, rerun, failed, settings["max_listed"])
        for item in result["changed_outputs"]:
            item["cell"] = code_cells.index(item["cell"]) + 1 if item["cell"] in code_cells else item["cell"]
    else:
        result["changed_outputs"] = []
    result["unprinted_numbers"] = evidence.unprinted_numbers(stored, rerun or {}, settings["min_digits"])[
        : settings["max_listed"]]
    result["never_run"] = bool(code_cells) and not any(stored["cells"][i].get("outputs") for i in code_cells)
    result["parts"] = evidence.answered_parts(stored, ex.parts) if ex else {}
    return result


def _outcomes(ex, probe: dict, references: dict, settings: dict) -> list[dict]:
    from . import outcome

    share = settings["learned_share"]
    if ex.number == 1 and "ex1" in references:
        from gdlab.linreg import load

        r = references["ex1"]
        X, Y = load(r["csv"], r["feature"], r["target"])
        return outcome.ex1(probe, X, Y, r, share, settings["rtol"])
    if ex.number == 3 and "ex3" in references:
        from gdlab.softmax import load_mnist

        data = load_mnist(references["ex3"]["mnist"])
        return outcome.ex3(probe, data["X_test"], data["y_test"], references["ex3"]["hand"],
                           references["ex3"]["module"], share)
    return []
