"""One notebook of the hand-in using the functions another one defines, so that each is written once: in the
notebook of its exercise (the runs of Exercises 4-6 train Exercise 3's model with Exercise 3's code)."""

from __future__ import annotations

import ast
import json


def definitions(notebook, *names):
    """The functions (or classes) `names`, in that order, as the code cells of `notebook` (a file of this hand-in)
    define them. Only the notebook's imports and its `def` and `class` statements run here, not its training."""
    namespace = {}
    with open(notebook, encoding="utf-8") as f:
        cells = [c for c in json.load(f)["cells"] if c["cell_type"] == "code"]
    for cell in cells:
        # IPython's magics and shell escapes are not Python, and define nothing.
        lines = "".join(cell["source"]).splitlines()
        tree = ast.parse("\n".join("" if s.lstrip().startswith(("%", "!")) else s for s in lines))
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
                exec(compile(ast.Module([node], type_ignores=[]), notebook, "exec"), namespace)
    missing = [name for name in names if name not in namespace]
    if missing:
        raise NameError(f"{notebook} defines no {', '.join(missing)}")
    return tuple(namespace[name] for name in names)
