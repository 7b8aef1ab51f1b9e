"""The hand-in's text: Jinja2 fills Pandoc Markdown from results/, for two targets from one source —
the sheet (pandoc -> Typst -> PDF, and HTML) and the notebooks' Markdown cells.

Templates never decide anything about the data: a sentence that depends on a result is picked by
``say(fact, {value: sentence})`` from a fact computed in a summary, and an unknown value is an error.
"""

from __future__ import annotations

import csv
import statistics
import math
import os
import re
from pathlib import Path
from typing import Any

import jinja2
import yaml

from .claims import OPS
from .io import atomic_path, read_json

TARGETS = ("sheet", "notebook")


# --- numbers as the sheet writes them ---------------------------------------------------------------

def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


NBSP = "\u00a0"  # between a number and its unit: "92.57 %" never breaks across lines
MINUS = "\u2212"  # a minus sign, not a hyphen


def _minus(text: str) -> str:
    return MINUS + text[1:] if text.startswith("-") else text


SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def sig(x: float | None, digits: int = 4) -> str:
    """A number with ``digits`` significant digits, plain text (what the PDF shows); a number with more integer
    digits than that is written whole (4153, not 4.15e+03), up to a billion; beyond, and below 10⁻⁴, it is
    written as a power of ten (5.3 × 10³², −2.2 × 10⁻¹⁶)."""
    if _missing(x):
        return "n/a"
    exp = math.floor(math.log10(abs(float(f"{x:.{digits - 1}e}")))) if x != 0 else 0  # after rounding
    if exp >= 9 or exp < -4:
        mantissa = f"{x / 10**exp:.{digits - 1}f}".rstrip("0").rstrip(".")
        return _minus(f"{mantissa}{NBSP}×{NBSP}10{str(exp).translate(SUPERSCRIPT)}")
    if exp >= digits:
        return _minus(f"{round(x):d}")
    return _minus(f"{x:.{digits}g}")


def sci(x: float | None, digits: int = 2) -> str:
    """A number as TeX math with ``digits`` significant digits: 3.1 × 10^-7 when tiny or huge, plain otherwise."""
    if _missing(x):
        return "n/a"
    if x == 0:
        return "$0$"
    exp = math.floor(math.log10(abs(float(f"{x:.{digits - 1}e}"))))  # after rounding: 9.96e-5 is 1.0e-4
    if -3 <= exp <= 4:
        return f"${x:.{max(0, digits - 1 - exp)}f}$"
    return f"${x / 10**exp:.{digits - 1}f} \\times 10^{{{exp}}}$"


def sigz(x: float | None, digits: int = 3) -> str:
    """As :func:`sig`, but with trailing zeros kept, so that a column of a table has one precision (0.160, 0.0255)."""
    if _missing(x):
        return "n/a"
    plain = sig(x, digits)
    if "×" in plain or "e" in plain or abs(x) >= 10 ** digits:
        return plain
    return _minus(f"{x:#.{digits}g}".rstrip("."))


def fixed(x: float | None, decimals: int = 2) -> str:
    """A fixed number of decimals, for a column whose values are of order one: a rounding error such as
    1 − 1·(1 + 2.2e-16) prints as 0.00, not −2.22 × 10^-16 and not −0.00."""
    if _missing(x):
        return "n/a"
    return _minus(f"{round(x, decimals) + 0.0:.{decimals}f}")


def bound(x: float | None, digits: int = 2) -> str:
    """An upper bound as TeX, rounded *up* so that "within" and "at most" stay true: 4.44e-16 -> 4.5 × 10^-16."""
    if _missing(x) or x <= 0:
        return sci(x, digits)
    exp = math.floor(math.log10(x))
    step = 10.0 ** (exp - digits + 1)
    up = math.ceil(round(x / step, 9)) * step  # round() first: 0.3 / 0.1 is 2.9999999999999996, not above 3
    return sci(up, digits)


def pct(x: float | None, digits: int = 2) -> str:
    """A share as a percentage: 0.9263 -> "92.63 %"."""
    return "n/a" if _missing(x) else _minus(f"{100 * x:.{digits}f}{NBSP}%")


