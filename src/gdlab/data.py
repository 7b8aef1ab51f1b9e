"""Datasets: fetch (internet or local mirror), verify by content hash, convert.

Every file is checked by the SHA-256 of its *uncompressed* content, so a
re-compressed mirror copy of a ``.gz`` is accepted while any change to the
data itself is not.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import shutil
import struct
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from .io import atomic_path

log = logging.getLogger("gdlab")

MIRROR_ENV = "GDLAB_DATA_MIRROR"


class DataError(RuntimeError):
    """A dataset file is missing, corrupt or malformed; the message names it."""


def content_bytes(path: Path, compressed: bool) -> bytes:
    """The file's content, decompressed when it is a gzip archive."""
    raw = Path(path).read_bytes()
    if not compressed:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        head = raw[:60].decode("latin-1", "replace").strip()
        hint = " (it looks like an HTML page, not data)" if head.lower().startswith(("<!doctype", "<html")) else ""
        raise DataError(f"{path}: expected a gzip archive but could not decompress it{hint}: {exc}") from exc


def sha256_of_content(path: Path, compressed: bool) -> str:
    return hashlib.sha256(content_bytes(path, compressed)).hexdigest()


def verify(path: Path, expected_sha256: str, compressed: bool, name: str) -> None:
    actual = sha256_of_content(path, compressed)
    if actual != expected_sha256:
        raise DataError(
            f"checksum mismatch for {name}: expected SHA-256 {expected_sha256}, got {actual} "
            f"(content of {path}{', uncompressed' if compressed else ''})"
        )


def _download(url: str, dest: Path, timeout_s: float) -> None:
    if not url.startswith("https://"):
        raise DataError(f"refusing to download over a non-HTTPS URL: {url}")
    req = urllib.request.Request(url, headers={"User-Agent": "gdlab"})
    with urllib.request.urlopen(req, timeout=timeout_s) as resp, open(dest, "wb") as out:
        shutil.copyfileobj(resp, out)


def fetch(
    dataset: str,
    filename: str,
    out: Path,
    *,
    sha256: str,
    compressed: bool,
    urls: list[str],
    mirror: str | None,
    timeout_s: float,
) -> str:
    """Bring ``dataset/filename`` to ``out``, verified; return where it came from.

    With a mirror folder the file is copied from ``mirror/dataset/filename``;
    otherwise each base URL is tried in turn. Nothing is left at ``out`` unless
    the content hash matches.
    """
    out = Path(out)
    name = f"{dataset}/{filename}"
    with atomic_path(out) as tmp:
        if mirror:
            src = Path(mirror) / dataset / filename
            if not src.is_file():
                raise DataError(
                    f"{name}: not found in the local mirror {mirror} "
                    f"(looked for {src}; set {MIRROR_ENV} to a folder laid out as <dataset>/<file>)"
                )
            shutil.copyfile(src, tmp)
            origin = str(src)
        else:
            errors = []
            origin = ""
            for base in urls:
                url = base.rstrip("/") + "/" + filename if not base.endswith(filename) else base
                try:
                    _download(url, tmp, timeout_s)
                    origin = url
                    break
                except (urllib.error.URLError, OSError, DataError) as exc:
                    errors.append(f"  {url}: {exc}")
            if not origin:
                raise DataError(
                    f"{name}: every download failed:\n" + "\n".join(errors)
                    + f"\nWithout internet, set {MIRROR_ENV} to a local copy laid out as "
                    "<dataset>/<file> (for example ../shared/data)."
                )
        verify(tmp, sha256, compressed, name)
    log.info("fetched %s from %s (SHA-256 of content ok)", name, origin)
    return origin


# --- MNIST -------------------------------------------------------------------

_IDX_DTYPES = {0x08: np.uint8}


