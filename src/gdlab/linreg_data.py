"""Exercise 1 data: the week-1 file ``lausanne-appart.csv`` (rents of flats in Lausanne), read and checked with
pandas only (no torch: the job that reads it stays light).

The course's notebook reads it with ``pd.read_csv`` and uses one feature, ``living_area``, to predict
``rent_price``; this reader returns the same frame, but refuses a file that cannot be that data, naming the file,
the line and the column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .io import DataError


def standardise(v):
    """(v - mean) / std, with numpy's (population) standard deviation, as the course's
    given code does."""
    return (v - v.mean()) / v.std()


def read_rents(path: str | Path, feature: str, target: str) -> pd.DataFrame:
    """The CSV as a DataFrame (every column as pandas reads it), checked: ``feature`` and ``target`` exist, hold
    a finite number in every row, there are at least two rows and the feature is not constant."""
    path = Path(path)
    try:
        frame = pd.read_csv(path)
        # The file line of each data row (pandas skips blank lines; an editor counts them).
        lines = [i + 1 for i, line in enumerate(path.read_text().splitlines()) if line.strip()][1:]
    except FileNotFoundError as exc:
        raise DataError(f"{path}: no such file (expected the week-1 data lausanne-appart.csv)") from exc
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not a readable CSV: {exc}") from exc
    missing = [c for c in (feature, target) if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: expected the columns {[feature, target]}, missing {missing} "
                        f"(found {list(frame.columns)})")
    if len(frame) < 2:
        raise DataError(f"{path}: expected at least 2 data rows, found {len(frame)}")
    for col in (feature, target):
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(values)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            cell = pd.read_csv(path, dtype=str, keep_default_na=False)[col].iloc[row]  # the cell as written
            raise DataError(f"{path}: line {lines[row]} (data row {row + 1}), column {col!r}: expected a finite number, "
                            f"found {cell!r}")
    for col in (feature, target):
        if frame[col].nunique() < 2:
            raise DataError(f"{path}: column {col!r} is constant: it cannot be standardised, and a line through "
                            "it is not determined")
    return frame
