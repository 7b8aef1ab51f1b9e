"""What the course names, and how a group's answers are compared with gdlab's.

The course's functions and their argument names come from one place, ``report/practical.yaml`` (``course_functions``
of each exercise); the reference for each is gdlab's own function of that name among the exercise's listings. This
module adds only what the course's notebooks state about shapes (``course-notebooks.md``): the inputs each function
is called with, which gradient belongs to which cost, and the prescribed runs.

Comparisons turn numbers into findings a student understands: "the opposite sign of the cost's derivative",
"2× the course's C (the factor 1/2 is missing)", "returns a mean probability (0.62) where the share of correct
predictions is 0.85".
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

SIGNATURE = re.compile(r"^\s*([A-Za-z_]\w*)\s*\((.*)\)\s*$")


@dataclass(frozen=True)
class Exercise:
    number: int
    notebook: str  # the project's notebook name; the course's is the same with "_stud"
    functions: dict[str, list[str]]  # name -> the course's argument names (a class: its base, e.g. ["nn.Module"])
    references: dict[str, str]  # name -> gdlab's qualified name
    parts: list[str] = field(default_factory=list)  # "1a", "1b", ...


def exercises(practical: dict) -> dict[str, Exercise]:
    """Per notebook, the exercise the course's notebook of that name holds (from report/practical.yaml)."""
    out = {}
    for ex in practical["exercises"]:
        if "notebook" not in ex:
            continue
        functions, refs = {}, {}
        listed = [name for part in ex.get("parts", []) for name in part.get("listings", [])]
        for entry in ex.get("course_functions", []):
            m = SIGNATURE.match(entry)
            if not m:
                raise ValueError(f"report/practical.yaml: course function {entry!r} of exercise {ex['number']} "
                                 "is not written as name(arguments)")
            name = m.group(1)
            functions[name] = [a.strip() for a in m.group(2).split(",") if a.strip()]
            found = [q for q in listed if q.rsplit(".", 1)[-1] == name]
            if not found:
                raise ValueError(f"report/practical.yaml: exercise {ex['number']} names {name} but lists no gdlab "
                                 "function of that name")
            refs[name] = found[0]
        out[ex["notebook"]] = Exercise(ex["number"], ex["notebook"], functions, refs,
                                       [f"{ex['number']}{p['letter']}" for p in ex.get("parts", [])])
    return out


def reference(qualified: str):
    module, name = qualified.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def reference_source(ex: Exercise) -> str:
    """gdlab's definitions of the exercise's functions, as source the probe executes to stand in for the group's
    other functions while one is tested (imports first, as the modules make them)."""
    body = "\n\n".join(inspect.getsource(reference(q)) for q in ex.references.values())
    head = "import math\nimport numpy as np\n"
    if "torch" in body or "F." in body or "nn." in body:  # a numpy exercise (6 d) starts no torch in the kernel
        head += "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n"
    return head + body


# --- which exercise a notebook holds -----------------------------------------------------------------------------

def defined_functions(nb: dict) -> dict[str, list[str]]:
    """The functions and classes the notebook's code cells define at top level, with their argument names (a class:
    its bases), found with ast; cells that do not parse (IPython magics) are skipped."""
    found = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = "".join(cell.get("source", ""))
        src = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in src.splitlines())
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                found[node.name] = [a.arg for a in node.args.args]
            elif isinstance(node, ast.ClassDef):
                found[node.name] = [ast.unparse(b) for b in node.bases]
    return found


def identify(stem: str, nb: dict, course: dict[str, Exercise]) -> str | None:
    """The course notebook this one is: by its file name (the course's name, with or without "_stud"), else by the
    course functions it defines (names and arguments); None when it defines none."""
    clean = stem.lower().replace("_stud", "")
    for name in course:
        if name.lower() in clean:
            return name
    defined = defined_functions(nb)
    scores = {name: sum((f in defined) + (defined.get(f) == args) for f, args in ex.functions.items())
              for name, ex in course.items()}
    best = max(scores, key=scores.get, default=None)
    return best if best is not None and scores[best] > 0 else None


# --- inputs of the course's shapes, and the calls the probe makes ------------------------------------------------

def _entry(t, numpy=False) -> dict:
    a = t.numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    return {"data": a.tolist(), "dtype": str(a.dtype), "numpy": numpy}


