"""gdlab.mnist: IDX parsing and its errors, the four archives, and the pixels as the course sees them (uint8/255 in
float32, as torchvision's ToTensor gives them). Synthetic archives only: the real MNIST is never loaded here."""

import gzip
import struct

import numpy as np
import pytest
import torch

from gdlab.io import DataError
from gdlab.mnist import parse_idx, prepare, read_mnist


def idx(array: np.ndarray, code: int = 0x08) -> bytes:
    return struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def test_parse_idx_round_trip():
    a = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    back = parse_idx(idx(a), "a")
    assert back.dtype == np.uint8 and back.shape == (2, 3, 4)
    np.testing.assert_array_equal(back, a)
    np.testing.assert_array_equal(parse_idx(idx(np.array([7, 0, 9], np.uint8)), "labels"), [7, 0, 9])


@pytest.mark.parametrize("data, match", [
    (b"\x00\x00", r"train-images: too short for an IDX file \(2 bytes\)"),
    (b"<html>" + idx(np.zeros((2, 2), np.uint8)), r"train-images: not an IDX file of unsigned bytes \(magic 3c68746d\)"),
    (idx(np.zeros((2, 2), np.float32), code=0x0D), r"not an IDX file of unsigned bytes \(magic 00000d02\)"),
    (idx(np.zeros((2, 3, 4), np.uint8))[:-1], r"train-images: IDX header promises 24 values \(2, 3, 4\), found 23"),
    (idx(np.zeros((2, 3), np.uint8)) + b"\x00", r"promises 6 values \(2, 3\), found 7"),
])
def test_parse_idx_errors_name_the_file(data, match):
    with pytest.raises(DataError, match=match):
        parse_idx(data, "train-images")


def write_archives(tmp_path, n_train=7, n_test=3, labels=None, seed=0):
    rng = np.random.default_rng(seed)
    files = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        arrays = {"images": rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
                  "labels": rng.integers(0, 10, n, dtype=np.uint8) if labels is None else labels[prefix]}
        for kind, arr in arrays.items():
            p = tmp_path / f"{prefix}-{kind}-idx.gz"
            p.write_bytes(gzip.compress(idx(arr), mtime=0))
            files[f"{prefix}-{kind}"] = p
    return files


def test_read_mnist_from_synthetic_archives(tmp_path):
    files = write_archives(tmp_path)
    t = read_mnist(files)
    assert sorted(t) == ["test_images", "test_labels", "train_images", "train_labels"]
    assert t["train_images"].shape == (7, 28, 28) and t["train_images"].dtype == np.uint8
    assert t["test_labels"].shape == (3,) and t["test_labels"].dtype == np.int64
    raw = gzip.decompress(files["train-images"].read_bytes())
    np.testing.assert_array_equal(t["train_images"].ravel(), np.frombuffer(raw[16:], np.uint8))


def test_read_mnist_rejects_mismatched_counts_and_bad_labels(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    short = write_archives(tmp_path / "a", labels={"train": np.zeros(6, np.uint8), "t10k": np.zeros(3, np.uint8)})
    with pytest.raises(DataError, match=r"MNIST train: images \(7, 28, 28\) do not match labels \(6,\)"):
        read_mnist(short)
    bad = write_archives(tmp_path / "b", labels={"train": np.zeros(7, np.uint8), "t10k": np.array([0, 10, 3], np.uint8)})
    with pytest.raises(DataError, match="MNIST test: label 10 outside 0..9"):
        read_mnist(bad)


def test_read_mnist_names_an_archive_that_is_not_gzip(tmp_path):
    files = write_archives(tmp_path)
    files["t10k-labels"].write_bytes(b"<!DOCTYPE html><html>Not Found</html>")
    with pytest.raises(DataError, match=r"t10k-labels-idx\.gz: expected a gzip archive.*HTML page"):
        read_mnist(files)


def synthetic_raw(n_train=12, n_test=5):
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8)
    train[0] = np.arange(784).reshape(28, 28) % 256  # every pixel value 0..255 occurs
    return {"train_images": train, "train_labels": rng.integers(0, 10, n_train).astype(np.int64),
            "test_images": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
            "test_labels": rng.integers(0, 10, n_test).astype(np.int64)}


def test_prepare_gives_float32_pixels_equal_to_uint8_over_255_flattened_row_major():
    raw = synthetic_raw()
    d = prepare(raw)
    assert sorted(d) == ["X_test", "X_train", "y_test", "y_train"]  # nothing split, nothing standardised
    assert d["X_train"].shape == (12, 784) and d["X_test"].shape == (5, 784)
    assert d["X_train"].dtype == d["X_test"].dtype == np.float32
    for part in ("train", "test"):
        images, X = raw[f"{part}_images"], d[f"X_{part}"]
        # the correctly rounded float32 of k/255, and within float32 rounding of the exact quotient
        np.testing.assert_array_equal(X, np.float32(images.reshape(len(images), -1)) / np.float32(255))
        np.testing.assert_allclose(X, images.reshape(len(images), -1) / 255.0, rtol=2**-24, atol=0)
        np.testing.assert_array_equal(X[3].reshape(28, 28), images[3].astype(np.float32) / np.float32(255))
    assert d["X_train"].min() == 0.0 and d["X_train"].max() == 1.0


def test_prepare_equals_torchvision_to_tensor():
    """The course's notebook reads MNIST through transforms.ToTensor(): the very same float32 numbers."""
    from torchvision.transforms import ToTensor

    raw = synthetic_raw()
    d = prepare(raw)
    for i in range(3):
        t = ToTensor()(raw["train_images"][i])
        assert t.shape == (1, 28, 28) and t.dtype == torch.float32
        np.testing.assert_array_equal(t.reshape(-1).numpy(), d["X_train"][i])


def test_prepare_keeps_the_labels_int64_from_read_mnist(tmp_path):
    files = write_archives(tmp_path, n_train=6, n_test=4)
    raw = read_mnist(files)
    d = prepare(raw)
    assert d["y_train"].dtype == d["y_test"].dtype == np.int64
    np.testing.assert_array_equal(d["y_train"], raw["train_labels"])
    np.testing.assert_array_equal(d["y_test"], raw["test_labels"])
    np.testing.assert_array_equal(d["X_test"] * 255, raw["test_images"].reshape(4, -1).astype(np.float32))


def test_prepared_arrays_load_as_the_training_jobs_see_them(tmp_path):
    from gdlab.io import save_array_dir
    from gdlab.softmax import load_mnist

    d = prepare(synthetic_raw())
    save_array_dir(tmp_path / "mnist", **d)
    t = load_mnist(tmp_path / "mnist")
    assert t["X_train"].dtype == torch.float32 and t["y_train"].dtype == torch.int64
    assert all(np.array_equal(t[k].numpy(), d[k]) for k in d)
