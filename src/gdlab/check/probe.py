"""The probe: run in the group's own kernel after the notebook's last cell (the runner sends this file's text as one
more cell and then calls ``_gdlab_probe(path_to_spec)``). It imports nothing of gdlab and computes no verdict: it
calls the group's functions by name on the inputs the checker wrote, and writes what came back as plain JSON (numbers,
shapes, error messages). The checker outside compares those numbers with gdlab's references; nothing this kernel
writes is trusted or unpickled.

Each call of a course function runs with the notebook's *other* course functions replaced by gdlab's (their source
comes with the spec), so that a fault is named once, at the function that has it, and not again at every function
that calls it. Autograd of the group's own cost runs with the group's functions as they are.
"""


def _gdlab_probe(spec_path):  # noqa: C901 (one function: it must leave nothing behind in the group's namespace)
    import json
    import math
    import signal
    import traceback

    import sys

    import numpy as np

    ns = globals()  # the notebook's namespace: this cell runs in the group's kernel
    with open(spec_path) as f:
        spec = json.load(f)
    # torch only where the inputs are tensors or the notebook imported it (a numpy notebook starts no torch)
    if any(not e.get("numpy") for e in spec["inputs"].values()) or "torch" in sys.modules:
        import torch
    else:
        torch = None
    limit_s = spec["call_timeout_s"]

    class _Timeout(Exception):
        pass

    def alarm(signum, frame):
        raise _Timeout(f"did not return within {limit_s} s")

    def tensor(entry):
        if entry.get("numpy"):
            return np.array(entry["data"], dtype=entry["dtype"])
        return torch.tensor(entry["data"], dtype=getattr(torch, entry["dtype"]))

    def fresh(v):
        return v.copy() if isinstance(v, np.ndarray) else v.clone()

    inputs = {k: tensor(v) for k, v in spec["inputs"].items()}
    refs: dict = {}
    exec(spec["reference_source"], refs)  # gdlab's own definitions, to stand in for the group's others

    def encode(value, depth=0):
        if torch is not None and isinstance(value, torch.nn.Module):
            return {"module": type(value).__name__}
        if torch is not None and isinstance(value, torch.Tensor):
            v = value.detach().cpu()
            return {"shape": list(v.shape), "data": v.to(torch.float64).tolist() if v.numel() <= spec["max_numbers"]
                    else None, "dtype": str(v.dtype)}
        if isinstance(value, np.ndarray) or isinstance(value, np.generic):
            v = np.asarray(value)
            ok = v.dtype.kind in "biuf" and v.size <= spec["max_numbers"]
            return {"shape": list(v.shape), "data": v.astype(np.float64).tolist() if ok else None, "dtype": str(v.dtype)}
        if isinstance(value, bool):
            return {"shape": [], "data": float(value), "dtype": "bool"}
        if isinstance(value, (int, float)):
            return {"shape": [], "data": float(value) if math.isfinite(value) else repr(float(value)), "dtype": "float"}
        if isinstance(value, (tuple, list)) and depth == 0 and len(value) <= 4:
            return {"tuple": [encode(v, 1) for v in value]}
        return {"type": type(value).__name__}

    def arg(a, leaves):
        if isinstance(a, dict):  # a nested call of the group's own function
            return ns[a["call"]](*[arg(x, leaves) for x in a["args"]])
        return leaves[a] if a in leaves else fresh(inputs[a])

    own = _gdlab_probe.__code__.co_filename  # the probe's own frames (its cell) are not the group's

    def error(exc):
        tb = [fr for fr in traceback.extract_tb(exc.__traceback__) if fr.filename != own]
        where = tb[-1] if tb else None
        return {"error": f"{type(exc).__name__}: {str(exc)[:300]}",
                "line": where.lineno if where else None, "code": (where.line or "")[:200] if where else ""}

    def call(entry):
        name = entry["function"]
        if name not in ns:
            return {"missing": True}
        fn = ns[name]
        out = {"missing": False, "callable": callable(fn)}
        try:
            import inspect
            out["params"] = list(inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            out["params"] = None
        if not callable(fn) or entry.get("signature_only"):
            return out
        others = [n for n in spec["course_functions"] if n != name and n in refs] if entry.get("isolate") else []
        saved = {n: ns[n] for n in others if n in ns}
        old = signal.signal(signal.SIGALRM, alarm)
        signal.alarm(limit_s)
        try:
            ns.update({n: refs[n] for n in others})
            if entry.get("wrt"):  # autograd of the group's own cost with respect to these inputs
                leaves = {w: inputs[w].clone().requires_grad_(True) for w in entry["wrt"]}
                value = fn(*[arg(a, leaves) for a in entry["args"]])
                value = value if isinstance(value, torch.Tensor) else torch.as_tensor(value)
                value.sum().backward()
                out["value"] = {"tuple": [encode(leaves[w].grad if leaves[w].grad is not None
                                                 else torch.zeros_like(leaves[w])) for w in entry["wrt"]]}
            elif entry.get("instantiate"):  # a class: built without arguments, then called on the inputs
                out["value"] = encode(fn()(*[arg(a, {}) for a in entry["args"]]))
            else:
                out["value"] = encode(fn(*[arg(a, {}) for a in entry["args"]]))
        except BaseException as exc:  # noqa: BLE001 (the group's code may raise anything; each call is one finding)
            out.update(error(exc))
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
            ns.update(saved)
        return out

    store = ns.get("_gdlab_store") or {"candidates": {}, "modules": {}, "curves": {}, "seen": set(), "cell": 0}
    _gdlab_snapshot(spec, store, "the end")
    result = {"calls": {}, "candidates": {k: encode(v) for k, v in store["candidates"].items()},
              "modules": {k: {"class": c, "parameters": [encode(p) for p in ps]}
                          for k, (c, ps) in store["modules"].items()},
              "curves": {k: [v if math.isfinite(v) else None for v in c] for k, c in store["curves"].items()}}
    for entry in spec["calls"]:
        result["calls"][entry["id"]] = call(entry)
    with open(spec["out"], "w") as f:
        json.dump(result, f)


def _gdlab_snapshot(spec, store, when):
    """Copies of what a training run leaves in the namespace, taken after every cell (a later cell may reassign the
    name): tensors and arrays of the parameters' shapes that are no nn.Module's, each nn.Module's parameters, and
    loss curves (1-D sequences of numbers); one level down into dicts, lists and tuples. Equal contents are kept
    once, under the first name and cell that held them."""
    import hashlib
    import sys

    import numpy as np

    ns = globals()
    torch = sys.modules.get("torch")  # a notebook that never imported torch holds no tensor: none is imported here
    shapes, limit, most = spec.get("candidate_shapes", []), spec["max_candidates"], spec["max_numbers"]

    def new(kind, label, digest_of, keep):
        if len(store[kind]) >= limit:
            return
        digest = hashlib.sha1(digest_of).hexdigest()
        if (kind, digest) in store["seen"]:
            return
        store["seen"].add((kind, digest))
        store[kind][f"{label} ({when})"] = keep()

    module_ptrs = set()
    items = [(k, v) for k, v in list(ns.items()) if not k.startswith("_")]
    for key, value in items:
        if torch is not None and isinstance(value, torch.nn.Module):
            params = [p.detach() for p in value.parameters()]
            module_ptrs.update(p.data_ptr() for p in params)
            if shapes and sum(p.numel() for p in params) <= most:
                blob = b"".join(p.cpu().numpy().tobytes() for p in params)
                new("modules", key, blob, lambda: (type(value).__name__, [p.clone() for p in params]))

    def visit(label, value):
        if torch is not None and isinstance(value, torch.Tensor):
            if list(value.shape) in shapes and value.data_ptr() not in module_ptrs and not value.is_complex():
                v = value.detach().cpu()
                new("candidates", label, v.numpy().tobytes(), lambda: v.clone())
            elif spec.get("curves") and value.ndim == 1 and 10 <= value.shape[0] <= most and value.is_floating_point():
                v = value.detach().cpu()
                new("curves", label, v.numpy().tobytes(), lambda: [float(x) for x in v.tolist()])
        elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
            if list(value.shape) in shapes:
                new("candidates", label, value.tobytes(), lambda: value.copy())
            elif spec.get("curves") and value.ndim == 1 and 10 <= value.shape[0] <= most:
                new("curves", label, value.tobytes(), lambda: [float(x) for x in value.tolist()])
        elif spec.get("curves") and isinstance(value, (list, tuple)) and 10 <= len(value) <= most and all(
                isinstance(x, (int, float)) and not isinstance(x, bool) for x in value):
            new("curves", label, repr(tuple(value)).encode(), lambda: [float(x) for x in value])

    for key, value in items:
        visit(key, value)
        if isinstance(value, dict):
            for k, v in list(value.items())[:50]:
                visit(f"{key}[{k!r}]", v)
                if isinstance(v, (tuple, list)):
                    for i, w in enumerate(v[:10]):
                        visit(f"{key}[{k!r}][{i}]", w)
        elif isinstance(value, (list, tuple)) and len(value) <= 50:
            for i, v in enumerate(value):
                visit(f"{key}[{i}]", v)


def _gdlab_install(spec_path):
    """Before the notebook's first cell: take a snapshot after every cell the kernel runs."""
    import json

    with open(spec_path) as f:
        spec = json.load(f)
    store = {"candidates": {}, "modules": {}, "curves": {}, "seen": set(), "cell": 0}
    globals()["_gdlab_store"] = store

    def after(result):
        if "_gdlab_" in (getattr(getattr(result, "info", None), "raw_cell", "") or ""):
            return  # the checker's own cells
        store["cell"] += 1
        try:
            _gdlab_snapshot(spec, store, f"after code cell {store['cell']}")
        except Exception:  # noqa: BLE001 (a snapshot never breaks the group's run)
            pass

    get_ipython().events.register("post_run_cell", after)  # noqa: F821 (IPython's, in the kernel)
