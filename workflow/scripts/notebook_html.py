"""An executed notebook as one self-contained HTML page (pandoc, offline, MathML)."""

from pathlib import Path

from gdlab.io import setup_logging
from gdlab.report import notebook_to_html

setup_logging(snakemake.log[0])
notebook_to_html(Path(snakemake.input.ipynb), Path(snakemake.output.html))
