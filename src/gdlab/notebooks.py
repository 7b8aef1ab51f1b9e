"""Executed notebooks from jupytext sources, and the submission bundle.

A notebook's source is a percent-format ``.py`` file under version control (no outputs in git). Its
cells are Jinja templates: Markdown cells call the sheet's template globals — ``{{ question("2c") }}``, ``{{ answer("2c") }}``,
``{{ listing("gdlab.logreg.cost") }}`` — so a notebook says exactly what the sheet says; the figures an
answer shows travel inside the cell as attachments. The code cells import the package and run (nbclient,
kernel ``python3``, working directory the project); a failing cell fails the build, naming the notebook,
the cell and the traceback. The two steps are separate jobs — run the code cells (a kernel, seconds), then
render the Markdown cells into the run notebook (no kernel) — so that editing the prose reruns no kernel.
"""

from __future__ import annotations

import base64
import logging
import os
import shutil
import zipfile
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from .io import atomic_path
from .report import Renderer

KERNEL = "python3"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # a fixed timestamp: the same files give the same zip, byte for byte


def read_source(source: Path) -> nbformat.NotebookNode:
    """The notebook of a jupytext source, its cells still templates, with fixed cell ids and no metadata
    (reproducible files)."""
    nb = jupytext.read(source)
    nb.metadata = {"kernelspec": {"name": KERNEL, "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python"}}
    for i, cell in enumerate(nb.cells):
        cell.id = f"{source.stem}-{i:02d}"
        cell.metadata = {}
    return nb


def render(nb: nbformat.NotebookNode, renderer: Renderer, cell_type: str) -> nbformat.NotebookNode:
    """Render the cells of one type (``"code"`` or ``"markdown"``) in place. Code cells are templates too, so
    that a demo runs with the configured values (``{{ cfg.seed }}``); a Markdown cell carries the figures it
    shows as attachments, and its figure references are resolved once every cell has its figures."""
    cells = [c for c in nb.cells if c.cell_type == cell_type]
    for cell in cells:
        renderer.attachments.clear()
        cell.source = renderer.render_string(cell.source).strip()
        if renderer.attachments:
            cell.attachments = {f"{key}.png": {"image/png": base64.b64encode(
                Path(renderer.figures[key]).read_bytes()).decode()} for key in renderer.attachments}
    for cell in cells:  # now that every figure has its place
        cell.source = renderer.resolve(cell.source)
    return nb


def execute(nb: nbformat.NotebookNode, source: Path, out: Path, *, timeout_s: float, log: logging.Logger) -> None:
    """Run every code cell of ``nb`` (from ``source``) and write it (atomically: a failed run leaves no notebook)."""
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=timeout_s, record_timing=False,
                            resources={"metadata": {"path": os.getcwd()}})
    try:
        client.execute()
    except CellExecutionError as exc:
        failed = next((c.id for c in nb.cells if c.cell_type == "code"
                       and any(o.get("output_type") == "error" for o in c.get("outputs", []))), "?")
        raise RuntimeError(f"{source}: cell {failed} failed while executing the notebook:\n{exc}") from None
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata = {}  # nbclient's execution bookkeeping: not part of the result
    nb.metadata["language_info"] = {"name": "python"}  # the kernel adds its exact version: not part of the result
    write(nb, out)
    log.info("executed %s -> %s (%d cells)", source, out, len(nb.cells))


def write(nb: nbformat.NotebookNode, out: Path) -> None:
    with atomic_path(out) as tmp:
        nbformat.write(nb, str(tmp))


def bundle(files: list[Path], copies: list[Path], archive: Path) -> None:
    """Copy each of ``files`` to its place in ``copies`` (atomically), and all of them into a byte-reproducible
    zip whose folder is the copies' folder."""
    for src, dst in zip(files, copies, strict=True):
        with atomic_path(dst) as tmp:
            shutil.copyfile(src, tmp)
    folder = copies[0].parent.name
    with atomic_path(archive) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(copies, key=lambda p: p.name):
            info = zipfile.ZipInfo(f"{folder}/{f.name}", date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, f.read_bytes())
