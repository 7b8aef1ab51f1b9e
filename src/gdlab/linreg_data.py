"""Exercise 1 data: generated from the config, or the user's own CSV (columns x1..xd, y), checked (numpy, pandas)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .io import DataError


def make_linreg(n: int, theta: list[float], x_mean: float, x_std: float, noise_std: float, seed: int) -> pd.DataFrame:
    """y = theta0 + sum_j theta_j x_j + noise, with x_j ~ N(x_mean, x_std²), noise ~ N(0, noise_std²); columns x1..xd, y."""
    rng = np.random.default_rng(seed)
    t = np.asarray(theta, dtype=np.float64)
    x = x_mean + x_std * rng.standard_normal((n, len(t) - 1))
    y = t[0] + x @ t[1:] + noise_std * rng.standard_normal(n)
    frame = pd.DataFrame(x, columns=[f"x{j + 1}" for j in range(x.shape[1])])
    frame["y"] = y
    return frame


def read_linreg_csv(path: str | Path) -> pd.DataFrame:
    """Read and check a regression CSV: numeric columns x1..xd then y, no gaps. Blank lines are skipped;
    errors name the file, its line (counting blank ones) and the column, and quote the cell as written."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        lines = [i + 1 for i, line in enumerate(path.read_text().splitlines()) if line.strip()][1:]
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not a readable CSV: {exc}") from exc
    cols = list(frame.columns)
    d = len(cols) - 1
    expected = [f"x{j + 1}" for j in range(d)] + ["y"]
    if d < 1 or cols != expected:
        raise DataError(f"{path}: expected columns {expected if d >= 1 else ['x1', 'y']}, found {cols}")
    if len(frame) < 2:
        raise DataError(f"{path}: expected at least 2 data rows, found {len(frame)}")
    for col in cols:
        values = pd.to_numeric(frame[col].str.strip(), errors="coerce")
        bad = values.isna() | ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"{path}: line {lines[row]} (data row {row + 1}), column {col!r}: "
                            f"expected a finite number, found {frame[col].iloc[row]!r}")
        frame[col] = values.astype(float)
    return frame


def arrays(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) as float64 arrays from a frame with columns x1..xd, y."""
    # Copies: writable arrays (torch.from_numpy warns about read-only ones).
    return frame.drop(columns="y").to_numpy(dtype=np.float64, copy=True), frame["y"].to_numpy(dtype=np.float64, copy=True)
