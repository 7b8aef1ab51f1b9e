"""gdlab.reuse.definitions: a notebook takes another notebook's functions, and only its functions."""

from __future__ import annotations

import json

import pytest

from gdlab.reuse import definitions


def notebook(tmp_path, *cells: str):
    path = tmp_path / "other.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "source": c, "outputs": [], "metadata": {}}
                                          for c in cells] + [{"cell_type": "markdown", "source": "x = 1"}]}))
    return str(path)


def test_the_functions_come_with_the_imports_and_helpers_they_use_and_nothing_else_runs(tmp_path):
    path = notebook(tmp_path, "%matplotlib inline\nimport math\nfrom math import sqrt as root",
                    ["def norm(x, y):\n", "    return root(square(x) + square(y))\n"],
                    "def square(x):\n    return math.pow(x, 2)\n\nraise RuntimeError('the training ran')",
                    "class Point:\n    def __init__(self, x):\n        self.x = norm(x, 0)")
    norm, point = definitions(path, "norm", "Point")
    assert norm(3, 4) == 5.0 and point(-2).x == 2.0
    assert norm.__code__.co_filename == path  # a traceback names the notebook the function is written in


def test_a_later_definition_wins_as_when_the_notebook_runs(tmp_path):
    path = notebook(tmp_path, "def f():\n    return 1", "def f():\n    return 2")
    (f,) = definitions(path, "f")
    assert f() == 2


def test_a_name_the_notebook_does_not_define_is_an_error_naming_the_file(tmp_path):
    path = notebook(tmp_path, "y = 2\ndef f():\n    return y")
    with pytest.raises(NameError, match=r"other\.ipynb defines no g, y"):
        definitions(path, "f", "g", "y")
