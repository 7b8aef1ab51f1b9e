"""What Snakemake's report does not know by itself, as small pages of the provenance record: the checked claims,
the sympy check behind each step of Exercise 6, the software (commit, Python, pinned packages, pandoc, Typst) and
the datasets' checksums."""

import html
import platform
from importlib.metadata import version

from gdlab.claims import OPS
from gdlab.io import read_json, setup_logging, write_text
from gdlab.report import tool_versions

setup_logging(snakemake.log[0])
p = snakemake.params


def page(title: str, header: list[str], rows: list[list], intro: str = "") -> str:
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>\n" for row in rows)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>body{{font-family:sans-serif}}"
            f"td,th{{border:1px solid #ccc;padding:3px 8px;text-align:left}}table{{border-collapse:collapse}}</style>"
            f"</head><body><h1>{title}</h1><p>{html.escape(intro)}</p><table><tr>{head}</tr>\n{cells}</table></body></html>\n")


calc = read_json(snakemake.input.calculus)
write_text(snakemake.output.calculus, page(
    "Exercise 6: what sympy checked", ["part", "derivation", "step", "reason", "sympy's check", "holds"],
    [[d["part"], d["title"], i, s["why"], s["check"] or "not checked: a conclusion drawn from the steps above",
      "yes" if s["passed"] else "NO"] for d in calc["derivations"] for i, s in enumerate(d["steps"], 1)],
    "Every step of the derivations of answers.pdf and pw02_maths.pdf, with the check that sympy ran on it when the "
    "sheet was built; a failed check fails the build."))
claims = read_json(snakemake.input.claims)
write_text(snakemake.output.claims, page(
    "Checked claims", ["claim", "value (path in the results)", "value", "required", "holds"],
    [[c["text"], c["value_path"], c["value"], f"{OPS[c['op']][1]} {c['bound']}", "yes" if c["passed"] else "NO"]
     for _, c in sorted(claims.items())],
    "Each quantitative claim of the sheet, declared once in the configuration (claims) and evaluated against the "
    "results by rule claims; a claim that does not hold fails the build."))
software = [["commit of the sheet's sources", p.commit], ["Python", platform.python_version()],
            *[[name, version(name)] for name in p.packages], *[[k, v] for k, v in sorted(tool_versions().items())]]
write_text(snakemake.output.software, page("Software", ["what", "version"], software))
write_text(snakemake.output.data, page(
    "Datasets", ["file", "SHA-256 of the content", "compressed"],
    [[f"{ds}/{f}", meta["sha256"], meta["compressed"]] for ds, spec in sorted(p.datasets.items())
     for f, meta in sorted(spec["files"].items())],
    "Every file is verified by the SHA-256 of its uncompressed content when it is fetched (rule fetch)."))
