"""What a notebook's cells show, read as text: the numbers its outputs print (stored and rerun), the numbers its
Markdown states, and which parts of the practical have an answer cell. Pure functions on notebook JSON."""

from __future__ import annotations

import math
import re

NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:[\s\u00a0\u202f]\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def merge_streams(outputs: list[dict]) -> list[dict]:
    """``outputs`` with each run of adjacent stream outputs of one name (stdout, stderr) merged into one: where a
    kernel cuts a cell's printing into chunks depends on when it flushed, so only the merged text is the result."""
    merged: list[dict] = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and last is not None and last.get("output_type") == "stream"
                and last.get("name") == out.get("name")):
            merged[-1] = {**last, "text": _join(last.get("text", "")) + _join(out.get("text", ""))}
        else:
            merged.append(out)
    return merged


def cell_text(cell: dict) -> str:
    """A code cell's outputs as text: its stdout and plain-text results (images count for nothing); errors and stderr
    (warnings, with their line numbers and paths) left out. Chunks of one stream count as one (merge_streams)."""
    parts = []
    for out in merge_streams(cell.get("outputs", [])):
        kind = out.get("output_type")
        if kind == "stream" and out.get("name") != "stderr":  # warnings carry line numbers and paths
            parts.append(_join(out.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            parts.append(_join(data.get("text/plain", "")) if "text/plain" in data and "image/png" not in data
                         else "")
    return ANSI.sub("", "\n".join(parts))


def _join(text) -> str:
    return "".join(text) if isinstance(text, list) else str(text)


def numbers(text: str) -> list[str]:
    return [re.sub(r"[\s\u00a0\u202f]", "", m).replace("−", "-") for m in NUMBER.findall(text)]


def changed_outputs(stored: dict, rerun: dict, failed: set[int], limit: int) -> list[dict]:
    """Code cells whose printed numbers differ between the stored notebook and the rerun (at most ``limit``): the
    cell, the first number that changed, before and after. Cells that failed in the rerun, or have no stored output
    (never run), are left out."""
    out = []
    for index, (a, b) in enumerate(zip(stored.get("cells", []), rerun.get("cells", []))):
        if a.get("cell_type") != "code" or index in failed or not a.get("outputs"):
            continue
        na, nb = numbers(cell_text(a)), numbers(cell_text(b))
        if na != nb:
            pairs = [(x, y) for x, y in zip(na, nb) if x != y]
            before, after = pairs[0] if pairs else (", ".join(na[len(nb):][:3]) or "–", ", ".join(nb[len(na):][:3]) or "–")
            out.append({"cell": index, "stored": before, "rerun": after,
                        "line": next((ln for ln in cell_text(a).splitlines() if before in ln.replace(" ", "")), "")[:160]})
            if len(out) >= limit:
                break
    return out


def _decimals(token: str) -> int:
    mantissa = token.lower().split("e")[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


def _value(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


def stated_numbers(nb: dict, min_digits: int) -> list[str]:
    """Numbers a Markdown cell states that look like results: written with a decimal point and at least
    ``min_digits`` significant digits (0.9042, 92.21) — not part numbers, years or the 0.1 of a question."""
    found = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        text = re.sub(r"\\times\s*10\^\{?-?\d+\}?", "", _join(cell.get("source", "")))
        for token in numbers(text):
            digits = len(token.lstrip("-").replace(".", "").split("e")[0].lstrip("0"))
            if "." in token and digits >= min_digits:
                found.append(token)
    return found


def unprinted_numbers(nb: dict, rerun: dict, min_digits: int) -> list[str]:
    """Numbers in the Markdown that no output prints (stored or rerun) and no code cell writes: each as it stands.
    A printed number counts when it rounds to the stated one, also as a percentage (0.9221 -> 92.21)."""
    shown = []
    for doc in (nb, rerun):
        for cell in doc.get("cells", []):
            if cell.get("cell_type") == "code":
                shown += numbers(cell_text(cell)) + numbers(_join(cell.get("source", "")))
    values = [v for v in (_value(t) for t in shown) if v is not None and math.isfinite(v)]
    missing = []
    for token in stated_numbers(nb, min_digits):
        v, d = _value(token), _decimals(token)
        if v is None:
            continue
        tol = 0.5 * 10 ** -d * (1 + 1e-9)
        if not any(abs(p - v) <= tol or abs(100 * p - v) <= tol or abs(p / 100 - v) <= tol or abs(abs(p) - abs(v)) <= tol
                   for p in values):
            missing.append(token)
    return sorted(set(missing), key=missing.index)


def answered_parts(nb: dict, parts: list[str]) -> dict[str, bool]:
    """Per part ("1a"): whether a cell labels it ("1 a)", "1a.", "(a)", "a)" at a line's start, "Part a") and some
    cell with content follows before the next part's label."""
    cells = nb.get("cells", [])
    labels: dict[str, int] = {}
    for part in parts:
        n, letter = part[:-1], part[-1]
        pattern = re.compile(rf"(?<![\w.]){n}\s*[.)]?\s*\(?{letter}[).:]|^[\W_]*(?:part\s+)?\(?{letter}\)"
                             rf"|^[\W_]*part\s+{n}?\s*{letter}\b|exercise\s+{n}\s*\(?{letter}\b", re.I | re.M)
        for index, cell in enumerate(cells):
            if cell.get("cell_type") == "markdown" and pattern.search(_join(cell.get("source", ""))):
                labels[part] = index
                break
    starts = sorted(labels.values())
    out = {}
    for part in parts:
        if part not in labels:
            out[part] = False
            continue
        start = labels[part]
        end = next((s for s in starts if s > start), len(cells))
        body = cells[start + 1:end]
        out[part] = any(_join(c.get("source", "")).strip() for c in body)
    return out
