"""Figure helpers: one style from the config, headless, atomic and byte-reproducible PNG output."""

from __future__ import annotations

import contextlib
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")  # headless: the pipeline and the notebooks never open a window
import matplotlib.pyplot as plt  # noqa: E402

from .io import atomic_path  # noqa: E402


@contextlib.contextmanager
def figure(out: str | Path, style: dict, ncols: int = 1, nrows: int = 1, height: float = 1.0, width: float = 1.0,
           rect: tuple = (0, 0, 1, 1), **kwargs):
    """Yield (fig, axes) styled from the ``plot`` config (``width`` and ``height`` scale its size); save to ``out`` on
    success. The documents print a figure at this size, so its text prints at the sizes matplotlib sets. The
    subplots are laid out within ``rect`` (figure fractions), leaving the rest for a colour bar."""
    with plt.style.context(style["style"]):
        fig, axes = plt.subplots(nrows, ncols, figsize=(width * style["width_in"], height * style["height_in"]),
                                 **kwargs)
        try:
            yield fig, axes
            # Twice: the first pass shrinks the panels to fit what lies outside them, and a legend anchored below a
            # panel rises with it, leaving a blank strip at the foot; the second fits the panels to where it now is.
            fig.tight_layout(rect=rect)
            fig.tight_layout(rect=rect)
            with atomic_path(out) as tmp:
                # No date or version metadata: same data, same bytes.
                fig.savefig(tmp, format="png", dpi=style["dpi"], metadata={"Software": None})
        finally:
            plt.close(fig)


def epoch_log_axis(ax) -> None:
    """Epochs from 1 on a log axis (a loss curve whose descent is over in tens of epochs, out of thousands), its
    ticks written 1, 10, 100. Epoch 0, the start, has no place on it: the callers draw from epoch 1 (a linear stretch
    from 0 to 1 would put a kink at epoch 1 that is not in the data)."""
    ax.set_xscale("log")
    ax.set_xlim(left=1)
    ax.xaxis.set_major_formatter("{x:g}")


def above_rounding(excess, scale: float, n: int) -> np.ndarray:
    """A difference to draw on a log axis (float64 values): NaN where it is no larger than the rounding error of a
    mean of n terms of size ``scale``, n·eps·scale — there it is noise, not a distance."""
    excess = np.array(excess, dtype=float)
    excess[excess <= n * np.finfo(float).eps * abs(scale)] = np.nan
    return excess
