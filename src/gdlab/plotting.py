"""Figure helpers: one style from config, atomic and reproducible PNG output."""

from __future__ import annotations

import contextlib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: the pipeline never opens a window
import matplotlib.pyplot as plt  # noqa: E402

from .io import atomic_path  # noqa: E402


@contextlib.contextmanager
def figure(out: str | Path, style: dict, ncols: int = 1, nrows: int = 1, **kwargs):
    """Yield (fig, axes) styled from the ``plot`` config; save to ``out`` on success."""
    with plt.style.context(style["style"]):
        fig, axes = plt.subplots(nrows, ncols, figsize=(style["width_in"], style["height_in"]), **kwargs)
        try:
            yield fig, axes
            fig.tight_layout()
            with atomic_path(out) as tmp:
                # No date or version metadata: same data, same bytes.
                fig.savefig(tmp, format="png", dpi=style["dpi"], metadata={"Software": None})
        finally:
            plt.close(fig)
