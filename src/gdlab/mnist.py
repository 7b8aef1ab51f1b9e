"""MNIST: the IDX files, the seeded training/validation split and the standardisation (numpy only).

The data are prepared once, by one job, into a file every training job loads in milliseconds;
no training job decodes or transforms images itself.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from .fetch import content_bytes
from .io import DataError

# The IDX format stores unsigned bytes here (type code 0x08).
_UBYTE = 0x08
SPLITS = {"train": "train", "test": "t10k"}


def parse_idx(data: bytes, name: str) -> np.ndarray:
    """Parse an IDX file (the MNIST format): magic, dims, then uint8 payload."""
    if len(data) < 4:
        raise DataError(f"{name}: too short for an IDX file ({len(data)} bytes)")
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != _UBYTE or not 1 <= ndim <= 4:
        raise DataError(f"{name}: not an IDX file of unsigned bytes (magic {data[:4].hex()})")
    header = 4 + 4 * ndim
    dims = struct.unpack(f">{ndim}I", data[4:header])
    expected = int(np.prod(dims))
    if len(data) - header != expected:
        raise DataError(f"{name}: IDX header promises {expected} values {dims}, found {len(data) - header}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims)


def read_mnist(files: dict[str, Path]) -> dict[str, np.ndarray]:
    """The four gzipped IDX files ({"train-images": path, ...}) -> uint8 images and int64 labels."""
    out = {}
    for split, prefix in SPLITS.items():
        images = parse_idx(content_bytes(files[f"{prefix}-images"], True), f"{prefix}-images")
        labels = parse_idx(content_bytes(files[f"{prefix}-labels"], True), f"{prefix}-labels")
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise DataError(f"MNIST {split}: images {images.shape} do not match labels {labels.shape}")
        if labels.max() > 9:
            raise DataError(f"MNIST {split}: label {labels.max()} outside 0..9")
        out[f"{split}_images"] = images
        out[f"{split}_labels"] = labels.astype(np.int64)
    return out


def prepare(raw: dict[str, np.ndarray], val_size: int, seed: int) -> dict[str, np.ndarray]:
    """Pixels to [0, 1], standardised by the training part's mean and std; a seeded
    training/validation split.

    Every choice (learning rate, batch size, epochs) is made on the validation part; the 10 000 test
    images, transformed with the training statistics, only ever report accuracy.
    """
    images = raw["train_images"].reshape(len(raw["train_images"]), -1)
    if not 0 < val_size < len(images):
        raise ValueError(f"ex3.val_size must be between 1 and {len(images) - 1}, got {val_size}")
    order = np.random.default_rng(seed).permutation(len(images))
    val_idx, train_idx = np.sort(order[:val_size]), np.sort(order[val_size:])
    train = images[train_idx].astype(np.float32) / 255
    mean, std = float(train.mean(dtype=np.float64)), float(train.std(dtype=np.float64))

    def standardise(pixels: np.ndarray) -> np.ndarray:
        scaled = pixels.reshape(len(pixels), -1).astype(np.float32) / 255
        return ((scaled - mean) / std).astype(np.float32)

    return {
        "X_train": standardise(images[train_idx]), "y_train": raw["train_labels"][train_idx],
        "X_val": standardise(images[val_idx]), "y_val": raw["train_labels"][val_idx],
        "X_test": standardise(raw["test_images"]), "y_test": raw["test_labels"],
        "train_index": train_idx, "mean": np.float64(mean), "std": np.float64(std),
    }
