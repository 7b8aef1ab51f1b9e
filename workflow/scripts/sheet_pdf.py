"""Render a filled Markdown document to Typst with pandoc and compile it to PDF with typst."""

from pathlib import Path

from gdlab.io import setup_logging
from gdlab.report import markdown_to_pdf

log = setup_logging(snakemake.log[0])
markdown_to_pdf(Path(snakemake.input.md), Path(snakemake.output.typ), Path(snakemake.output.pdf), root=Path.cwd(),
                header=Path(snakemake.input.header))
log.info("wrote %s", snakemake.output.pdf)
