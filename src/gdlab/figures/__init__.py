"""The sheet's figures, one module per part (ex1, ex2, ex3, review). Each public function of a module draws
one figure, named after it: ``name(inputs, out, params)`` reads result files named in ``inputs`` and writes
the PNG ``out`` in ``params.style``. The workflow derives each part's figure list from these functions, so a name is written once."""

from __future__ import annotations

from ..io import setup_logging


def draw(module, smk) -> None:
    """Draw every figure of ``module`` that the Snakemake job ``smk`` lists as an output."""
    log = setup_logging(smk.log[0])
    for name, out in smk.output.items():
        getattr(module, name)(smk.input, out, smk.params)
        log.info("drew %s", out)
