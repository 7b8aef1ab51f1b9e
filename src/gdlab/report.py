"""The answer sheet: Jinja2 fills Pandoc Markdown from results/, pandoc makes Typst, typst makes the PDF."""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import jinja2
import yaml

from .io import atomic_path


def read_benchmark(path: str | os.PathLike) -> tuple[float | None, float | None]:
    """(max_rss MB, seconds) of the last repeat in a Snakemake ``benchmark:`` file (the appendix's
    per-job table, and benchmarks/peaks.py); None where Snakemake could not sample it (NA)."""
    with open(path) as fh:
        row = list(csv.DictReader(fh, delimiter="\t"))[-1]

    def num(v: str) -> float | None:
        try:
            return float(v)
        except ValueError:
            return None

    return num(row["max_rss"]), num(row["s"])


def sig(x: float | None, digits: int = 4) -> str:
    """A number with ``digits`` significant digits, plain text (what the PDF shows)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:.{digits}g}"


def sci(x: float | None, digits: int = 2) -> str:
    """A number as TeX math with ``digits`` significant digits: 3.1 × 10^-7 when tiny or huge, plain otherwise."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    if x == 0:
        return "$0$"
    exp = math.floor(math.log10(abs(x)))
    if -3 <= exp <= 4:
        return f"${x:.{max(0, digits - 1 - exp)}f}$"
    mant = x / 10**exp
    return f"${mant:.{digits - 1}f} \\times 10^{{{exp}}}$"


def pct(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "n/a"
    return f"{100 * x:.{digits}f} %"


def claimval(x) -> str:
    """A claim's value or bound as the sheet shows it."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, (int, float)):
        return sig(float(x), 6)
    return str(x)


# How a claim's comparison reads on the sheet. Words or symbols, never "=" or "==": Typst reads a
# table cell that starts with "=" as a heading (pandoc does not escape it there).
OP_TEXT = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "==": "is"}


def claimop(op: str) -> str:
    if op not in OP_TEXT:
        raise ValueError(f"unknown claim operator {op!r}; expected one of {sorted(OP_TEXT)}")
    return OP_TEXT[op]


def _strict(fmt):
    """A number filter that fails on a missing value instead of printing something."""

    def wrapped(x, *args):
        if isinstance(x, jinja2.Undefined):
            x._fail_with_undefined_error()
        return fmt(x, *args)

    return wrapped


def render_markdown(template: Path, context: dict, out: Path) -> None:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(template).parent)),
        undefined=jinja2.StrictUndefined,  # a missing result is an error, never a blank
        keep_trailing_newline=True,
        autoescape=False,
        # Pandoc attributes ({#fig-x width=80%}) start with "{#": move Jinja comments out of the way.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters["toyaml"] = lambda d: yaml.safe_dump(d, sort_keys=True, width=100).rstrip()
    env.filters.update({name: _strict(f) for name, f in (("sig", sig), ("sci", sci), ("pct", pct),
                                                               ("claimval", claimval), ("claimop", claimop))})
    text = env.get_template(Path(template).name).render(**context)
    with atomic_path(out) as tmp:
        tmp.write_text(text)


def relative_figures(figures: dict[str, str], md_out: Path) -> dict[str, str]:
    """Figure paths as the Markdown (and the Typst file beside it) must write them."""
    return {k: os.path.relpath(v, Path(md_out).parent) for k, v in figures.items()}


def markdown_to_html(md: Path, html: Path) -> None:
    """The same sheet as one self-contained HTML file (figures embedded, math as MathML)."""
    import pypandoc

    with atomic_path(html) as tmp:
        pypandoc.convert_file(str(md), "html5", format="markdown", outputfile=str(tmp),
                              extra_args=["--standalone", "--embed-resources", "--mathml", "--toc",
                                          f"--resource-path={Path(md).parent}", "--number-sections"])


def markdown_to_pdf(md: Path, typ: Path, pdf: Path, root: Path) -> None:
    """Pandoc Markdown -> Typst (pandoc) -> PDF (typst), each step written atomically."""
    import pypandoc
    import typst

    with atomic_path(typ) as tmp:
        pypandoc.convert_file(str(md), "typst", format="markdown", outputfile=str(tmp),
                              extra_args=["--standalone"])
    # Typst resolves image paths relative to the .typ file: keep it beside the Markdown.
    with atomic_path(pdf) as tmp_pdf:
        typst.compile(str(typ), output=str(tmp_pdf), root=str(root))
