"""The runs the course prescribes, judged by their outcome: 1 c (GD at η = 0.1) and 3 d / 3 f (10 epochs, batches of
64, η = 0.01, by hand and with the nn.Module), against gdlab's reference run of the same setting.

A notebook's loop cannot be called from outside — each group writes it differently — but what it trained stays in
the kernel: the probe hands back every tensor of the parameters' shapes that the namespace holds (W (10, 784) and
b (1, 10); a (2, 1)), and each nn.Module's parameters. Each is scored here with gdlab's own cost or accuracy on the
course's data, and the best is compared with the reference run: a run "learned" when it got at least ``share`` of the
way from the start (a = 0; the course's random W) to where gdlab's reference run ends. A loop that hands u and û
to the gradient swapped, or adds the gradient instead of subtracting it, ends near or below its start: the report
gives both numbers. For Exercise 1 the candidates are the loss curves the namespace holds that start at C(0) (the
cost at a = 0, in the course's units or without the factor 1/2): a trained a cannot be told from the closed form's.
"""

from __future__ import annotations

import numpy as np
import torch

from .course import decode

# Per exercise: the parameter shapes the probe collects.
CANDIDATE_SHAPES = {3: [[10, 784], [1, 10], [10]]}
CURVES = {1}  # the exercises judged by their loss curves


def ex1(probe: dict, X, Y, reference: dict, share: float, rtol: float) -> list[dict]:
    """1 c: the loss curves of the namespace that start where GD from a = 0 starts — C(0), or 2 C(0) for a cost
    without the factor 1/2 (the curve's own units) — judged by how far down they got, against the reference run."""
    from gdlab.linreg import cost

    c0 = float(cost(X, Y, torch.zeros(2, 1, dtype=torch.float64)))
    start, end, lr = reference["start_cost"], reference["final_cost"], reference["lr"]
    scored = {}
    for name, curve in probe.get("curves", {}).items():
        if not curve or curve[0] is None:
            continue
        for k in (1.0, 2.0):
            if abs(curve[0] - k * c0) <= rtol * k * c0:
                last = curve[-1]
                scored[name] = last / k if last is not None else float("inf")
                break
    return [_verdict(f"1 c (GD at η = {lr:g}, its loss curve)", "cost", scored, start, end, share,
                     lower_is_better=True)]


def ex3(probe: dict, X_test, Y_test, hand: dict, module: dict, share: float) -> list[dict]:
    """3 d (by hand) and 3 f (nn.Module): the best test accuracy of the trained (W, b) pairs and modules."""
    from gdlab.softmax import metrics

    ws, bs = {}, {}
    for name, value in probe.get("candidates", {}).items():
        v = decode(value)
        if v is None or not np.all(np.isfinite(v)):
            continue
        if v.shape == (10, 784):
            ws[name] = torch.tensor(v, dtype=torch.float32)
        elif v.size == 10:
            bs[name] = torch.tensor(v.reshape(1, 10), dtype=torch.float32)
    hand_scores = {f"{w}, {b}": metrics(X_test, Y_test, W, B)[1] for w, W in ws.items() for b, B in bs.items()}
    module_scores = {}
    for name, m in probe.get("modules", {}).items():
        params = [decode(p) for p in m.get("parameters", [])]
        Ws = [p for p in params if p is not None and p.shape == (10, 784)]
        Bs = [p for p in params if p is not None and p.size == 10]
        if len(Ws) == 1 and len(Bs) == 1 and len(params) == 2 and np.all(np.isfinite(Ws[0])):
            module_scores[name] = metrics(X_test, Y_test, torch.tensor(Ws[0], dtype=torch.float32),
                                          torch.tensor(Bs[0].reshape(1, 10), dtype=torch.float32))[1]
    setting = f"{hand['nepochs']} epochs, batch {hand['nbatch']}, η = {hand['lr']:g}"
    return [_verdict(f"3 d (by hand: {setting})", "test accuracy", hand_scores, hand["test_accuracy"][0],
                     hand["test_accuracy"][-1], share, lower_is_better=False),
            _verdict(f"3 f (nn.Module: {setting})", "test accuracy", module_scores, module["test_accuracy"][0],
                     module["test_accuracy"][-1], share, lower_is_better=False)]


def _verdict(run: str, measure: str, scored: dict, start: float, end: float, share: float,
             lower_is_better: bool) -> dict:
    if not scored:
        return {"run": run, "ok": None, "candidates": {},
                "message": f"{run}: no trained parameters of the course's shapes found in the notebook's namespace, "
                           "so the run could not be judged"}
    best = (min if lower_is_better else max)(scored, key=scored.get)
    value = scored[best]
    bar = start + share * (end - start)
    ok = value <= bar if lower_is_better else value >= bar
    if ok:
        message = f"{run}: learned — {measure} {value:.4g} ({best}); gdlab's reference run reaches {end:.4g}"
    else:
        message = (f"{run}: learns nothing — the best {measure} of its parameters is {value:.4g} ({best}) where "
                   f"gdlab's reference run of the same setting reaches {end:.4g} (from {start:.4g} at the start)")
    return {"run": run, "ok": ok, "best": best, "value": value, "reference": end, "start": start,
            "candidates": scored, "message": message}
