"""gdlab.listings: the source of a listed function, class or module constant, by qualified name, from the package
files; the names a notebook source puts in with code(); and every name report/practical.yaml and the notebooks use
still exists in src/."""

import ast
import textwrap
from pathlib import Path

import pytest
import yaml

from gdlab.listings import extract, listed, module_file, notebook_code

REPO = Path(__file__).resolve().parent.parent

MODULE = textwrap.dedent('''\
    """A module."""
    import functools

    LIMIT = 10  # a constant
    TABLE = {
        "a": 1,
        "b": LIMIT,
    }
    FIRST = SECOND = "x"


    def plain(x):
        return x + 1


    @functools.lru_cache(maxsize=None)
    @staticmethod
    def decorated(x):
        """Twice."""
        return 2 * x


    class Model:
        SIZE = 3

        def step(self):
            def inner():
                pass
            return inner


    async def later():
        pass


    if LIMIT:
        HIDDEN = 1
    ''')


@pytest.fixture
def src(tmp_path):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "mod.py").write_text(MODULE)
    (tmp_path / "pkg" / "sub" / "deep.py").write_text("def f():\n    return 1\n")
    return tmp_path


def test_module_file(src):
    assert module_file("pkg.mod.plain", src) == src / "pkg" / "mod.py"
    assert module_file("pkg.sub.deep.f", src) == src / "pkg" / "sub" / "deep.py"
    with pytest.raises(LookupError, match=r"listing 'pkg.nope.f': no module file .*pkg/nope\.py"):
        module_file("pkg.nope.f", src)
    with pytest.raises(LookupError, match="no module file"):
        module_file("pkg.sub.f", src)  # a folder is not a module


def test_extract_function_with_its_lines(src):
    s = extract("pkg.mod.plain", src)
    assert s == {"qualname": "pkg.mod.plain", "file": (src / "pkg" / "mod.py").as_posix(), "first_line": 12,
                 "last_line": 13, "code": "def plain(x):\n    return x + 1"}


def test_extract_includes_the_decorators(src):
    s = extract("pkg.mod.decorated", src)
    assert (s["first_line"], s["last_line"]) == (16, 20)
    assert s["code"].splitlines()[0] == "@functools.lru_cache(maxsize=None)"
    assert s["code"].splitlines()[-1] == "    return 2 * x"
    lines = MODULE.splitlines()
    assert s["code"] == "\n".join(lines[s["first_line"] - 1 : s["last_line"]])


def test_extract_class_and_async_function(src):
    s = extract("pkg.mod.Model", src)
    assert (s["first_line"], s["last_line"]) == (23, 29) and s["code"].startswith("class Model:")
    assert s["code"].endswith("        return inner")
    assert extract("pkg.mod.later", src)["code"] == "async def later():\n    pass"
    assert extract("pkg.sub.deep.f", src)["first_line"] == 1


def test_extract_module_constants_whole(src):
    one = extract("pkg.mod.LIMIT", src)
    assert (one["first_line"], one["last_line"], one["code"]) == (4, 4, "LIMIT = 10  # a constant")
    table = extract("pkg.mod.TABLE", src)
    assert (table["first_line"], table["last_line"]) == (5, 8)
    assert table["code"] == 'TABLE = {\n    "a": 1,\n    "b": LIMIT,\n}'
    ast.parse(table["code"])  # a statement that runs on its own
    # Either name of a chained assignment finds the one statement.
    assert extract("pkg.mod.FIRST", src)["code"] == extract("pkg.mod.SECOND", src)["code"] == 'FIRST = SECOND = "x"'


@pytest.mark.parametrize("name", ["missing", "inner", "step", "SIZE", "HIDDEN", "functools"])
def test_only_top_level_definitions_are_found(src, name):
    """A method, a nested function, a class attribute, a name assigned under an ``if`` or imported: none is listed."""
    with pytest.raises(LookupError, match=rf"defines no top-level function, class or constant '{name}'"
                                          r".*update report/practical.yaml"):
        extract(f"pkg.mod.{name}", src)


def test_a_reassigned_constant_is_listed_as_the_module_runs_it(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("RATE = 1\nRATE = 2\n")
    assert extract("pkg.m.RATE", tmp_path)["code"] == "RATE = 2"


def test_listed_walks_the_parts_in_order_each_name_once():
    practical = {"exercises": [
        {"number": 1, "parts": [{"letter": "a", "listings": ["m.a", "m.b"]}, {"letter": "b"}]},
        {"number": 2, "parts": [{"letter": "a", "listings": ["m.c", "m.a"]}]},
        {"number": 3, "notebook": "nb", "parts": []},
    ]}
    assert listed(practical) == ["m.a", "m.b", "m.c"]
    assert listed({"exercises": []}) == []


def test_notebook_code_finds_the_code_calls_in_order_each_once():
    source = textwrap.dedent('''\
        # %% [markdown]
        # {{ answer("1a") }} and {{ listing("gdlab.not.this") }}

        # %%
        {{ code("gdlab.linreg.cost") }}
        {{code('gdlab.gd.train')}}
        {{   code(  "gdlab.facts.STATUSES"  )   }}

        # %%
        {{ code("gdlab.linreg.cost") }}
        x = code("gdlab.not.templated")
        {{ code(name) }}
        ''')
    assert notebook_code(source) == ["gdlab.linreg.cost", "gdlab.gd.train", "gdlab.facts.STATUSES"]
    assert notebook_code("# %%\nx = 1\n") == []


def test_every_listing_of_the_practical_and_the_notebooks_exists_in_src(monkeypatch):
    """Fails when a function, class or constant the sheet or a notebook shows is renamed or removed without updating
    report/practical.yaml or the notebook."""
    monkeypatch.chdir(REPO)  # the listings name their files relative to the project, as the workflow runs them
    practical = yaml.safe_load(Path("report/practical.yaml").read_text())
    sources = [Path("report/notebooks", f"{ex['notebook']}.py") for ex in practical["exercises"] if "notebook" in ex]
    assert len(sources) == 4 and all(p.is_file() for p in sources)
    in_notebooks = [q for p in sources for q in notebook_code(p.read_text())]
    assert all(notebook_code(p.read_text()) for p in sources)  # every notebook runs the package's own code
    names = list(dict.fromkeys(listed(practical) + in_notebooks))
    assert len(listed(practical)) > 15 and len(names) > len(listed(practical))
    for q in names:
        s = extract(q, Path("src"))
        assert s["file"] == module_file(q, Path("src")).as_posix() and s["file"].startswith("src/gdlab/")
        node = ast.parse(s["code"]).body[0]
        defined = [t.id for t in node.targets] if isinstance(node, ast.Assign) else [node.name]
        assert q.rsplit(".", 1)[1] in defined, q
