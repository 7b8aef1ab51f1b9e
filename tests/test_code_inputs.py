"""Every rule lists, as inputs, each package module its script imports (directly or indirectly)."""

import ast
import re
from pathlib import Path

from conftest import REPO

SRC = REPO / "src" / "gdlab"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    mods = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.module and node.module.startswith("gdlab."):
                mods.add(node.module.split(".")[1])
            elif node.level == 1 and node.module:
                mods.add(node.module)
    return mods


def closure(mods: set[str]) -> set[str]:
    seen, todo = set(), list(mods)
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(imports_of(SRC / f"{m}.py"))
    return seen


def test_pkg_imports_table_matches_the_package():
    text = (REPO / "workflow" / "rules" / "common.smk").read_text()
    table = eval(re.search(r"PKG_IMPORTS = (\{.*?\})\n", text).group(1))  # a literal dict in our own file
    for module in SRC.glob("*.py"):
        assert set(table.get(module.stem, [])) == imports_of(module) - {"io"}, module.name  # io: always listed


def test_every_script_lists_what_it_imports():
    """Dry-run the DAG's rule declarations: each rule with a script has code= inputs covering its imports."""
    for smk in (REPO / "workflow" / "rules").glob("*.smk"):
        text = smk.read_text()
        for rule in re.split(r"\nrule ", text)[1:]:
            script = re.search(r'script:\s*\n\s*"\.\./\.\./scripts/([\w.]+)"', rule)
            if not script:
                continue
            listed = re.search(r"code=pkg\(([^)]*)\)", rule)
            assert listed, f"{smk.name}: rule {rule.split(':')[0]} lists no code= inputs"
            names = set(re.findall(r'"(\w+)"', listed.group(1)))
            needed = closure(imports_of(REPO / "scripts" / script.group(1))) - {"__init__"}
            expanded = closure(names) | {"io"}
            assert needed <= expanded, f"rule {rule.split(':')[0]}: imports {sorted(needed - expanded)} not listed"