def pm(mean: float | None, sd: float | None, digits: int = 2) -> str:
    """A mean share ± its standard deviation: "91.59 % ± 0.10 percentage points", the number never broken from
    its sign or unit."""
    return f"{pct(mean, digits)}{NBSP}±{NBSP}{pp(sd, digits)}"


def pp(x: float | None, digits: int = 2) -> str:
    """A difference of two shares in percentage points: 0.0021 -> "0.21 percentage points"."""
    return "n/a" if _missing(x) else _minus(f"{100 * x:.{digits}f}{NBSP}percentage points")


def count(n: int) -> str:
    """A whole number with its thousands set apart: 50000 -> "50 000" (as the practical writes 60 000)."""
    return f"{int(n):,}".replace(",", NBSP)


def times(coef: float, what: str, digits: int = 6) -> str:
    """``what`` scaled by a coefficient, as a reader writes it: 1 and −1 are left out ("x", "−x"), any other
    coefficient is shown ("0.5 · x")."""
    shown = sig(coef, digits)
    return {"1": what, _minus("-1"): f"{_minus('-')}{what}"}.get(shown, f"{shown} · {what}")


def signed(x: float | None, digits: int = 2) -> str:
    """A number that is added to something, as TeX: "+ 1.4 \\times 10^{-9}" or "- 0.25"."""
    if _missing(x):
        return "+ \\text{n/a}"
    return ("- " if x < 0 else "+ ") + sci(abs(x), digits).strip("$")


