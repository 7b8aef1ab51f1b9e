"""Files: atomic output, JSON, arrays, logging, and the error every reader raises on bad data.

No torch here: jobs that only read results or draw must not pay for importing it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

import numpy as np


class DataError(RuntimeError):
    """An input file is missing, corrupt or malformed; the message names the file (and line and column)."""


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it into place only on success.

    A crash or an exception leaves no half-written ``path`` behind, and an
    older complete file at ``path`` survives until the new one is finished.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    tmp_path = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes 0600; give results the usual permissions
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def _finite(obj: Any) -> Any:
    """Replace non-finite floats by None so the JSON stays standard (no NaN tokens)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def write_json(path: str | os.PathLike, data: Any) -> None:
    """Write ``data`` as sorted, indented, strict JSON, atomically."""
    text = json.dumps(_finite(data), indent=2, sort_keys=True, allow_nan=False)
    with atomic_path(path) as tmp:
        tmp.write_text(text + "\n")


def read_json(path: str | os.PathLike) -> Any:
    with open(path) as fh:
        return json.load(fh)


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def save_array_dir(folder: str | os.PathLike, **arrays: np.ndarray) -> None:
    """Named numpy arrays as ``<name>.npy`` files in ``folder``, which appears complete or not at all (written
    beside it, then renamed). Each file can be memory-mapped: readers share the page cache instead of copying."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".part"))
    try:
        for name, array in arrays.items():
            np.save(staging / f"{name}.npy", array, allow_pickle=False)
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load_array_dir(folder: str | os.PathLike) -> dict[str, np.ndarray]:
    """The arrays of :func:`save_array_dir`, memory-mapped copy-on-write: loading costs no copy, and writing to
    one (which nothing here does) would not change the file."""
    return {p.stem: np.load(p, mmap_mode="c", allow_pickle=False) for p in sorted(Path(folder).glob("*.npy"))}


def save_arrays(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """Named numpy arrays in one uncompressed ``.npz`` (loads in milliseconds), written atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)


def load_arrays(path: str | os.PathLike) -> dict[str, np.ndarray]:
    # allow_pickle=False: never unpickle objects, even from our own results.
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def setup_logging(log_path: str | os.PathLike | None) -> logging.Logger:
    """Send the script's log to Snakemake's ``log:`` file (and stderr)."""
    logger = logging.getLogger("gdlab")
    logger.setLevel(logging.INFO)
    for old in logger.handlers:
        old.close()
    logger.handlers.clear()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w"))
    for h in handlers:
        h.setFormatter(fmt)
        logger.addHandler(h)
    return logger
