"""The sheet's figures, one module per part (ex1, ex2, ex3, review). Each public function of a module draws
one figure, named after it: ``name(inputs, out, params)`` reads result files named in ``inputs`` and writes
the PNG ``out`` in ``params.style``. A ``draw_<name>(ax..., data)`` function draws on axes it is given, from
plain data: the notebook that makes the same run shows it with the same code, so its plot is the sheet's. The
workflow derives each part's figure list from the functions that take (inputs, out, params), so a name is written once; the function's docstring is the figure's caption in the provenance record."""

from __future__ import annotations

import inspect

from ..io import setup_logging, write_text


def draw(module, smk) -> None:
    """Draw every figure of ``module`` that the Snakemake job ``smk`` lists as an output, and write its caption."""
    log = setup_logging(smk.log[0])
    for name, out in smk.output.items():
        if name.endswith("_caption"):
            continue
        function = getattr(module, name)
        function(smk.input, out, smk.params)
        write_text(smk.output[f"{name}_caption"], inspect.getdoc(function) + "\n")
        log.info("drew %s", out)