def claimval(x) -> str:
    """A claim's value or bound as the sheet shows it."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, (int, float)):
        return sig(float(x), 6)
    return str(x)


def claimop(op: str) -> str:
    if op not in OPS:
        raise ValueError(f"unknown claim operator {op!r}; expected one of {sorted(OPS)}")
    return OPS[op][1]


def say(fact, sentences: dict) -> str:
    """The sentence for a computed fact; a fact with no sentence is an error, never a blank or a wrong default."""
    key = fact if isinstance(fact, str) else ("true" if fact is True else "false" if fact is False else str(fact))
    if key not in sentences:
        raise KeyError(f"no sentence for the fact value {fact!r} (the template has {sorted(sentences)})")
    return sentences[key]


def _strict(fmt):
    """A number filter that fails on a missing value instead of printing something."""

    def wrapped(x, *args):
        if isinstance(x, jinja2.Undefined):
            x._fail_with_undefined_error()
        return fmt(x, *args)

    return wrapped


# --- rendering ----------------------------------------------------------------------------------------

def figure_key(path: str | os.PathLike) -> str:
    """results/ex1/figures/convergence.png -> ex1_convergence."""
    p = Path(path)
    return f"{p.parent.parent.name}_{p.stem}"


class Renderer:
    """One Jinja environment over ``report/`` for one target, with the results as context.

    Globals the templates use: ``answer(part)`` (a part's answer, from report/answers/exN.md.j2),
    ``question(part)``, ``section(part)``, ``figure(key, caption, width)``, ``figref(key)``, ``listing(qualname)``
    (the sheet), ``code(qualname)`` (a notebook's code cell), ``say(fact, sentences)``.
    """

    def __init__(self, template_dir: Path, context: dict, target: str, figures: dict[str, str], out: Path,
                 listings: dict[str, dict], practical: dict):
        if target not in TARGETS:
            raise ValueError(f"unknown target {target!r}; expected one of {TARGETS}")
        self.target, self.out, self.figures, self.listings = target, Path(out), figures, listings
        self.placed: dict[str, str] = {}  # figure -> the part whose answer shows it, in this document
        self.current_part = ""
        self._homes: dict[str, str] | None = None
        self.parts = {f"{ex['number']}{p['letter']}": (ex, p) for ex in practical["exercises"] for p in ex["parts"]}
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(template_dir)),
            undefined=jinja2.StrictUndefined,  # a missing result is an error, never a blank
            keep_trailing_newline=True,
            autoescape=False,
            # Pandoc attributes ({#fig-x width=80%}) start with "{#": move Jinja comments out of the way.
            comment_start_string="{##",
            comment_end_string="##}",
        )
        self.env.filters["toyaml"] = lambda d: yaml.safe_dump(d, sort_keys=True, width=100).rstrip()
        self.env.filters.update({name: _strict(f) for name, f in (("sig", sig), ("sci", sci), ("pct", pct), ("pp", pp), ("pm", pm), ("count", count), ("signed", signed), ("times", times), ("sigz", sigz), ("fixed", fixed), ("bound", bound),
                                                                   ("claimval", claimval), ("claimop", claimop))})
        self.context = context | {"target": target, "practical": practical}
        self.env.globals.update(say=say, figure=self.figure, figref=self.figref, listing=self.listing, code=self.code,
                                question=self.question, answer=self.answer, beyond=self.beyond, section=self.section,
                                part=self.part)
        self._modules: dict[int, Any] = {}

    def part(self, part_id: str) -> tuple[dict, dict]:
        """(exercise, part) of report/practical.yaml for a part id such as "2c" (Exercise 5: "5")."""
        if part_id not in self.parts:
            raise KeyError(f"no part {part_id!r} in report/practical.yaml")
        return self.parts[part_id]

    @staticmethod
    def label(ex: dict, p: dict) -> str:
        return f"{ex['number']} {p['letter']})" if p["letter"] else f"{ex['number']}"

    def question(self, part_id: str) -> str:
        ex, p = self.part(part_id)
        return f"**{ex['number']}{' ' + p['letter'] + ')' if p['letter'] else ''}** *{p['question']}*"

    def _answers(self, number: int):
        """report/answers/ex<N>.md.j2 as a module of macros, rendered with the results."""
        if number not in self._modules:
            self._modules[number] = self.env.get_template(f"answers/ex{number}.md.j2").make_module(self.context)
        return self._modules[number]

    def answer(self, part_id: str) -> str:
        """The answer to one part: the macro named after its letter (``summary`` for Exercise 5)."""
        ex, p = self.part(part_id)
        self.current_part = self.label(ex, p)
        return str(getattr(self._answers(ex["number"]), p["letter"] or "summary")()).strip()

    def section(self, part_id: str) -> str:
        """One part as the sheet shows it: heading, the practical's question, the answer's lead (its first
        paragraph: the answer itself), the code that answers it (the listings of report/practical.yaml, from the
        package source), then the rest of the answer — the evidence and its reading."""
        ex, p = self.part(part_id)
        lead, _, rest = self.answer(part_id).partition("\n\n")
        # The maths PDF is the practical's "PDF with your maths calculations": its code is in the notebooks, and its
        # reader holds the practical — the heading names each part, a grader reads the answers (the sheet quotes).
        maths = self.context.get("doc") == "maths"
        listings = "".join(f"{self.listing(q)}\n\n" for q in ([] if maths else p.get("listings", [])))
        asked = "" if maths else f"> {self.question(part_id)}\n\n"
        return f"## {self.label(ex, p)} {p['gist']}\n\n{asked}{lead}\n\n{listings}{rest}\n"

    def beyond(self, number: int, part: str = "all") -> str:
        """An exercise's section beyond the practical's questions (macro ``beyond``), if it has one: ``all`` of it,
        its ``heading``, its ``body``, or the piece of its body that a bold label opens (``"Held out"``: from the
        paragraph that starts with **Held out.** to the next one so labelled). A notebook puts each piece after the
        code cell it rests on."""
        module = self._answers(number)
        self.current_part = f"{number}, beyond the questions"
        text = str(module.beyond()).strip() if hasattr(module, "beyond") else ""
        if part == "all":
            return text
        heading, _, body = text.partition("\n")
        if not heading.startswith("#"):  # no heading: all of it is body
            heading, body = "", text
        if part in ("heading", "body"):
            return heading if part == "heading" else body.strip()
        pieces = {m.group(1): m.group(0).strip() for m in
                  re.finditer(r"(?ms)^\*\*([^*\n]+?)\.\*\*.*?(?=^\*\*[^*\n]+?\.\*\*|\Z)", body)}
        if part not in pieces:
            raise ValueError(f"beyond({number}): part must be 'all', 'heading', 'body' or one of the labels "
                             f"{sorted(pieces)}, not {part!r}")
        return pieces[part]

    def figure(self, key: str, caption: str) -> str:
        """A figure of the sheet with its caption, printed at the size it was drawn (so that its text prints at the
        sizes matplotlib set, never scaled down). A notebook draws its own plots in its code cells: there the
        figure only takes its place (for references) and the text shows nothing."""
        if self.target == "notebook":
            self.placed[key] = self.current_part
            return ""
        if key not in self.figures:
            raise KeyError(f"no figure {key!r}; the build makes {sorted(self.figures)}")
        self.placed[key] = self.current_part
        path = os.path.relpath(self.figures[key], self.out.parent)
        width_in = png_size_in(self.figures[key])[0]
        return f"\n\n![{caption}]({path}){{#fig-{key.replace('_', '-')} width={width_in:.3f}in}}\n\n"

    def figref(self, key: str) -> str:
        """A reference to a figure: a cross-reference where the document shows it, words where it does not
        (a notebook, or the maths PDF pointing into the full sheet). Resolved once the document is rendered."""
        if self.target == "sheet" and key not in self.figures:
            raise KeyError(f"no figure {key!r}; the build makes {sorted(self.figures)}")
        return f"\x00figref:{key}@{self.current_part}\x00"

    def _figure_homes(self) -> dict[str, str]:
        """figure -> the part whose answer shows it, over the whole practical (rendered once to find out)."""
        if self._homes is None:
            placed, current = dict(self.placed), self.current_part
            for pid, (ex, p) in self.parts.items():
                self.current_part = self.label(ex, p)
                self.answer(pid)
            for number in sorted({ex["number"] for ex, _ in self.parts.values()}):
                self.beyond(number)
            self._homes = dict(self.placed)
            self.placed, self.current_part = placed, current
        return self._homes

    def resolve(self, text: str) -> str:
        """Turn figure references into words or cross-references, once every figure of the document is placed:
        a cross-reference where the document shows the figure, otherwise where to find it."""

        def ref(m: re.Match) -> str:
            key, part = m.group(1), m.group(2)
            if key in self.placed:
                if self.target == "sheet":
                    return f"([@fig-{key.replace('_', '-')}])"
                if self.placed[key] == part:  # a notebook draws a part's plot in the code cell below its answer
                    return "(the plot below)"
                return f"(the plot of part {self.placed[key].rstrip(')')})"
            home = self._figure_homes().get(key)
            if home is None:
                raise KeyError(f"figure {key!r} is referenced, but no answer shows it")
            number = int(home.split()[0].rstrip(","))
            ex = next(e for e, _ in self.parts.values() if e["number"] == number)
            where = f"the notebook {ex['notebook']}.ipynb" if "notebook" in ex else "the maths PDF"
            return f"(the plot of part {home.rstrip(')')} in {where})"

        return re.sub("\x00figref:([a-z0-9_]+)@([^\x00]*)\x00", ref, text)

    def _source(self, qualname: str) -> dict:
        if qualname not in self.listings:
            raise KeyError(f"no listing {qualname!r}: name it under a part in report/practical.yaml, or in a "
                           "notebook's code cell")
        return self.listings[qualname]

    def listing(self, qualname: str) -> str:
        """A function of the package as the sheet lists it: its source, nothing added."""
        return f"```python\n{self._source(qualname)['code']}\n```"

    def code(self, qualname: str) -> str:
        """A function of the package as a notebook's code cell defines it: its source, verbatim."""
        return self._source(qualname)["code"]

    def render(self, template: str) -> str:
        return self.resolve(self.env.get_template(template).render(**self.context))

    def render_string(self, text: str) -> str:
        """A fragment (a notebook cell): figure references stay unresolved until :meth:`resolve`."""
        return self.env.from_string(text).render(**self.context)


def png_size_in(path: str | os.PathLike) -> tuple[float, float]:
    """A PNG's (width, height) in inches, from its pixels and the resolution matplotlib wrote (pHYs)."""
    import struct

    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    at = data.find(b"pHYs")
    if at < 0:
        raise ValueError(f"{path}: the PNG records no resolution (pHYs): its printed size is unknown")
    x_ppm, y_ppm, unit = struct.unpack(">IIB", data[at + 4:at + 13])
    if unit != 1:
        raise ValueError(f"{path}: the PNG's resolution is not per metre")
    # PNG stores whole pixels per metre; matplotlib's resolutions are whole dots per inch (150 dpi: 5906 per metre).
    return width / round(x_ppm * 0.0254), height / round(y_ppm * 0.0254)


# --- pandoc and typst ---------------------------------------------------------------------------------

def markdown_to_pdf(md: Path, typ: Path, pdf: Path, root: Path, header: Path) -> None:
    """Pandoc Markdown -> Typst (pandoc) -> PDF (typst), each step written atomically."""
    import pypandoc
    import typst

    with atomic_path(typ) as tmp:
        pypandoc.convert_file(str(md), "typst", format="markdown", outputfile=str(tmp),
                              extra_args=["--standalone", f"--include-in-header={header}"])
    # Typst resolves image paths relative to the .typ file: keep it beside the Markdown.
    with atomic_path(pdf) as tmp_pdf:
        typst.compile(str(typ), output=str(tmp_pdf), root=str(root))


def markdown_to_html(md: Path, html: Path) -> None:
    """The same sheet as one self-contained HTML file (figures embedded, math as MathML)."""
    import pypandoc

    with atomic_path(html) as tmp:
        pypandoc.convert_file(str(md), "html5", format="markdown", outputfile=str(tmp),
                              extra_args=["--standalone", "--embed-resources", "--mathml", "--toc",
                                          f"--resource-path={Path(md).parent}"])


def notebook_to_html(ipynb: Path, html: Path) -> None:
    """A notebook as one self-contained HTML page (pandoc: offline, math as MathML)."""
    import pypandoc

    with atomic_path(html) as tmp:
        pypandoc.convert_file(str(ipynb), "html5", format="ipynb", outputfile=str(tmp),
                              extra_args=["--standalone", "--embed-resources", "--mathml"])


# --- Snakemake benchmark files --------------------------------------------------------------------------

def read_benchmark(path: str | os.PathLike) -> tuple[float | None, float | None]:
    """(max_rss MB, seconds) of the last repeat in a Snakemake ``benchmark:`` file (the appendix's per-rule
    table, and benchmarks/peaks.py); None where Snakemake could not sample it (NA)."""
    with open(path) as fh:
        row = list(csv.DictReader(fh, delimiter="\t"))[-1]

    def number(v: str) -> float | None:
        try:
            return float(v)
        except ValueError:
            return None

    return number(row["max_rss"]), number(row["s"])


# --- the context every template sees ------------------------------------------------------------------

def load_context(inputs, text_settings: dict) -> dict:
    """The results a Snakemake job lists as named inputs (summaries, claims, listings, ...) and the config
    settings the text quotes, as the templates' variables."""
    names = ("ex1", "ex2", "ex3", "review", "calculus", "claims", "listings")
    context = {name: read_json(getattr(inputs, name)) for name in names if hasattr(inputs, name)}
    return context | {"cfg": text_settings}


def figure_paths(paths) -> dict[str, str]:
    return {figure_key(p): str(p) for p in paths}


def per_rule_benchmarks(folder: str | os.PathLike) -> list[dict]:
    """One row per rule from the ``benchmark:`` files under ``folder`` (results/benchmarks/<rule>[/<job>].tsv):
    job count, median and longest wall time (s), and peak resident memory (MB)."""
    by_rule: dict[str, list[tuple[float | None, float | None]]] = {}
    for tsv in sorted(Path(folder).rglob("*.tsv")):
        rule = tsv.relative_to(folder).parts[0].removesuffix(".tsv")
        by_rule.setdefault(rule, []).append(read_benchmark(tsv))
    rows = []
    for rule, jobs in sorted(by_rule.items()):
        seconds = [s for _, s in jobs if s is not None]
        peaks = [m for m, _ in jobs if m is not None]
        rows.append({"rule": rule, "jobs": len(jobs), "median_s": statistics.median(seconds) if seconds else None,
                     "max_s": max(seconds, default=None), "total_s": sum(seconds), "peak_mb": max(peaks, default=None)})
    return rows


def tool_versions() -> dict[str, str]:
    """The converters behind the PDF: pandoc's version, and the Typst compiler's (which the PDF's metadata
    names; the Python package ``typst`` that wraps it has a version of its own)."""
    import tempfile

    import pypandoc
    import typst

    with tempfile.NamedTemporaryFile(suffix=".typ") as empty:
        compiler = typst.eval(empty.name, "str(sys.version)").strip('"')
    return {"pandoc": pypandoc.get_pandoc_version(), "Typst compiler": compiler}
