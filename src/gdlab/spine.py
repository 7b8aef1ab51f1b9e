"""Exercise 2 data with numpy and pandas only: read the spine CSV, find its exact linear
dependencies, split it and standardise it.

No torch here on purpose: the job that prepares the data must stay light.

Two layouts of the same 310 patients are accepted:

* the mirror's file, one named column per feature plus the label (any order);
* Kaggle's original ``Dataset_spine.csv`` ("sammy123/lower-back-pain-symptoms-dataset"):
  ``Col1..Col12,Class_att,`` whose unnamed last column holds free-text notes in its first
  rows (the notes document Col1..Col12 as :data:`KAGGLE_FEATURES`, in that order).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from .io import DataError  # the package's one error for bad input files (io stays torch-free)

# Attribute1..Attribute12 as Kaggle's notes document them: the meaning of Col1..Col12.
KAGGLE_FEATURES = [
    "pelvic_incidence", "pelvic_tilt", "lumbar_lordosis_angle", "sacral_slope", "pelvic_radius",
    "degree_spondylolisthesis", "pelvic_slope", "Direct_tilt", "thoracic_slope", "cervical_tilt",
    "sacrum_angle", "scoliosis_slope",
]
KAGGLE_LABEL = "Class_att"
KAGGLE_HEADER = [f"Col{j}" for j in range(1, len(KAGGLE_FEATURES) + 1)] + [KAGGLE_LABEL]
KAGGLE_SHAPE = ",".join(KAGGLE_HEADER) + ", (the unnamed last column holds notes)"

__all__ = ["KAGGLE_FEATURES", "DataError", "collinearity", "read_spine_csv", "stratified_split", "zscore_apply",
           "zscore_fit"]


# --- reading -------------------------------------------------------------------------------------

def _records(path: Path, expected: str) -> list[tuple[int, list[str]]]:
    """Non-blank CSV records, each with the file line it starts on (so messages can point at it).

    Blank lines and rows of empty cells (spreadsheet exports pad files with them) carry no patient.
    """
    records, last_line = [], 0
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:  # -sig: a spreadsheet's BOM is not a name
            reader = csv.reader(f)
            for row in reader:
                if any(cell.strip() for cell in row):
                    records.append((last_line + 1, row))
                last_line = reader.line_num
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path}: not a readable CSV ({exc}); expected {expected}") from exc
    if not records:
        raise DataError(f"{path}: not a readable CSV (no header line); expected {expected}")
    return records


def _difference(wanted: list[str], found: list[str]) -> str:
    return f"missing {[c for c in wanted if c not in found]}, unexpected {[c for c in found if c not in wanted]}"


def _columns(path: Path, line: int, header: list[str], features: list[str], label: str):
    """Which layout the header is: {output column: (index in the file, name for messages)}, and the
    fewest and most fields a data row may have (None: any number, Kaggle's notes may hold commas)."""
    wanted = features + [label]
    if sorted(header) == sorted(wanted):
        return {c: (header.index(c), repr(c)) for c in wanted}, len(header), len(header)
    if header[:len(KAGGLE_HEADER)] == KAGGLE_HEADER and header[len(KAGGLE_HEADER):] in ([], [""]):
        if sorted(features) != sorted(KAGGLE_FEATURES):  # as strict as the named layout: the file holds these
            raise DataError(f"{path}: line {line}: Kaggle's layout holds the features {KAGGLE_FEATURES} as "
                            f"Col1..Col12, expected {features}: {_difference(features, KAGGLE_FEATURES)}")
        cols = {f: (KAGGLE_FEATURES.index(f), f"'Col{KAGGLE_FEATURES.index(f) + 1}' ({f})") for f in features}
        cols[label] = (len(KAGGLE_FEATURES), repr(KAGGLE_LABEL))
        return cols, len(KAGGLE_HEADER), None
    duplicated = sorted({c for c in header if header.count(c) > 1})
    raise DataError(
        f"{path}: line {line}: the header fits neither accepted layout: (a) the columns {wanted} in any order: "
        + _difference(wanted, header) + (f", duplicated {duplicated}" if duplicated else "")
        + f"; (b) Kaggle's original {KAGGLE_SHAPE}, Col1..Col12 = {KAGGLE_FEATURES}"
    )


def read_spine_csv(path: str | Path, features: list[str], label: str, classes: list[str]) -> pd.DataFrame:
    """Either layout -> a frame with exactly the columns ``features + [label]``, validated.

    Features are floats (every cell a finite number), the label is the stripped text (one of
    ``classes``), at least one row. Both layouts of the same data give identical frames. Every
    error names the file, and the line and column where there is one.
    """
    path = Path(path)
    expected = f"the columns {features + [label]} or Kaggle's original {KAGGLE_SHAPE}"
    (header_line, header), *data = _records(path, expected)
    cols, min_fields, max_fields = _columns(path, header_line, [h.strip() for h in header], features, label)
    if not data:
        raise DataError(f"{path}: no data rows (expected one row per patient)")
    for k, (line, row) in enumerate(data, start=1):
        if len(row) < min_fields or (max_fields is not None and len(row) > max_fields):
            want = min_fields if max_fields == min_fields else f"at least {min_fields}"
            raise DataError(f"{path}: line {line} (data row {k}): expected {want} fields as in the header, "
                            f"found {len(row)}")

    def where(r: int, name: str) -> str:
        return f"{path}: line {data[r][0]} (data row {r + 1}), column {cols[name][1]}"

    def raw(r: int, name: str) -> str:
        return data[r][1][cols[name][0]]

    cells = pd.DataFrame({name: [row[i].strip() for _, row in data] for name, (i, _) in cols.items()})
    values = cells[features].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = np.argwhere(~np.isfinite(values))  # row-major: the first bad cell is the earliest line
    if len(bad):
        r, j = bad[0]
        raise DataError(f"{where(r, features[j])}: expected a number, found {raw(r, features[j])!r}")
    unknown = np.flatnonzero(~cells[label].isin(classes).to_numpy())
    if len(unknown):
        r = unknown[0]
        raise DataError(f"{where(r, label)}: expected one of {classes}, found {raw(r, label)!r}")
    frame = pd.DataFrame(values, columns=features)
    frame[label] = cells[label]
    return frame


# --- rank deficiency -----------------------------------------------------------------------------

def collinearity(X: np.ndarray, names: list[str], rtol: float = 1e-6) -> dict:
    """Rank of the design [1, standardised X] by SVD and, where it falls short, the linear dependency along its
    flattest direction, read back on the raw features by least squares: ``target = Σ equals[name]·name + constant``.

    Standardising first makes the decision scale-free: singular values below ``rtol`` times the largest count as 0.
    The features whose weight in the flattest direction exceeds ``rtol`` times its largest are the dependency's;
    the first of them (in ``names`` order) is its target. With more than one null direction the rank says how many;
    the flattest is the one spelled out."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != len(names):
        raise ValueError(f"X has shape {X.shape}, expected (rows, {len(names)}) for the names {names}")
    n, d = X.shape
    scale = np.where(np.ptp(X, axis=0) > 0, X.std(axis=0), 1.0)  # a constant column centres to zeros
    _, s, vt = np.linalg.svd(np.column_stack([np.ones(n), (X - X.mean(axis=0)) / scale]))  # full V: also n ≤ d
    s = np.concatenate([s, np.zeros(d + 1 - len(s))])
    rank = int((s > rtol * s[0]).sum())
    found = {"n_columns": d + 1, "rank": rank, "singular_value_ratio": float(s[-1] / s[0]), "dependencies": []}
    if rank <= d:
        weight = np.abs(vt[-1, 1:])
        target, *others = np.flatnonzero(weight > rtol * weight.max())
        A = np.column_stack([X[:, others], np.ones(n)])
        coef = np.linalg.lstsq(A, X[:, target])[0]
        found["dependencies"].append({
            "target": names[target], "equals": {names[j]: float(c) for j, c in zip(others, coef)},
            "constant": float(coef[-1]), "max_abs_residual": float(np.abs(X[:, target] - A @ coef).max())})
    return found


# --- split and standardisation -------------------------------------------------------------------

def stratified_split(labels, test_fraction, seed):
    """Sorted integer indices (train, test) by scikit-learn's stratified train_test_split: the held-out part
    keeps the class balance of the whole."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {test_fraction}")
    from sklearn.model_selection import train_test_split  # imported when used: scikit-learn takes a second to load

    train, test = train_test_split(np.arange(len(labels)), test_size=test_fraction, stratify=labels,
                                   random_state=seed)
    return np.sort(train), np.sort(test)


def zscore_fit(X, names: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Mean and population standard deviation per column, from the training rows only.

    A constant column cannot be z-scored: its (exactly zero, or rounding-noise) deviation would turn
    it into 0/0 or amplified noise, so it is refused by name (max == min is the exact test).
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"expected a non-empty 2-D array (rows, features), got shape {X.shape}")
    constant = np.flatnonzero(np.ptp(X, axis=0) == 0).tolist()
    if constant:
        named = f" {[names[j] for j in constant]}" if names is not None else ""
        raise ValueError(f"constant feature column(s) {constant}{named} on the training rows: "
                         "cannot z-score")
    return X.mean(axis=0), X.std(axis=0)


def zscore_apply(X, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    return (np.asarray(X, dtype=float) - mean) / std