def inputs(ex: Exercise, seed: int, sizes: dict) -> dict[str, torch.Tensor | np.ndarray]:
    """Random inputs with the shapes of the course's notebook, named as the course's arguments (plus a few extra
    ones the diagnoses use): X (N, 2), Y (N, 1), a (2, 1) for Exercise 1; X (N, 13), Y, W (1, 13), Yhat for 2;
    x (nb, 1, 28, 28), W (10, 784), b (1, 10), z, y, u, uhat, X, Y for 3; z (an array) for 6 d."""
    g = torch.Generator().manual_seed(seed)
    n = sizes["rows"]
    if ex.number == 1:
        x = torch.randn(n, 1, generator=g, dtype=torch.float64)
        X = torch.cat([torch.ones(n, 1, dtype=torch.float64), x], dim=1)
        Y = 0.8 * x + 0.3 * torch.randn(n, 1, generator=g, dtype=torch.float64)
        return {"X": X, "Y": Y, "a": torch.randn(2, 1, generator=g, dtype=torch.float64)}
    if ex.number == 2:
        X = torch.cat([torch.ones(n, 1, dtype=torch.float64), torch.randn(n, 12, generator=g, dtype=torch.float64)], 1)
        W = 0.5 * torch.randn(1, 13, generator=g, dtype=torch.float64)
        Y = (torch.rand(n, 1, generator=g, dtype=torch.float64) < torch.sigmoid(X @ W.T)).to(torch.float64)
        return {"X": X, "Y": Y, "W": W, "Yhat": torch.sigmoid(X @ W.T)}
    if ex.number == 3:
        nb = sizes["images"]
        x = torch.rand(nb, 1, 28, 28, generator=g)
        W = 0.05 * torch.randn(10, 784, generator=g)
        b = 0.1 * torch.randn(1, 10, generator=g)
        z = x.reshape(nb, -1) @ W.T + b
        y = torch.randint(0, 10, (nb,), generator=g)
        u = F.one_hot(y, 10).to(torch.float32)
        uhat = torch.softmax(z, dim=1)
        return {"x": x, "W": W, "b": b, "z": z, "z_large": z * (sizes["large_logit"] / z.abs().max()), "y": y,
                "u": u, "uhat": uhat, "X": x, "Y": y}
    if ex.number == 6:
        return {"z": np.linspace(-sizes["sigmoid_range"], sizes["sigmoid_range"], 12).reshape(3, 4)}
    return {}


# Which hand-written gradient belongs to which cost, as the course defines them (autograd of the group's own cost).
AUTOGRAD = {
    1: {"gradient_cost": {"function": "cost", "args": ["X", "Y", "a"], "wrt": ["a"]}},
    2: {"gradient_cost": {"function": "cost", "args": ["X", "Y", "W"], "wrt": ["W"]}},
    3: {"grad_loss_ce": {"function": "cost_ce", "args": ["y", {"call": "predict", "args": ["x", "W", "b"]}],
                         "wrt": ["W", "b"]}},
}
# What each function computes, in the words of a finding ("the opposite sign of ...").
MEANING = {"cost": "the course's C", "gradient_cost": "the cost's derivative", "grad_loss_ce": "the cost's derivative",
           "predict": "the course's prediction", "softmax": "the softmax", "loss_ce": "the cross-entropy",
           "cost_ce": "the mean cross-entropy", "linear_trsf": "x Wᵀ + b", "accuracy": "the accuracy",
           "metrics": "(cost, accuracy)", "sigmoid": "σ"}


def calls(ex: Exercise) -> list[dict]:
    """The probe's calls: every course function on the inputs named by gdlab's own arguments (the course's), the
    others replaced by gdlab's; the autograd of the group's own cost; softmax at large logits; the module built."""
    out = []
    for name, qualified in ex.references.items():
        ref = reference(qualified)
        if inspect.isclass(ref):
            out.append({"id": name, "function": name, "args": ["x"], "instantiate": True})
            continue
        out.append({"id": name, "function": name, "args": list(inspect.signature(ref).parameters), "isolate": True})
    for grad, spec in AUTOGRAD.get(ex.number, {}).items():
        if grad in ex.functions:
            out.append({"id": f"autograd:{grad}", **spec})
    if "softmax" in ex.functions:
        out.append({"id": "softmax@large", "function": "softmax", "args": ["z_large"], "isolate": True})
    return out


