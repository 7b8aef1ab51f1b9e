"""Code listings for the sheet and the notebooks: the source of a package function or class, found by its
qualified name in the package's own files (``ast``, nothing imported), with its file and lines.

The sheet shows exactly the code the pipeline runs and the tests test — never a copy.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path


def module_file(qualname: str, src: Path) -> Path:
    """``gdlab.logreg.predict`` -> ``src/gdlab/logreg.py`` (the module is every part but the last)."""
    *module, _ = qualname.split(".")
    path = Path(src, *module).with_suffix(".py")
    if not path.is_file():
        raise LookupError(f"listing {qualname!r}: no module file {path}")
    return path


def extract(qualname: str, src: Path) -> dict:
    """{"qualname", "file", "first_line", "last_line", "code"} of a top-level function or class (decorators included),
    or of a module-level constant (``NAME = ...``)."""
    path = module_file(qualname, src)
    name = qualname.rsplit(".", 1)[1]
    text = path.read_text()
    found = None  # the last definition wins, as it does when the module runs
    for node in ast.parse(text, filename=str(path)).body:
        assigned = isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        if assigned or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            found = node
    if found is not None:
        first = min([found.lineno, *(d.lineno for d in getattr(found, "decorator_list", []))])
        lines = text.splitlines()[first - 1 : found.end_lineno]
        return {"qualname": qualname, "file": path.as_posix(), "first_line": first, "last_line": found.end_lineno,
                "code": "\n".join(lines)}
    raise LookupError(f"listing {qualname!r}: {path} defines no top-level function, class or constant {name!r} "
                      "(renamed or removed? update report/practical.yaml)")


def listed(practical: dict) -> list[str]:
    """Every qualified name the practical's parts list, in order, each once."""
    names = [q for ex in practical["exercises"] for part in ex["parts"] for q in part.get("listings", [])]
    return list(dict.fromkeys(names))


CODE_CALL = re.compile(r"""\{\{\s*code\(\s*["']([\w.]+)["']\s*\)\s*\}\}""")


def notebook_code(source: str) -> list[str]:
    """The qualified names a notebook source puts into its code cells (``{{ code("gdlab.linreg.cost") }}``), in order."""
    return list(dict.fromkeys(CODE_CALL.findall(source)))
