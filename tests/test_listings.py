"""gdlab.listings: the source of a listed function or class, by qualified name, from the package files — and every
name report/practical.yaml lists still exists in src/."""

import textwrap
from pathlib import Path

import pytest
import yaml

from gdlab.listings import extract, listed, module_file

REPO = Path(__file__).resolve().parent.parent

MODULE = textwrap.dedent('''\
    """A module."""
    import functools


    def plain(x):
        return x + 1


    @functools.lru_cache(maxsize=None)
    @staticmethod
    def decorated(x):
        """Twice."""
        return 2 * x


    class Model:
        def step(self):
            def inner():
                pass
            return inner


    async def later():
        pass
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


def test_extract_function_with_its_lines(src):
    s = extract("pkg.mod.plain", src)
    assert s == {"qualname": "pkg.mod.plain", "file": (src / "pkg" / "mod.py").as_posix(), "first_line": 5,
                 "last_line": 6, "code": "def plain(x):\n    return x + 1"}


def test_extract_includes_the_decorators(src):
    s = extract("pkg.mod.decorated", src)
    assert (s["first_line"], s["last_line"]) == (9, 13)
    assert s["code"].splitlines()[0] == "@functools.lru_cache(maxsize=None)"
    assert s["code"].splitlines()[-1] == "    return 2 * x"
    lines = MODULE.splitlines()
    assert s["code"] == "\n".join(lines[s["first_line"] - 1 : s["last_line"]])


def test_extract_class_and_async_function(src):
    s = extract("pkg.mod.Model", src)
    assert (s["first_line"], s["last_line"]) == (16, 20) and s["code"].startswith("class Model:")
    assert s["code"].endswith("        return inner")
    assert extract("pkg.mod.later", src)["code"] == "async def later():\n    pass"
    assert extract("pkg.sub.deep.f", src)["first_line"] == 1


@pytest.mark.parametrize("name", ["missing", "inner", "step", "functools"])
def test_only_top_level_definitions_are_found(src, name):
    with pytest.raises(LookupError, match=rf"defines no top-level function or class '{name}'.*report/practical.yaml"):
        extract(f"pkg.mod.{name}", src)


def test_listed_walks_the_parts_in_order_each_name_once():
    practical = {"exercises": [
        {"number": 1, "parts": [{"letter": "a", "listings": ["m.a", "m.b"]}, {"letter": "b"}]},
        {"number": 2, "parts": [{"letter": "a", "listings": ["m.c", "m.a"]}]},
    ]}
    assert listed(practical) == ["m.a", "m.b", "m.c"]


def test_every_listing_of_the_practical_exists_in_src(monkeypatch):
    """Fails when a function or class the sheet shows is renamed or removed without updating report/practical.yaml."""
    monkeypatch.chdir(REPO)  # the listings name their files relative to the project, as the workflow runs them
    practical = yaml.safe_load(Path("report/practical.yaml").read_text())
    names = listed(practical)
    assert len(names) > 20
    for q in names:
        s = extract(q, Path("src"))
        assert s["file"] == module_file(q, Path("src")).as_posix() and s["file"].startswith("src/gdlab/")
        first = s["code"].lstrip().splitlines()
        assert any(line.startswith(("def ", "class ", "async def ")) and q.rsplit(".", 1)[1] in line for line in first)
