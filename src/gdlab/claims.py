"""Checked claims: each quantitative statement of the sheet, declared once in the config with its bound,
evaluated against results/ at build time. A claim that no longer holds fails the build."""

from __future__ import annotations

import operator
from typing import Any

# Each comparison and how the sheet writes it. Words or symbols, never "=" or "==": Typst reads a table
# cell that starts with "=" as a heading (pandoc does not escape it there).
OPS = {
    "<=": (operator.le, "≤"),
    "<": (operator.lt, "<"),
    ">=": (operator.ge, "≥"),
    ">": (operator.gt, ">"),
    "==": (operator.eq, "equals"),
}


class ClaimError(RuntimeError):
    pass


def check_declared(claims: dict[str, dict], roots: list[str]) -> None:
    """Before any job runs: every claim compares with a known operator and reads a known summary."""
    for cid, c in claims.items():
        if c["op"] not in OPS:
            raise ClaimError(f"config claims.{cid}.op: {c['op']!r} is not one of {sorted(OPS)}")
        for key in ("value", "bound"):
            path = c[key]
            if key == "value" or isinstance(path, str):
                if path.split(".")[0] not in roots:
                    raise ClaimError(f"config claims.{cid}.{key}: {path!r} must start with one of {roots}")


def lookup(context: dict, path: str) -> Any:
    """``ex1.max_lr.theory`` -> context["ex1"]["max_lr"]["theory"]; integers index lists."""
    value: Any = context
    for part in path.split("."):
        try:
            value = value[int(part)] if isinstance(value, list) else value[part]
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise ClaimError(f"claim value {path!r}: no {part!r} in the results") from exc
    return value


def evaluate(claims: dict[str, dict], context: dict) -> dict[str, dict]:
    """Evaluate every claim; return {id: {text, value, op, bound, passed, value_path}}."""
    out = {}
    for cid, c in claims.items():
        value = lookup(context, c["value"])
        bound = lookup(context, c["bound"]) if isinstance(c["bound"], str) else c["bound"]
        passed = value is not None and bound is not None and bool(OPS[c["op"]][0](value, bound))
        out[cid] = {"text": c["text"], "value": value, "op": c["op"], "bound": bound, "passed": passed,
                    "value_path": c["value"]}
    return out


def failures(results: dict[str, dict]) -> list[str]:
    return [f"claim {cid!r} ({r['text']}) no longer holds: {r['value_path']} = {r['value']!r}, expected "
            f"{r['op']} {r['bound']!r}" for cid, r in results.items() if not r["passed"]]
