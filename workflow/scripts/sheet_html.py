"""Render the filled sheet to one self-contained HTML file (pandoc, MathML)."""

from pathlib import Path

from gdlab.io import setup_logging
from gdlab.report import markdown_to_html

setup_logging(snakemake.log[0])
markdown_to_html(Path(snakemake.input.md), Path(snakemake.output.html))
