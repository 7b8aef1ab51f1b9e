"""Runs INSIDE the sandbox, as ``python runner.py spec.json`` (no gdlab imports: only the venv's nbclient): executes
one hand-in notebook cell by cell in a fresh kernel — a failing cell does not end the run, a cell over its time is
interrupted — keeping at most ``max_cell_output`` characters of output per cell and ``max_total_output`` in all,
then runs the probe in the same kernel. Writes ``result.json`` (per cell: seconds, error with exception and line,
whether output was cut) and the executed notebook into the scratch folder."""

import json
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CELL_LINE = re.compile(r"(?:Cell In\s*\[\d*\]|Input In \[\d*\]|<ipython-input-[^>]*>), line (\d+)")


class CappedClient(NotebookClient):
    """nbclient, keeping only so much output per cell and in all: a notebook that prints a gigabyte costs no memory."""

    def __init__(self, nb, max_cell: int, max_total: int, **kw):
        super().__init__(nb, **kw)
        self.max_cell, self.max_total = max_cell, max_total
        self.cell_chars: dict[int, int] = {}
        self.total_chars = 0
        self.cut: set[int] = set()

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = sum(len(str(v)) for v in content.get("data", {}).values()) + len(str(content.get("text", "")))
        size += sum(len(line) for line in content.get("traceback", []) or [])
        used = self.cell_chars.get(cell_index, 0)
        if msg["msg_type"] != "error" and (used + size > self.max_cell or self.total_chars + size > self.max_total):
            self.cut.add(cell_index)
            return None
        self.cell_chars[cell_index] = used + size
        self.total_chars += size
        return super().output(outs, msg, display_id, cell_index)


def cell_error(cell) -> dict | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            tb = ANSI.sub("", "\n".join(out.get("traceback", [])))
            lines = CELL_LINE.findall(tb)
            return {"exception": str(out.get("ename", ""))[:200], "message": str(out.get("evalue", ""))[:500],
                    "line": int(lines[-1]) if lines else None}
    return None


def main(spec_path: str) -> None:
    with open(spec_path) as f:
        spec = json.load(f)
    nb = nbformat.read(spec["notebook"], as_version=4)
    client = CappedClient(nb, spec["max_cell_output"], spec["max_total_output"], kernel_name="python3",
                          timeout=spec["cell_timeout_s"], allow_errors=True, interrupt_on_timeout=True,
                          startup_timeout=spec["startup_timeout_s"], record_timing=False,
                          resources={"metadata": {"path": spec["cwd"]}})
    result = {"cells": [], "kernel_died": None, "probe": None}
    start = time.perf_counter()
    with open(spec["probe"]) as f:
        probe_source = f.read()
    with client.setup_kernel():
        install = nbformat.v4.new_code_cell(probe_source + f"\n_gdlab_install({spec['probe_spec']!r})\n")
        nb.cells.append(install)  # run first, then taken out again: nbclient writes a cell back by its index
        client.execute_cell(install, len(nb.cells) - 1)
        nb.cells.pop()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            t0 = time.perf_counter()
            entry = {"index": index}
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                entry["error"] = {"exception": "Timeout", "message": f"over {spec['cell_timeout_s']} s", "line": None}
            except DeadKernelError as exc:
                result["kernel_died"] = {"index": index, "message": str(exc)[:300]}
                entry["error"] = {"exception": "DeadKernel", "message": "the kernel died", "line": None}
                result["cells"].append(entry | {"seconds": time.perf_counter() - t0})
                break
            entry["seconds"] = time.perf_counter() - t0
            entry.setdefault("error", cell_error(cell))
            entry["output_cut"] = index in client.cut
            result["cells"].append(entry)
        result["seconds"] = time.perf_counter() - start
        if result["kernel_died"] is None:
            probe = nbformat.v4.new_code_cell(f"_gdlab_probe({spec['probe_spec']!r})\n")
            nb.cells.append(probe)  # nbclient writes a cell back by its index
            client.timeout = spec["probe_timeout_s"]
            t0 = time.perf_counter()
            try:
                client.execute_cell(probe, len(nb.cells) - 1)
                result["probe"] = {"error": cell_error(probe)}
            except (CellTimeoutError, DeadKernelError) as exc:
                result["probe"] = {"error": {"exception": type(exc).__name__, "message": str(exc)[:300],
                                             "line": None}}
            result["probe"]["seconds"] = time.perf_counter() - t0
            nb.cells.pop()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata.pop("execution", None)
    nbformat.write(nb, spec["executed"])
    with open(spec["result"], "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(sys.argv[1])