def parse_idx(data: bytes, name: str) -> np.ndarray:
    """Parse an IDX file (the MNIST format): magic, dims, then uint8 payload."""
    if len(data) < 4:
        raise DataError(f"{name}: too short for an IDX file ({len(data)} bytes)")
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code not in _IDX_DTYPES or not 1 <= ndim <= 4:
        raise DataError(f"{name}: not an IDX file of unsigned bytes (magic {data[:4].hex()})")
    header = 4 + 4 * ndim
    dims = struct.unpack(f">{ndim}I", data[4:header])
    expected = int(np.prod(dims))
    if len(data) - header != expected:
        raise DataError(f"{name}: IDX header promises {expected} values {dims}, found {len(data) - header}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims)


def mnist_tensors(files: dict[str, Path]) -> dict[str, torch.Tensor]:
    """Convert the four MNIST archives into uint8 images and int64 labels."""
    out = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images = parse_idx(content_bytes(files[f"{prefix}-images"], True), f"{prefix}-images")
        labels = parse_idx(content_bytes(files[f"{prefix}-labels"], True), f"{prefix}-labels")
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise DataError(f"MNIST {split}: images {images.shape} do not match labels {labels.shape}")
        if labels.max() > 9:
            raise DataError(f"MNIST {split}: label {labels.max()} outside 0..9")
        out[f"{split}_images"] = torch.from_numpy(images.copy())
        out[f"{split}_labels"] = torch.from_numpy(labels.astype(np.int64))
    return out


def save_tensors(tensors: dict[str, torch.Tensor], path: Path) -> None:
    with atomic_path(path) as tmp:
        torch.save(tensors, tmp)


def load_tensors(path: Path) -> dict[str, torch.Tensor]:
    # weights_only: never unpickle arbitrary objects, even from our own results.
    return torch.load(path, weights_only=True)


# --- Linear-regression data (Exercise 1) -------------------------------------

def make_linreg(n: int, theta: list[float], x_mean: float, x_std: float, noise_std: float, seed: int) -> pd.DataFrame:
    """y = theta0 + sum_j theta_j x_j + noise, with x_j ~ N(x_mean, x_std²); columns x1..xd, y."""
    gen = torch.Generator().manual_seed(seed)
    d = len(theta) - 1
    x = x_mean + x_std * torch.randn(n, d, generator=gen, dtype=torch.float64)
    t = torch.tensor(theta, dtype=torch.float64)
    y = t[0] + x @ t[1:] + noise_std * torch.randn(n, generator=gen, dtype=torch.float64)
    frame = pd.DataFrame(x.numpy(), columns=[f"x{j + 1}" for j in range(d)])
    frame["y"] = y.numpy()
    return frame


def read_linreg_csv(path: str | Path) -> pd.DataFrame:
    """Read and check a regression CSV: numeric columns x1..xd then y, no gaps."""
    path = Path(path)
    try:
        frame = pd.read_csv(path)
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
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = values.isna() | ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                f"{path}: column {col!r}, data row {row + 1}: expected a finite number, found {frame[col].iloc[row]!r}"
            )
        frame[col] = values.astype(float)
    return frame


def linreg_tensors(frame: pd.DataFrame) -> tuple[torch.Tensor, torch.Tensor]:
    """(X, y) as float64 tensors from a frame with columns x1..xd, y."""
    X = torch.tensor(frame.drop(columns="y").to_numpy(), dtype=torch.float64)
    y = torch.tensor(frame["y"].to_numpy(), dtype=torch.float64)
    return X, y


# --- Spine data (Exercise 2) -------------------------------------------------

def read_spine_csv(path: str | Path, features: list[str], label: str, classes: list[str]) -> pd.DataFrame:
    """Read and check the spine CSV: exactly ``features`` (numeric) and ``label`` (one of ``classes``)."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not a readable CSV ({exc}); expected columns {features + [label]}") from exc
    cols = list(frame.columns)
    missing = [c for c in features + [label] if c not in cols]
    extra = [c for c in cols if c not in features + [label]]
    if missing or extra:
        raise DataError(f"{path}: expected the columns {features + [label]}; missing {missing}, unexpected {extra}")
    if frame.empty:
        raise DataError(f"{path}: no data rows (expected one row per patient)")
    for col in features:
        values = pd.to_numeric(frame[col].str.strip(), errors="coerce")
        bad = values.isna() | ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"{path}: line {row + 2} (data row {row + 1}), column {col!r}: "
                            f"expected a number, found {frame[col].iloc[row]!r}")
        frame[col] = values.astype(float)
    labels = frame[label].str.strip()
    unknown = ~labels.isin(classes)
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise DataError(f"{path}: line {row + 2} (data row {row + 1}), column {label!r}: expected one of {classes}, "
                        f"found {frame[label].iloc[row]!r}")
    frame[label] = labels
    return frame[features + [label]]