def expected(ex: Exercise, given: dict) -> dict:
    """gdlab's values for every call of :func:`calls` (computed here, outside the sandbox)."""
    out = {}
    for c in calls(ex):
        if c["id"].startswith("autograd:") or c.get("instantiate"):
            continue
        fn = reference(ex.references[c["function"]])
        args = [given[a].clone() if isinstance(given[a], torch.Tensor) else given[a].copy() for a in c["args"]]
        out[c["id"]] = fn(*args)
    return out


# --- comparisons and their words -------------------------------------------------------------------------------

def decode(value: dict | None):
    """The probe's encoding of a value back to numpy (a tuple: a list of them); None where it had no numbers."""
    if not isinstance(value, dict):
        return None
    if "tuple" in value:
        return [decode(v) for v in value["tuple"]]
    if "data" not in value or value["data"] is None:
        return None
    data = value["data"]
    if isinstance(data, str):  # a non-finite number, as repr
        return np.array(float(data))
    try:
        return np.asarray(data, dtype=np.float64).reshape(value.get("shape", np.shape(data)))
    except (ValueError, TypeError):
        return None


def as_array(v):
    if isinstance(v, torch.Tensor):
        return v.detach().to(torch.float64).numpy()
    if isinstance(v, (tuple, list)):
        return [as_array(x) for x in v]
    return np.asarray(v, dtype=np.float64)


def close(a, b, rtol) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or not np.all(np.isfinite(a)):
        return False
    scale = max(float(np.max(np.abs(b))) if b.size else 0.0, 1e-12)
    return bool(np.max(np.abs(a - b)) <= rtol * scale) if a.size else True


