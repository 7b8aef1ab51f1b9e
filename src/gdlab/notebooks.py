"""Executed notebooks from jupytext sources, and the zip the course collects.

A notebook's source is a percent-format ``.py`` file under version control (no outputs in git). Its cells are
Jinja templates. A code cell puts the package's own functions in by name — ``{{ code("gdlab.logreg.cost") }}``
becomes the function's source — so the notebook defines and runs exactly the code the pipeline runs, and imports
nothing of the package. A Markdown cell calls the sheet's template globals — ``{{ question("2c") }}``,
``{{ answer("2c") }}`` — so a notebook says what the sheet says; its figures are outputs of its own code cells.
The code cells run in the hand-in's folder beside the data that travel with it (nbclient, kernel ``python3``); a
failing cell fails the build, naming the notebook, the cell and the traceback. The two steps are separate jobs —
run the code cells (a kernel), then render the Markdown cells into the run notebook (no kernel) — so that editing
the prose reruns no kernel.
"""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from .check.evidence import merge_streams
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


def paragraphs(text: str) -> str:
    """Markdown with each run of blank lines cut to one (the same Markdown): a template's parts for the sheet alone
    leave runs of them in a notebook's cell."""
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)


def render(nb: nbformat.NotebookNode, renderer: Renderer, cell_type: str) -> nbformat.NotebookNode:
    """Render the cells of one type (``"code"`` or ``"markdown"``) in place, then resolve their figure references
    (once every cell is rendered, so that each figure has its place)."""
    cells = [c for c in nb.cells if c.cell_type == cell_type]
    for cell in cells:
        cell.source = renderer.render_string(cell.source).strip()
        if cell_type == "markdown":
            cell.source = paragraphs(cell.source)
    for cell in cells:
        cell.source = renderer.resolve(cell.source)
    return nb


def undefined_names(nb: nbformat.NotebookNode) -> list[str]:
    """Names the code cells use but never define, import or get from Python's builtins, in order: a function put in
    by name that relies on a module constant the notebook lacks shows up here, before any kernel starts."""
    import ast
    import builtins

    defined = set(dir(builtins)) | {"__file__", "display", "get_ipython"}
    missing: list[str] = []
    for number, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        # IPython's magics and shell escapes are not Python: they define nothing, so they are left out.
        code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.splitlines())
        try:
            tree = ast.parse(code)
        except SyntaxError as exc:
            raise SyntaxError(f"code cell {number} ({cell.get('id', '?')}) is not valid Python: {exc}") from None
        scopes = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda, ast.ClassDef,
                                                                ast.ListComp, ast.DictComp, ast.GeneratorExp))]
        local = {a.arg for f in scopes for a in ast.walk(f) if isinstance(a, ast.arg)}
        for node in ast.walk(tree):  # what this cell binds at any level counts as defined (a simple, generous rule)
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                defined.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                defined.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                defined.add(node.name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                if node.id not in defined | local and node.id not in missing:
                    missing.append(node.id)
    return missing


def execute(nb: nbformat.NotebookNode, source: Path, out: Path, *, cwd: Path, timeout_s: float,
            log: logging.Logger) -> None:
    """Run every code cell of ``nb`` (from ``source``) with ``cwd`` (made if missing) as the kernel's working
    directory, and write it
    (atomically: a failed run leaves no notebook)."""
    missing = undefined_names(nb)
    if missing:
        raise RuntimeError(f"{source}: its code cells use {missing} but never define or import them (a function put in "
                           "with code() may need a constant of its module: put that in too)")
    # The kernel's working folder: this job makes it, for no other job's output need have made it before (a notebook
    # that reads no data file has none of its inputs there).
    cwd.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=timeout_s, record_timing=False,
                            resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        failed = next((c.id for c in nb.cells if c.cell_type == "code"
                       and any(o.get("output_type") == "error" for o in c.get("outputs", []))), "?")
        raise RuntimeError(f"{source}: cell {failed} failed while executing the notebook:\n{exc}") from None
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata = {}  # nbclient's execution bookkeeping: not part of the result
            # How the kernel chunked a stream depends on when it flushed: merged, the same run writes the same bytes.
            cell.outputs = [nbformat.from_dict(o) for o in merge_streams(cell.outputs)]
    nb.metadata["language_info"] = {"name": "python"}  # the kernel adds its exact version: not part of the result
    write(nb, out)
    log.info("executed %s -> %s (%d cells)", source, out, len(nb.cells))


def write(nb: nbformat.NotebookNode, out: Path) -> None:
    with atomic_path(out) as tmp:
        nbformat.write(nb, str(tmp))


def zip_folder(folder: Path, files: list[Path], archive: Path) -> None:
    """The ``files`` (all inside ``folder``) in a byte-reproducible zip whose one top-level folder is ``folder``'s
    name, as the course collects hand-ins."""
    with atomic_path(archive) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(files, key=lambda p: p.relative_to(folder).as_posix()):
            info = zipfile.ZipInfo(f"{folder.name}/{f.relative_to(folder).as_posix()}", date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, f.read_bytes())
