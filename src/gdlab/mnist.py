"""MNIST: the IDX files, decoded and scaled to [0, 1] once (numpy only).

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


def prepare(raw: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The images as the course's notebook sees them — ``torchvision.transforms.ToTensor()`` divides each uint8
    pixel by 255 in float32 — flattened to rows of 784, with int64 labels. Nothing is standardised and nothing is
    split here: the training jobs split the 60 000 training images themselves (:func:`gdlab.softmax.split`), as
    the notebook does, so that both see the very same numbers."""
    def pixels(images: np.ndarray) -> np.ndarray:
        return images.reshape(len(images), -1).astype(np.float32) / np.float32(255)

    return {"X_train": pixels(raw["train_images"]), "y_train": raw["train_labels"],
            "X_test": pixels(raw["test_images"]), "y_test": raw["test_labels"]}