def shape_text(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


def compare(got, ref, what: str, rtol: float) -> str | None:
    """None when ``got`` is ``ref``; otherwise what is wrong, in words: shape, NaN, sign, a factor, transposed."""
    if isinstance(ref, list):
        if not isinstance(got, list) or len(got) != len(ref):
            return f"returns {'one value' if not isinstance(got, list) else f'{len(got)} values'} where the course's " \
                   f"returns {len(ref)}"
        if all(g is not None and np.shape(g) == np.shape(r) for g, r in zip(got, ref)):
            whole = compare(np.concatenate([np.ravel(g) for g in got]), np.concatenate([np.ravel(r) for r in ref]),
                            what, rtol)  # the same slip in every part (a sign, a factor) is said once
            if whole is None or not whole.startswith("differs"):
                return whole
        for i, (g, r) in enumerate(zip(got, ref)):
            problem = compare(g, r, what, rtol)
            if problem:
                return f"its value {i + 1} of {len(ref)}: {problem}"
        return None
    if got is None:
        return "returns no numbers (not a tensor, array or number)"
    got, ref = np.asarray(got, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    if got.shape != ref.shape:
        if got.size == 1 and ref.size == 1:
            got = got.reshape(ref.shape)
        elif got.ndim == 2 and got.shape == ref.shape[::-1] and close(got.T, ref, rtol):
            return f"returns the transpose: shape {shape_text(got.shape)} where the course's is {shape_text(ref.shape)}"
        elif got.size == ref.size and close(got.reshape(ref.shape), ref, rtol):
            return f"shape {shape_text(got.shape)} where the course's is {shape_text(ref.shape)} (the numbers are right)"
        else:
            return f"shape {shape_text(got.shape)} where the course's is {shape_text(ref.shape)}"
    if not np.all(np.isfinite(got)):
        return f"contains {'NaN' if np.any(np.isnan(got)) else 'inf'}"
    if close(got, ref, rtol):
        return None
    if close(got, -ref, rtol):
        return f"the opposite sign of {what}"
    denom = float(np.sum(ref * ref))
    if denom > 0:
        k = float(np.sum(got * ref)) / denom
        if abs(k) > 1e-12 and close(got, k * ref, rtol):
            factor = f"{k:.3g}× {what}"
            if abs(k - 2) < 1e-6:
                factor += " (the factor 1/2 is missing)"
            elif abs(k - 0.5) < 1e-6:
                factor += " (a factor 1/2 too many)"
            return factor
    diff = float(np.max(np.abs(got - ref)))
    return f"differs from {what}: largest difference {diff:.3g} (its values are up to {float(np.max(np.abs(ref))):.3g})"


def special(name: str, got, given: dict, ref) -> str | None:
    """Diagnoses of known slips, tried when a function's value is wrong."""
    if name == "accuracy" and got is not None and np.size(got) == 1:
        Y, P = as_array(given["Y"]), as_array(given["Yhat"])
        g = float(np.ravel(got)[0])
        for probability in (float(np.mean(Y * P + (1 - Y) * (1 - P))), float(np.mean(P))):
            if abs(g - probability) < 1e-6:
                return (f"returns a mean probability ({g:.2f}) where the share of correct predictions is "
                        f"{float(ref):.2f}")
    if name == "softmax" and got is not None and np.ndim(got) == 2:
        sums = np.asarray(got).sum(axis=0)
        if np.allclose(sums, 1, atol=1e-5) and not np.allclose(np.asarray(got).sum(axis=1), 1, atol=1e-5):
            return "normalises over the wrong axis: its columns sum to 1, not its rows (one row per example)"
    return None


def function_findings(ex: Exercise, probe: dict, given: dict, rtol: float) -> tuple[list[dict], dict]:
    """Per course function: a finding (ok or what is wrong) and, for the gradients, the comparison with autograd of
    the group's own cost. Returns (findings, details for report.json)."""
    refs = expected(ex, given)
    results = probe.get("calls", {})
    findings, details = [], {}
    for name, course_args in ex.functions.items():
        r = results.get(name, {"missing": True})
        shown = f"{name}({', '.join(course_args)})"
        if r.get("missing", True):
            findings.append({"function": name, "ok": False, "message": f"{name}: not defined (the course names "
                                                                       f"{shown})"})
            continue
        problems = []
        params = r.get("params")
        cls = inspect.isclass(reference(ex.references[name]))
        if not cls and params is not None and len(params) != len(course_args):
            problems.append(f"takes ({', '.join(params)}) where the course's is ({', '.join(course_args)})")
        if "error" in r:
            code = f": `{r['code'].strip()}`" if r.get("code") else ""
            line = f" (line {r['line']} of its cell{code})" if r.get("line") else ""
            problems.append(f"raises {r['error']}{line}")
        elif cls:
            got = decode(r.get("value"))
            if got is None or got.shape != (len(as_array(given["x"])), 10):
                problems.append(f"its output for {len(as_array(given['x']))} images has shape "
                                f"{shape_text(got.shape) if got is not None else 'none'} where the course's model "
                                f"gives ({len(as_array(given['x']))}, 10)")
        elif name in refs:
            got = decode(r.get("value"))
            ref = as_array(refs[name])
            problem = special(name, got, given, ref) if not _ok(got, ref, rtol) else None
            problem = problem or compare(got, ref, MEANING.get(name, f"gdlab's {name}"), rtol)
            if problem:
                auto = results.get(f"autograd:{name}")
                if auto is not None and "value" in auto:
                    own = decode(auto["value"])
                    own = own[0] if isinstance(own, list) and not isinstance(ref, list) else own
                    consistent = compare(got, own, "", rtol) is None
                    problem += ("; it is autograd's derivative of your own cost, so the cost is wrong too"
                                if consistent else "; it is not autograd's derivative of your own cost either")
                problems.append(problem)
        if name in AUTOGRAD.get(ex.number, {}):
            auto = results.get(f"autograd:{name}", {})
            own = decode(auto.get("value"))
            got = decode(r.get("value"))
            if own is not None and got is not None:
                own = own[0] if not isinstance(got, list) and isinstance(own, list) else own
                details[f"{name} vs autograd of your cost"] = compare(got, own, "autograd", rtol) or "equal"
            else:
                details[f"{name} vs autograd of your cost"] = auto.get("error", "not computed")
        if name == "softmax" and not problems:
            large = results.get("softmax@large", {})
            got = decode(large.get("value"))
            limit = float(np.max(np.abs(as_array(given["z_large"]))))
            if "error" in large or got is None or not np.all(np.isfinite(got)):
                problems.append(f"overflows at large logits (NaN or an error for logits up to {limit:.0f}): "
                                "subtract each row's maximum before exp")
        findings.append({"function": name, "ok": not problems,
                         "message": f"{name}: " + "; ".join(problems) if problems else f"{name}: right"})
    return findings, details


def _ok(got, ref, rtol) -> bool:
    return compare(got, ref, "", rtol) is None if got is not None else False
